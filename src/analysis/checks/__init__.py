"""Checks: the Great Expectations suites, their file-by-file Arrow evaluator, and checks on
figures that partners state in their returns.

Checks sit below whatever calls them: the police.uk reader checks each file as it reads it,
and the pipeline checks each tidy table once. They import only the foundation modules.
"""
