"""The pieces of ``tools/bench.py`` (``make bench``), split by what runs where.

``tools/bench.py`` stays the script ``make bench`` calls; it also re-runs itself with
``--worker`` for each measurement, so a worker's peak memory is its own process's. The
package is called ``benchmarks`` rather than ``bench`` because a package ``bench/`` beside a
script ``bench.py`` would shadow one or the other on ``sys.path``.

* :mod:`.common`: constants, the data-set sizes, the result records, memory and CPU helpers.
* :mod:`.workers`: the measurements (each run in a fresh process) and how the parent runs one.
* :mod:`.cases`: generating the data sets and running every case on one of them.
* :mod:`.make_all`: timing ``make all`` from clean, where its time goes, and a no-op run.
* :mod:`.report`: the machine description, the table, stdout and ``results.json``.
"""
