"""Opening raw files: each once per run, its SHA-256 taken from the same read.

Why this module exists
----------------------
Raw data is read once, at the ingest step; every period, figure and notebook works from the
processed tables. Provenance still needs each input's checksum, and hashing a file after
reading it would open it twice (a national police.uk year is gigabytes). So every reader of a
raw file goes through here: the bytes it reads are hashed as they are read, and
:func:`sha256` gives the checksum from that read. A file the run did not read (or did not
read to its end) is hashed on request.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_DIGESTS: dict[str, tuple[tuple[int, int], str]] = {}


def _key(path: Path) -> tuple[str, tuple[int, int]]:
    st = Path(path).stat()
    return str(Path(path).resolve()), (st.st_size, st.st_mtime_ns)


def record_digest(path: Path, data: bytes | memoryview) -> None:
    """Remember the checksum of a file's complete contents, read by the caller."""
    key, stamp = _key(path)
    _DIGESTS[key] = (stamp, hashlib.sha256(data).hexdigest())


def read_bytes(path: Path) -> bytes:
    """The whole file, read once and hashed."""
    data = Path(path).read_bytes()
    record_digest(path, data)
    return data


def read_text(path: Path, encoding: str = "utf-8-sig") -> str:
    """The whole file as text (a byte-order mark dropped), read once and hashed."""
    return read_bytes(path).decode(encoding)


class _HashingReader(io.RawIOBase):
    """A file that hashes what is read from it, for files too big to hold in memory."""

    def __init__(self, path: Path) -> None:
        self._fh = open(path, "rb", buffering=0)  # noqa: SIM115 (closed by close())
        self._hash = hashlib.sha256()
        self.at_end = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self._fh.readinto(buffer)
        if n:
            self._hash.update(memoryview(buffer)[:n])
        else:
            self.at_end = True
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@contextmanager
def open_csv_stream(path: Path) -> Iterator[tuple[list[str], io.BufferedReader]]:
    """The CSV's header (stripped, byte-order mark removed) and a stream positioned after it.

    For reading a large CSV in chunks with one open: pass the stream to ``pd.read_csv`` with
    ``header=None, names=header``. The checksum is recorded if the stream is read to its end.
    """
    raw = _HashingReader(Path(path))
    stream = io.BufferedReader(raw, buffer_size=1 << 20)
    try:
        first = stream.readline().decode("utf-8-sig").rstrip("\r\n")
        header = [c.strip() for c in next(csv.reader([first]), [])]
        yield header, stream
        if raw.at_end:
            key, stamp = _key(path)
            _DIGESTS[key] = (stamp, raw.hexdigest())
    finally:
        stream.close()


def sha256(path: Path) -> str:
    """The file's SHA-256: from this run's read when the file is unchanged, else computed."""
    key, stamp = _key(path)
    known = _DIGESTS.get(key)
    if known and known[0] == stamp:
        return known[1]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
