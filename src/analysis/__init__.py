"""Community Safety Partnership strategic assessment: ingest, validate, analyse and report."""

__version__ = "0.1.0"
