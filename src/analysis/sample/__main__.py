"""``python -m analysis.sample OUT_DIR``: write the whole synthetic sample to ``OUT_DIR``.

A separate entry module so that importing :mod:`analysis.sample` never parses arguments.
"""

from analysis.sample import main

raise SystemExit(main())
