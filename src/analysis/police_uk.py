"""Reading data.police.uk street-level files.

Files come either in the archive layout (``YYYY-MM/YYYY-MM-<force>-street.csv``) or flat in
one folder, plain or gzipped. Each file is read with pyarrow, only the columns we need,
straight into typed Arrow arrays: at national scale (about 6 million rows a year) reading
every column as Python strings would dominate the run. Only one file's raw text is held
at a time.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.errors import InputDataError

log = logging.getLogger(__name__)

# published header -> our column name
COLUMNS = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Falls within": "falls_within",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
}
REQUIRED = ["Crime ID", "Month", "Longitude", "Latitude", "LSOA code", "Crime type"]
_FILE_RE = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+)-street\.csv(\.gz)?$")


@dataclass(frozen=True)
class StreetFile:
    """One force-month file."""

    path: Path
    month: str
    force: str

    @property
    def name(self) -> str:
        return self.path.name


def discover(folders: tuple[Path, ...] | list[Path], forces: tuple[str, ...]) -> list[StreetFile]:
    """All street files of the configured forces under ``folders`` (any depth), by month.

    Two files for the same force and month (e.g. a ``.csv`` beside its ``.csv.gz``, or the
    month in two folders) would double-count, so that is an error naming both.
    """
    found: dict[tuple[str, str], StreetFile] = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*-street.csv*")):
            match = _FILE_RE.match(path.name)
            if not match or match.group("force") not in forces:
                continue
            sf = StreetFile(path=path, month=match.group("month"), force=match.group("force"))
            key = (sf.force, sf.month)
            if key in found:
                raise InputDataError(
                    f"two files for {sf.force} {sf.month}: {found[key].path} and {path}; "
                    "remove one (each force-month must be counted once)"
                )
            found[key] = sf
    if not found:
        where = ", ".join(str(f) for f in folders)
        raise InputDataError(
            f"no police.uk street files for force(s) {', '.join(forces)} under {where} "
            "(expected names like 2025-01-kent-street.csv)"
        )
    return sorted(found.values(), key=lambda f: (f.month, f.force))


def _open_bytes(path: Path) -> bytes:
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as fh:
            return fh.read()
    return path.read_bytes()


def _decode_header(data: bytes, name: str) -> tuple[list[str], str, int]:
    """Header names (stripped, BOM removed), the text encoding, and the header's byte length."""
    if not data.strip():
        raise InputDataError(f"{name}: the file is empty (no header, no rows)")
    end = data.find(b"\n")
    line = data[: end if end >= 0 else len(data)]
    try:  # the body is checked by the CSV reader itself, which falls back to Latin-1
        text = line.decode("utf-8-sig")
        encoding = "utf8"
    except UnicodeDecodeError:
        text = line.decode("latin-1").lstrip("\ufeff")
        encoding = "latin1"
    header = [h.strip() for h in next(csv.reader([text.rstrip("\r")]))]
    return header, encoding, (end + 1 if end >= 0 else len(data))


def read_street_file(sf: StreetFile) -> pa.Table:
    """Read one file into an Arrow table with our column names plus source_file/source_row.

    source_row is the line number in the file (header is line 1), so messages can point a
    person at the exact line in a spreadsheet or editor.
    """
    data = _open_bytes(sf.path)
    header, encoding, header_len = _decode_header(data, sf.name)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputDataError(
            f"{sf.name}: column(s) {', '.join(repr(m) for m in missing)} missing from the header "
            f"(line 1); found: {', '.join(header)}"
        )
    if encoding == "latin1":
        log.warning("%s is not UTF-8; read as Latin-1", sf.name)
    body = data[header_len:]
    if not body.strip():
        raise InputDataError(f"{sf.name}: the file has a header but no data rows")

    bad_rows: list[str] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        line = f"line {row.number + 1}" if row.number is not None else "a line"
        bad_rows.append(f"{line} has {row.actual_columns} fields, expected {row.expected_columns}")
        return "skip"

    wanted = [h for h in COLUMNS if h in header]

    def parse(enc: str) -> pa.Table:
        bad_rows.clear()
        return pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=header, encoding=enc, use_threads=False),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types={h: pa.string() for h in wanted},
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        try:
            table = parse(encoding)
        except pa.ArrowInvalid as exc:
            if encoding != "utf8" or "UTF8" not in str(exc).upper().replace("-", ""):
                raise
            log.warning("%s is not UTF-8; read as Latin-1", sf.name)
            table = parse("latin1")
    except pa.ArrowInvalid as exc:
        raise InputDataError(f"{sf.name}: cannot be read as CSV: {exc}") from None
    if bad_rows:
        shown = "; ".join(bad_rows[:5])
        raise InputDataError(
            f"{sf.name}: {len(bad_rows)} malformed line(s) ({shown}); "
            "the file may be truncated or have stray commas"
        )
    table = table.rename_columns([COLUMNS[c] for c in table.column_names])
    n = table.num_rows
    rows = np.arange(2, n + 2, dtype=np.int64)

    cols: dict[str, pa.Array] = {}
    for name in COLUMNS.values():
        if name in ("longitude", "latitude"):
            continue
        col = table.column(name) if name in table.column_names else pa.nulls(n, pa.string())
        cols[name] = pc.utf8_trim_whitespace(col)
    for name in ("longitude", "latitude"):
        text = pc.utf8_trim_whitespace(table.column(name))
        as_float = _to_float(text, sf.name, name, rows)
        cols[name] = as_float

    months = cols["month"]
    wrong = pc.fill_null(pc.not_equal(months, sf.month), True)
    if pc.any(wrong).as_py():
        idx = np.flatnonzero(wrong.to_numpy(zero_copy_only=False))
        examples = ", ".join(f"{months[int(i)].as_py()!r} at line {rows[i]}" for i in idx[:3])
        raise InputDataError(
            f"{sf.name}: column 'Month' should be {sf.month} (from the file name) on every row, "
            f"but {len(idx)} row(s) differ, e.g. {examples}"
        )
    cols["source_file"] = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([sf.name])
    )
    cols["source_row"] = pa.array(rows)
    cols["force"] = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([sf.force])
    )
    return pa.table(cols)


def _to_float(text: pa.ChunkedArray, file: str, column: str, rows: np.ndarray) -> pa.Array:
    """Parse coordinates; a non-numeric value is an error naming the line, never a NaN."""
    try:
        return pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        values = text.to_numpy(zero_copy_only=False)
        bad = []
        for i, v in enumerate(values):  # only on the error path
            if v is None:
                continue
            try:
                float(v)
            except ValueError:
                bad.append(i)
        examples = ", ".join(f"{values[i]!r} at line {rows[i]}" for i in bad[:3])
        raise InputDataError(
            f"{file}: column '{column.capitalize()}' must be a number or blank; "
            f"{len(bad)} row(s) are not, e.g. {examples}"
        ) from None
