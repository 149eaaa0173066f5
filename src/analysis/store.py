"""Where processed data lives, and how every table and record is written: atomically.

Why this module exists
----------------------
Raw data is read once, at the ingest step, into ``data/processed/<area>/``; every later step
reads only from there. Each file is written to a temporary name and renamed, so an
interrupted run never leaves half a table where the previous good one was; Parquet is
written without pandas metadata and with a fixed row group, so the same input gives the same
bytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.config import REPO_ROOT

PROCESSED = Path(os.environ.get("CSP_PROCESSED_DIR", REPO_ROOT / "data" / "processed"))


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write deterministically (no pandas index, fixed row group) via a temp file + rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, tmp, compression="zstd", row_group_size=1_000_000)
    os.replace(tmp, path)


def write_json(data: dict | list, path: Path) -> None:
    """Indented UTF-8 JSON via a temp file + rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)


def load_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
