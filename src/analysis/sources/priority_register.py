"""The priority candidates register (``config/priority_candidates.csv``): what may be a priority.

Why this module exists
----------------------
The proposed priorities are scored over a list of candidate issues: crime groups, ASB, and the
partners' themes (domestic abuse, substance misuse, re-offending, road safety, fire). Which
candidates there are, how harmful each is taken to be (0-3) and why, and which words tie a
partner's indicators (``partner_keywords``) and a survey's concerns (``public_keywords``) to it are the analyst's decisions, kept in a file with the reasons
beside the numbers, not in code. The harm values shipped are indicative, and say so.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from analysis.config import REPO_ROOT
from analysis.errors import input_error

DEFAULT_CANDIDATES = REPO_ROOT / "config" / "priority_candidates.csv"
KINDS = ("crime_group", "asb", "partner_theme", "road_safety", "fire")
COLUMNS = ("candidate", "kind", "crime_group", "partner_keywords", "public_keywords", "harm",
           "harm_source")  # fmt: skip


def load_candidates(path: Path = DEFAULT_CANDIDATES) -> pd.DataFrame:
    """The register, checked: known kinds, harm 0-3, keywords that are valid patterns."""
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found")
    df = pd.read_csv(io.BytesIO(path.read_bytes()), dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise input_error(path, f"missing column(s) {', '.join(missing)}", row=1)
    for i, r in enumerate(df.itertuples(), start=2):
        if r.kind not in KINDS:
            raise input_error(path, f"kind '{r.kind}' is not one of {', '.join(KINDS)}", row=i,
                              column="kind")  # fmt: skip
        if r.harm not in ("0", "1", "2", "3"):
            raise input_error(path, f"harm '{r.harm}' is not 0, 1, 2 or 3", row=i, column="harm")
        for column in ("partner_keywords", "public_keywords"):
            try:
                re.compile(getattr(r, column))
            except re.error as exc:
                raise input_error(path, f"not a valid pattern: {exc}", row=i,
                                  column=column) from None  # fmt: skip
    if df["candidate"].duplicated().any():
        dup = df.loc[df["candidate"].duplicated(), "candidate"].iloc[0]
        raise input_error(path, f"candidate '{dup}' appears twice", column="candidate")
    return df.assign(harm=df["harm"].astype(int))
