"""Timing ``make all`` on the sample area: from clean, where its time goes, and a no-op run.

Outputs are redirected to temporary folders (``CSP_OUTPUT_DIR`` and friends) so the
repository's own are untouched, and each recipe command is timed by a shell passed as
``SHELL=`` so the Makefile needs no change. Kernel start-up and rendering are measured by
workers (:mod:`.workers`) and scaled by what ``make all`` actually ran.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from .common import MAKE_ENV_DIRS, REPO, TARGET_NOOP_S, Report
from .workers import WorkerError, run_worker

# A recipe shell that records each command's wall time: given on the command line as SHELL=,
# it overrides the Makefile's own, so every step of `make all` is timed without editing it.
TIMING_SHELL = """#!/bin/bash
start=$(date +%s.%N)
/bin/bash "$@"
rc=$?
end=$(date +%s.%N)
cmd="${*:2}"
printf '%s\\t%s\\t%s\\n' "$start" "$end" "${cmd//$'\\n'/ }" >> "$CSP_BENCH_STEP_LOG"
exit $rc
"""
# What a change to would make `make all` redo work (used to explain a no-op run that was not).
WATCHED = ("Makefile", "config", "expectations", "notebooks", "src/analysis", "data/raw/sample")


def _make_env(dirs: dict[str, Path]) -> dict[str, str]:
    """The caller's environment with outputs redirected; an outer make's flags (e.g. ``-j``
    from ``make -j2 bench``) are dropped so the timed run is the plain ``make all``."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update({k: str(v) for k, v in dirs.items()})
    return env


def _step_of(command: str) -> str | None:
    """``'periods fy2024-25'`` for a runner command with ``--step periods --period fy2024-25``."""
    if "analysis.run" not in command or "--step" not in command:
        return None
    words = command.split("--step", 1)[1].split()
    return " ".join(w for w in words if w != "--period")


def _steps(stdout: str) -> list[str]:
    """The runner steps make executed, e.g. ``['ingest', 'periods fy2024-25', 'index']``."""
    return [step for line in stdout.splitlines() if (step := _step_of(line))]


