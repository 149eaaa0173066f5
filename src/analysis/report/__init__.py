"""Report: what the notebooks call (their inputs, tables, sentences and charts), the assembled
document, and rendering to HTML. Report code formats measures; it computes none.
"""
