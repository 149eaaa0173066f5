"""Errors that end a run with a plain message instead of a traceback.

Everything an analyst can cause by supplying bad input (data or configuration) raises a
subclass of :class:`PipelineError`; the runner prints its message and exits non-zero.
"""


class PipelineError(Exception):
    """Base for errors whose message alone tells the user what to fix."""


class InputDataError(PipelineError, ValueError):
    """A source file is unreadable or does not have the shape we need."""
