"""Reading data.police.uk street-level files.

Files come either in the archive layout (``YYYY-MM/YYYY-MM-<force>-street.csv``) or flat in
one folder, plain or gzipped. Each file is read with pyarrow, only the columns we need,
straight into typed Arrow arrays: at national scale (about 6 million rows a year) reading
every column as Python strings would dominate the run. :mod:`analysis.sources.police_uk_ingest` reads files in
parallel threads, so one file's raw text per thread is held at a time.
"""

from __future__ import annotations

import csv
import gzip
import logging
import os
import re
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.errors import InputDataError, input_error
from analysis.sources.raw_files import read_bytes, record_digest

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
_NON_SPACE = re.compile(rb"\S")  # finds the first non-blank byte without copying the file
_NEWLINE = re.compile(rb"\n")
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
            month = int(match.group("month")[5:])
            if not 1 <= month <= 12:
                raise input_error(path, f"the file name's month {match.group('month')} is not a "
                                  "month (YYYY-MM, 01 to 12)")  # fmt: skip
            if not path.is_file():  # a folder, or a link to nothing, named like a month's file
                what = "a folder" if path.is_dir() else "a link to a file that does not exist"
                raise input_error(path, f"is {what}, not a police.uk street-level file")
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


_buffers = threading.local()


def _open_bytes(path: Path) -> bytes | memoryview:
    """The file's bytes: a gzipped file decompressed; a plain one read into this thread's
    reusable buffer.

    Reusing one buffer per thread matters at national scale: a fresh 2-3 MB allocation per
    file (or a memory map) costs a page fault per 4 KB page, which added a fifth to the
    ingest's time. The CSV parser copies what it keeps, so the buffer can be reused for the
    next file once :func:`read_street_file` returns.
    """
    if path.suffix == ".gz":
        packed = read_bytes(path)
        try:
            return gzip.decompress(packed)
        except (EOFError, OSError, zlib.error) as exc:  # truncated, or not gzip at all
            raise input_error(
                path, f"not a complete gzip file ({exc}); download it again"
            ) from None
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        buf = getattr(_buffers, "buf", None)
        if buf is None or len(buf) < size + 1:
            buf = _buffers.buf = bytearray(max(size + 1, 1 << 22))
        view = memoryview(buf)
        n = 0
        while True:  # the file may have grown since fstat: read to the end
            got = fh.readinto(view[n:])
            if not got:
                break
            n += got
            if n == len(buf):
                whole = view[:n].tobytes() + fh.read()
                record_digest(path, whole)
                return whole
        record_digest(path, view[:n])
        return view[:n]


def _decode_header(data: bytes | memoryview, name: str) -> tuple[list[str], str, int]:
    """Header names (stripped, BOM removed), the text encoding, and the header's byte length."""
    if not _NON_SPACE.search(data):
        raise InputDataError(f"{name}: the file is empty (no header, no rows)")
    newline = _NEWLINE.search(data)
    end = newline.start() if newline else -1
    line = bytes(data[: end if end >= 0 else len(data)])
    try:  # the body is checked by the CSV reader itself, which falls back to Latin-1
        text = line.decode("utf-8-sig")
        encoding = "utf8"
    except UnicodeDecodeError:
        text = line.decode("latin-1").lstrip("\ufeff")
        encoding = "latin1"
    header = [h.strip() for h in next(csv.reader([text.rstrip("\r")]))]
    return header, encoding, (end + 1 if end >= 0 else len(data))


#: Low-cardinality text columns are read as Arrow dictionaries: the CSV parser hashes each
#: value once, and every later step (trimming, checks, the LSOA lookup) works on the few
#: hundred distinct values of a file instead of on every row.
DICTIONARY_COLUMNS = ("month", "falls_within", "lsoa_code", "crime_type")
_DICT = pa.dictionary(pa.int32(), pa.string())


