"""Measures: pure functions from tidy tables to the numbers a reviewer reads.

Change and significance, rates and populations, targets met or missed (RAG), disclosure
control, the partner sections' figures, and the assembly of ``figures.json``. Measures read
no files: the pipeline hands them the processed tables.
"""