def _timed_make(
    args: Sequence[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``make ARGS AREA=sample`` in the repository; wall seconds and the result."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", *args, "AREA=sample"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - t0, proc


def _fail_reason(proc: subprocess.CompletedProcess[str]) -> str:
    """The last lines of a failed command, short enough for one table line."""
    lines = [ln for ln in (proc.stderr + proc.stdout).strip().splitlines() if ln.strip()]
    return " | ".join(lines[-2:])[:300] or f"exit status {proc.returncode}"


def _step_times(log: Path) -> list[tuple[str, float]]:
    """(step, seconds) for each runner command the timing shell recorded, in order."""
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        start, end, cmd = line.split("\t", 2)
        if "analysis.run" not in cmd:
            continue
        label = "make-deps" if "--make-deps" in cmd else (_step_of(cmd) or "run")
        out.append((label, float(end) - float(start)))
    return out


def _changed_since(t0: float) -> list[str]:
    """Files under WATCHED modified after ``t0`` (another session editing while we time)."""
    changed = []
    for name in WATCHED:
        path = REPO / name
        candidates = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        changed += [
            str(p.relative_to(REPO))
            for p in candidates
            if p.is_file() and "__pycache__" not in p.parts and p.stat().st_mtime > t0
        ]
    return sorted(changed)


def bench_make(out: Path, cores: int, report: Report) -> None:
    """``make all`` from clean, where its time goes, and a ``make all`` with nothing changed."""
    lines = report.make
    if not shutil.which("make"):
        lines.append("make all: n/a (make is not installed)")
        return
    root = out / "make"
    dirs = {
        "CSP_OUTPUT_DIR": root / "outputs",
        "CSP_PROCESSED_DIR": root / "processed",
        "CSP_BUILD_DIR": root / "build",
    }
    shutil.rmtree(root, ignore_errors=True)
    for d in dirs.values():
        d.mkdir(parents=True)
    env = _make_env(dirs)

    # `make clean` must clean the redirected folders, or it would wipe the repository's own.
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "clean"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if dry.returncode == 0 and all(str(d) in dry.stdout for d in dirs.values()):
        _, proc = _timed_make(["clean"], env)
        clean_note = "after make clean"
        if proc.returncode != 0:
            clean_note = f"make clean failed ({_fail_reason(proc)}); from empty folders"
    else:
        clean_note = (
            "from empty temporary folders; make clean: n/a (it ignores "
            + ", ".join(MAKE_ENV_DIRS)
            + " and would clean the repository's own outputs)"
        )

    print("  make all from clean ...", flush=True)
    shell = root / "timing-shell.sh"
    shell.write_text(TIMING_SHELL, encoding="utf-8")
    shell.chmod(0o755)
    step_log = root / "steps.tsv"
    started = time.time()
    full_s, proc = _timed_make(
        ["all", f"SHELL={shell}"], {**env, "CSP_BENCH_STEP_LOG": str(step_log)}
    )
    if proc.returncode != 0:
        lines.append(f"make all from clean: n/a (make all failed: {_fail_reason(proc)})")
        return
    steps = _steps(proc.stdout)
    lines.append(f"make all from clean: {full_s:.1f} s ({clean_note})")
    timed = _step_times(step_log)
    if timed:
        lines.append(
            "  by step (each a Python process): "
            + "; ".join(f"{label} {s:.1f} s" for label, s in timed)
        )

    executed = sorted(str(p) for p in dirs["CSP_OUTPUT_DIR"].glob("*/*/notebooks/*.ipynb"))
    processes = sum(1 for s in steps if s.startswith("periods") or s == "all") or 1
    accounted = 0.0
    print("  kernel start-up ...", flush=True)
    try:
        k = run_worker("kernel", {"repeats": 3}, cores)
        # A period's notebooks share one kernel (analysis.run.period_kernel) unless
        # CSP_FRESH_KERNELS is set: one kernel start and one first import per period.
        fresh = os.environ.get("CSP_FRESH_KERNELS", "") not in ("", "0")
        periods_built = {str(Path(p).parent) for p in executed}
        n = len(executed) if fresh else len(periods_built)
        what = (
            "notebook runs"
            if fresh
            else f"periods ({len(executed)} notebooks, a kernel each period)"
        )
        kernel_s = n * k["empty"]
        imports_s = n * max(k["imports"] - k["empty"], 0.0)
        accounted += kernel_s + imports_s
        lines.append(
            f"  kernel start-up: {kernel_s:.1f} s = {n} {what} x {k['empty']:.2f} s "
            f"(papermill running an empty notebook), {kernel_s / full_s:.0%} of the run"
        )
        lines.append(
            f"  notebooks' import cell in each new kernel: {imports_s:.1f} s = {n} x "
            f"{k['imports'] - k['empty']:.2f} s, {imports_s / full_s:.0%}"
        )
    except (WorkerError, subprocess.TimeoutExpired) as exc:
        lines.append(f"  kernel start-up: n/a ({exc})")
    print("  rendering ...", flush=True)
    try:
        if not executed:
            raise WorkerError("no executed notebooks found under the redirected outputs")
        r = run_worker("render", {"notebooks": executed}, cores)
        render_s = r["seconds"] + processes * r["import_s"]
        accounted += render_s
        lines.append(
            f"  rendering: {render_s:.1f} s = {r['pages']} pages x {r['seconds'] / r['pages']:.2f} s"
            f" + {processes} processes x {r['import_s']:.2f} s importing nbconvert, "
            f"{render_s / full_s:.0%}"
        )
    except (WorkerError, subprocess.TimeoutExpired) as exc:
        lines.append(f"  rendering: n/a ({exc})")
    lines.append(
        "  everything else (Python start-up and imports per process, ingest, validation, "
        f"figures, notebook code): {full_s - accounted:.1f} s, {(full_s - accounted) / full_s:.0%}"
    )

    print("  make all with nothing changed ...", flush=True)
    noop_s, proc = _timed_make(["all"], env)
    redone = _steps(proc.stdout)
    changed = _changed_since(started)
    if proc.returncode == 0 and redone and changed:
        # Someone edited a watched file while we timed: that run was right to redo work.
        lines.append(
            f"make all, nothing changed: first try re-ran {', '.join(redone)} because "
            f"{len(changed)} file(s) changed during the benchmark (e.g. {', '.join(changed[:3])}); "
            "timed again"
        )
        started = time.time()
        noop_s, proc = _timed_make(["all"], env)
        redone = _steps(proc.stdout)
        changed = _changed_since(started)
    if proc.returncode != 0:
        lines.append(f"make all, nothing changed: n/a (failed: {_fail_reason(proc)})")
        return
    verdict = "PASS" if noop_s < TARGET_NOOP_S and not redone else "FAIL"
    note = f"; {len(changed)} watched file(s) changed meanwhile" if changed else ""
    lines.append(
        f"make all, nothing changed: {noop_s:.2f} s, steps re-run: {', '.join(redone) or 'none'}"
        f"{note} (target < {TARGET_NOOP_S:.0f} s and no work): {verdict}"
    )