def read_street_file(sf: StreetFile) -> pa.Table:
    """Read one file into an Arrow table with our column names plus source_file/source_row.

    source_row is the line number in the file (header is line 1), so messages can point a
    person at the exact line in a spreadsheet or editor. ``month``, ``falls_within``,
    ``lsoa_code`` and ``crime_type`` come back trimmed of spaces, as dictionary arrays (one
    chunk); ``crime_id`` and ``lsoa_name`` as read (they matter only for the rows an area
    keeps, which :mod:`analysis.sources.police_uk_ingest` trims); coordinates as float64.
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
    body = memoryview(data)[header_len:]  # no copy
    if not _NON_SPACE.search(data, header_len):
        raise InputDataError(f"{sf.name}: the file has a header but no data rows")

    bad_rows: list[str] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        line = f"line {row.number + 1}" if row.number is not None else "a line"
        bad_rows.append(f"{line} has {row.actual_columns} fields, expected {row.expected_columns}")
        return "skip"

    wanted = [h for h in COLUMNS if h in header]

    def parse(enc: str, numbers: bool) -> pa.Table:
        bad_rows.clear()
        types = {h: _DICT if COLUMNS[h] in DICTIONARY_COLUMNS else pa.string() for h in wanted}
        if numbers:  # the parser accepts surrounding spaces; any other text fails the file
            types.update({"Longitude": pa.float64(), "Latitude": pa.float64()})
        return pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(
                column_names=header,
                encoding=enc,
                use_threads=False,  # files are read in parallel instead (see analysis.sources.police_uk_ingest)
                block_size=max(1 << 20, len(body) + 1),  # one chunk per column
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types=types,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )

    def parse_any(numbers: bool) -> pa.Table:
        try:
            return parse(encoding, numbers)
        except pa.ArrowInvalid as exc:
            if encoding != "utf8" or "UTF8" not in str(exc).upper().replace("-", ""):
                raise
            log.warning("%s is not UTF-8; read as Latin-1", sf.name)
            return parse("latin1", numbers)

    try:
        try:
            table = parse_any(numbers=True)
        except pa.ArrowInvalid as exc:
            if "conversion error to double" not in str(exc):
                raise
            table = parse_any(numbers=False)  # only to name the bad lines (below)
    except pa.ArrowInvalid as exc:
        raise InputDataError(f"{sf.name}: cannot be read as CSV: {exc}") from None
    if bad_rows:
        shown = "; ".join(bad_rows[:5])
        raise InputDataError(
            f"{sf.name}: {len(bad_rows)} malformed line(s) ({shown}); "
            "the file may be truncated or have stray commas"
        )
    table = table.rename_columns([COLUMNS[c] for c in table.column_names])
    if table.num_rows and any(c.num_chunks != 1 for c in table.columns):
        table = table.unify_dictionaries().combine_chunks()
    n = table.num_rows
    rows = _record_lines(body, n)

    cols: dict[str, pa.Array] = {}
    for name in COLUMNS.values():
        if name not in table.column_names:
            cols[name] = pa.nulls(n, _DICT if name in DICTIONARY_COLUMNS else pa.string())
        elif name in ("longitude", "latitude"):
            col = table.column(name)
            if not pa.types.is_floating(col.type):
                col = _to_float(pc.utf8_trim_whitespace(col), sf.name, name, rows)
            cols[name] = _single(col)
        elif name in DICTIONARY_COLUMNS:
            cols[name] = _trim_dictionary(_single(table.column(name)))
        else:  # crime_id, lsoa_name: used only for the rows kept, so trimmed once kept
            cols[name] = _single(table.column(name))

    months = cols["month"]
    wrong_value = pc.fill_null(pc.not_equal(months.dictionary, sf.month), True)
    wrong = pc.fill_null(pc.take(wrong_value, months.indices), True)
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
    return pa.table(cols)


def _record_lines(body: memoryview, n: int) -> np.ndarray:
    """The file line (header = line 1) each of the ``n`` records starts on.

    Usually record k is line k + 2; after blank lines (which the parser skips) or a quoted
    field holding a line break, it is not, and a message naming "line 5" would send the analyst
    to the wrong row. Worked out on the bytes with numpy: a line starts a record when it is not
    blank and an even number of quote characters come before it.
    """
    buf = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(buf == 10)
    lines = len(newlines) + (1 if len(buf) and buf[-1] != 10 else 0)
    if lines == n:
        return np.arange(2, n + 2, dtype=np.int64)
    starts = np.concatenate([[0], newlines + 1])[:lines]
    ends = np.concatenate([newlines, [len(buf)]])[:lines]
    first = buf[np.minimum(starts, len(buf) - 1)]
    blank = (ends - starts == 0) | ((ends - starts == 1) & (first == 13))
    quotes = np.concatenate([[0], np.cumsum(buf == 34)])[starts]  # quotes before each line
    record = ~blank & (quotes % 2 == 0)
    found = np.flatnonzero(record) + 2
    return found.astype(np.int64) if len(found) == n else np.arange(2, n + 2, dtype=np.int64)


def _single(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """One contiguous array (a file is parsed as one block, so this rarely copies)."""
    if isinstance(col, pa.ChunkedArray):
        return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    return col


def _trim_dictionary(arr: pa.DictionaryArray) -> pa.DictionaryArray:
    """Trim spaces from a dictionary's distinct values only: a few hundred strings per file.

    Two values that differ only by spaces become equal entries; every later step compares
    values, not indices, so that is harmless.
    """
    return pa.DictionaryArray.from_arrays(arr.indices, pc.utf8_trim_whitespace(arr.dictionary))


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
