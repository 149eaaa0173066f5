"""Fail if a notebook is committed with outputs or execution counts (they leak data and make noisy diffs)."""

import json
import sys


def main(paths: list[str]) -> int:
    bad = []
    for path in paths:
        nb = json.load(open(path, encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") == "code" and (
                cell.get("outputs") or cell.get("execution_count")
            ):
                bad.append(f"{path}: cell {i} has outputs or an execution count (run `make strip`)")
                break
    print("\n".join(bad) or f"{len(paths)} notebook(s) stripped")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
