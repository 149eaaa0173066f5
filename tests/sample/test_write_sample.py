"""The package entry points: :func:`analysis.sample.write_sample` and ``python -m analysis.sample``.

The pipeline generates the sample through :func:`~analysis.sample.write_sample` and the
Makefile through the command line; both must write the same complete folder (police.uk part
and partner files), replacing what was there.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from analysis.sample import write_sample


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_cli_and_write_sample_give_the_same_whole_folder(tmp_path: Path) -> None:
    api, cli = tmp_path / "api", tmp_path / "cli"
    cli.mkdir()
    (cli / "stale.txt").write_text("from an older run")
    write_sample(api)
    subprocess.run([sys.executable, "-m", "analysis.sample", str(cli)], check=True)
    files = _all_bytes(api)
    assert files == _all_bytes(cli)  # and stale.txt is gone
    assert {"README.md", "partners/README.md", "road/collisions.csv", "fire/activity.csv"} <= set(
        files
    )
    assert any(f.startswith("police_uk/sampleshire/") for f in files)
    assert b"python -m analysis.sample OUT_DIR" in files["README.md"]
    assert b"`python -m analysis.sample`" in files["partners/README.md"]


def test_the_old_module_names_are_gone() -> None:
    for old in ("analysis.sample_data", "analysis.sample_partners"):
        assert importlib.util.find_spec(old) is None, old
