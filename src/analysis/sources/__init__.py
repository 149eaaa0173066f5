"""Sources: one module per kind of raw input, raw file in, tidy table out.

police.uk street-level files, ONS lookups, population estimates, ward boundaries, partners'
performance returns (layout, values, targets, the indicator register), DfT road casualties and
fire and rescue returns. A reader names the file, row and column of anything it cannot use
and computes nothing beyond tidying: rates, changes and RAG are measures.
"""
