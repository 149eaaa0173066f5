"""Errors that end a run with a plain message instead of a traceback.

Everything an analyst can cause by supplying bad input (data or configuration) raises a
subclass of :class:`PipelineError`; the runner prints its message and exits non-zero.
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Base for errors whose message alone tells the user what to fix."""


class InputDataError(PipelineError, ValueError):
    """A source file is unreadable or does not have the shape we need."""


def input_error(
    file: str | Path, message: str, *, row: int | None = None, column: str | None = None
) -> InputDataError:
    """An :class:`InputDataError` whose message starts 'FILE, row N, column 'X': ...'.

    Every reader of a source file reports bad input this one way, so the analyst always
    learns where to look. The parts are also kept as attributes (``file``, ``row``,
    ``column``) for callers that want them separately (the CLI, tests).
    """
    where = str(file)
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column '{column}'"
    err = InputDataError(f"{where}: {message}")
    err.file, err.row, err.column = str(file), row, column  # type: ignore[attr-defined]
    return err
