"""Data checks on police.uk extracts, run with Great Expectations (GX) 1.x.

Why this module exists
----------------------
The assessment is only as good as the files it reads. Each rule lives in a readable JSON
suite under ``expectations/`` (GX 1.x ExpectationSuite shape, one rule per entry, each with
``meta.severity`` and ``meta.why``) so an analyst can review and edit rules without reading
Python. This module runs a suite over a whole dataframe in one GX call and turns GX's result
objects into small :class:`CheckResult` records the pipeline and the HTML report can use.

Design choices (and why)
------------------------
* GX is imported lazily inside the functions that need it: it takes seconds to import, and
  code that only formats results (or the test collector) should not pay for that.
* Every :func:`validate` call gets a fresh *ephemeral* context with analytics and progress
  bars switched off in its project config. Progress bars are tqdm bars that would otherwise
  leak into notebook output; a fresh context is cheap (~10 ms) and keeps no reference to the
  previous (possibly multi-GB) dataframe.
* Runtime values (months, crime types, LAD codes, row-count range) are GX suite parameters
  (``{"$PARAMETER": "name"}``) passed at validation time, so the JSON never needs editing
  per run.
* GX is asked for the ``BASIC`` result format only. ``SUMMARY``/``COMPLETE`` with
  ``unexpected_index_column_names`` walk every bad row in Python (and build a string of all
  bad indices), which is slow when a whole column is wrong at national scale. Instead, after
  GX reports a failure we locate the first row of each example value with one vectorised
  ``isin`` over the column: the checks used here are value-determined (a value that failed
  once fails on every row), so that finds genuine bad rows, bounded to a handful.
* An error inside an expectation does not raise in GX: the result carries
  ``exception_info``. Such a result is always a *failure* with the error message in
  ``details``. If GX raises for the whole suite (e.g. a parameter of the wrong type fails
  GX's own argument validation), the expectations are re-run one by one so the error is
  pinned to the rule that caused it and the other rules still run.
* "Months in range and contiguous" is :func:`check_months_contiguous`, plain Python on the
  handful of distinct months. GX could express "every expected month is present" with
  ``expect_column_distinct_values_to_contain_set``, but that would duplicate the in-set
  rule's report and still needs the distinct months pulled back out to name the gap; a
  dozen lines of Python on ``df["month"].unique()`` are clearer and take microseconds.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.checks.examples import (
    bounds_text,
    files_note,
    locate_examples,  # fmt: skip
)
from analysis.checks.results import CheckResult
from analysis.config import REPO_ROOT

#: Default location of the JSON suites: ``<repo>/expectations``.
EXPECTATIONS_DIR: Path = REPO_ROOT / "expectations"

#: Allowed values of ``meta.severity``. Critical stops the run; warning is reported only.
SEVERITIES: tuple[str, ...] = ("critical", "warning")


#: How many unexpected values GX returns per check; we pick distinct examples from these.
#: GX takes them from the head of the bad rows, so this is cheap even when millions fail.
_PARTIAL_UNEXPECTED_COUNT = 100

_INDEX_META_KEY = "_check_index"  # internal: maps GX results back to suite order


# --------------------------------------------------------------------------------------
# Suites
# --------------------------------------------------------------------------------------


def load_suite(name: str, expectations_dir: Path | None = None) -> dict:
    """Read ``expectations/<name>.json`` and check its shape (without importing GX).

    Raises ``FileNotFoundError`` for a missing suite and ``ValueError`` for a suite a human
    edit has broken (no expectations, missing ``type``/``kwargs``, severity not one of
    :data:`SEVERITIES`), because a silently skipped rule is worse than a loud error.
    """
    directory = Path(expectations_dir) if expectations_dir is not None else EXPECTATIONS_DIR
    path = directory / f"{name}.json"
    with path.open(encoding="utf-8") as fh:
        suite = json.load(fh)

    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise ValueError(f"{path}: expected an object with an 'expectations' list")
    if suite.get("name") != name:
        raise ValueError(f"{path}: suite name {suite.get('name')!r} does not match file name")
    if not suite["expectations"]:
        raise ValueError(f"{path}: suite has no expectations")
    for i, exp in enumerate(suite["expectations"]):
        where = f"{path}: expectation #{i + 1}"
        if not isinstance(exp, dict) or not isinstance(exp.get("type"), str):
            raise ValueError(f"{where}: needs a 'type' (a GX expectation name)")
        if not isinstance(exp.get("kwargs"), dict):
            raise ValueError(f"{where} ({exp['type']}): needs a 'kwargs' object")
        severity = (exp.get("meta") or {}).get("severity")
        if severity not in SEVERITIES:
            raise ValueError(
                f"{where} ({exp['type']}): meta.severity must be one of {SEVERITIES}, "
                f"got {severity!r}"
            )
    return suite


def suite_parameter_names(suite: Mapping[str, Any]) -> set[str]:
    """Names of all ``{"$PARAMETER": name}`` placeholders used by a suite's kwargs."""
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            if "$PARAMETER" in value:
                names.add(str(value["$PARAMETER"]))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for exp in suite["expectations"]:
        walk(exp.get("kwargs", {}))
    return names


def to_gx_suite(suite: Mapping[str, Any], indices: Sequence[int] | None = None) -> Any:
    """Build a GX ``ExpectationSuite`` from a loaded suite dict.

    Each expectation is built on its own so that an unknown type or bad kwargs raises,
    naming the rule: ``gx.ExpectationSuite(**json)`` would only *log* and drop it. The
    severity from ``meta`` is also set on GX's own ``severity`` field, and an internal
    index is put in ``meta`` so results (which GX reorders by column) map back to rules.
    ``indices`` selects a subset of the expectations (used for the one-by-one fallback).
    """
    gx = _import_gx()
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    chosen = range(len(suite["expectations"])) if indices is None else indices
    expectations = []
    for i in chosen:
        exp = suite["expectations"][i]
        meta = dict(copy.deepcopy(exp.get("meta") or {}))
        meta[_INDEX_META_KEY] = i
        try:
            config = ExpectationConfiguration(
                type=exp["type"],
                kwargs=copy.deepcopy(exp["kwargs"]),
                meta=meta,
                description=exp.get("description"),
                severity=meta.get("severity", "critical"),
            )
            expectations.append(config.to_domain_obj())
        except Exception as exc:
            raise ValueError(
                f"suite {suite.get('name')!r}, expectation #{i + 1} ({exp.get('type')}): "
                f"not a valid GX expectation: {_one_line(exc)}"
            ) from exc
    gx_suite = gx.ExpectationSuite(
        name=str(suite["name"]), expectations=expectations, meta=suite.get("meta")
    )
    if len(gx_suite.expectations) != len(expectations):  # GX drops invalid ones silently
        raise ValueError(f"suite {suite.get('name')!r}: GX rejected some expectations")
    return gx_suite


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def validate(
    df: pd.DataFrame,
    suite_name: str,
    parameters: dict,
    *,
    expectations_dir: Path | None = None,
) -> list[CheckResult]:
    """Run one suite over the whole dataframe in a single GX validation call.

    Returns one :class:`CheckResult` per rule, in the suite's order. Does not raise for
    failing data (use :func:`raise_for_critical`); raises ``ValueError`` if ``parameters``
    lacks a value the suite needs, because that is a pipeline bug, not a data problem.
    """
    suite = load_suite(suite_name, expectations_dir)
    needed = suite_parameter_names(suite)
    missing = sorted(needed - set(parameters))
    if missing:
        raise ValueError(
            f"validate({suite_name!r}): missing suite parameter(s) {missing}; "
            f"the suite needs {sorted(needed)}"
        )
    params = {k: plain_value(v) for k, v in parameters.items()}
    # GX fingerprints (hashes) the whole frame and copies it when filtering nulls, so hand
    # it only the columns the suite reads. Missing ones stay missing; row count is kept.
    used = set()
    for exp in suite["expectations"]:
        kw = exp["kwargs"]
        used |= {kw[k] for k in ("column", "column_A", "column_B") if k in kw}
        used |= set(kw.get("column_list") or [])
    frame = df[[c for c in df.columns if c in used]]
    runner = _Runner(frame)

    gx_suite = to_gx_suite(suite)  # outside the try: a broken suite file must raise
    gx_results: dict[int, Any] = {}
    errors: dict[int, str] = {}
    try:
        gx_results = runner.run(gx_suite, params)
    except Exception:
        # Something (typically GX's argument validation after parameter substitution)
        # failed for the suite as a whole. Re-run rule by rule to pin the error down.
        for i in range(len(suite["expectations"])):
            single = to_gx_suite(suite, [i])
            try:
                gx_results.update(runner.run(single, params))
            except Exception as exc:
                errors[i] = _one_line(exc)

    missing_columns = {
        exp["kwargs"].get("column")
        for exp in suite["expectations"]
        if exp["kwargs"].get("column") is not None and exp["kwargs"]["column"] not in df.columns
    }
    results = []
    for i, exp in enumerate(suite["expectations"]):
        results.append(
            _to_check_result(
                df,
                suite_name,
                exp,
                gx_results.get(i),
                errors.get(i),
                missing_columns,
            )
        )
    return results


# --------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------


def _import_gx() -> Any:
    """Import GX with analytics off. Kept here so only validation pays the import cost."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every in-memory batch under 1 GB by hashing the whole frame: about
    # half the validation time at national scale, and of no use for a one-off batch.
    pandas_execution_engine.HASH_THRESHOLD = 0
    return gx


class _Runner:
    """Runs GX suites over one dataframe in a fresh ephemeral context.

    Uses the GX 1.x path data source -> dataframe asset -> whole-dataframe batch
    definition -> ``ValidationDefinition.run``, which builds the batch once (``Batch.validate``
    would build it twice, and GX hashes the whole frame each time it builds one).

    Progress bars are disabled in the project config (``progress_bars``: both ``globally``
    and ``metric_calculations``, since GX's validator reads the latter last) so nothing is
    printed into notebooks; analytics are disabled too. A fresh context costs ~10 ms and
    holds no reference to the frame after the call.
    """

    def __init__(self, df: pd.DataFrame) -> None:
        gx = _import_gx()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            store_backend_defaults=InMemoryStoreBackendDefaults(),
        )
        self._gx = gx
        self._df = df
        self._context = gx.get_context(mode="ephemeral", project_config=config)
        asset = self._context.data_sources.add_pandas("police_uk").add_dataframe_asset("frame")
        self._batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")
        self._runs = 0

    def run(self, gx_suite: Any, params: Mapping[str, Any]) -> dict[int, Any]:
        """Validate the frame against ``gx_suite``; results keyed by rule index."""
        self._runs += 1
        gx_suite.name = f"{gx_suite.name}#{self._runs}"  # unique within this context
        suite = self._context.suites.add(gx_suite)
        definition = self._context.validation_definitions.add(
            self._gx.ValidationDefinition(
                name=f"validate_{suite.name}", data=self._batch_definition, suite=suite
            )
        )
        outcome = definition.run(
            batch_parameters={"dataframe": self._df},
            expectation_parameters=copy.deepcopy(dict(params)),
            result_format=_result_format(),
        )
        return _by_index(outcome.results)


def _result_format() -> dict[str, Any]:
    return {
        "result_format": "BASIC",
        "partial_unexpected_count": _PARTIAL_UNEXPECTED_COUNT,
        "return_unexpected_index_query": False,
    }


def _by_index(results: Iterable[Any]) -> dict[int, Any]:
    out = {}
    for res in results:
        idx = (res.expectation_config.meta or {}).get(_INDEX_META_KEY)
        if idx is not None:
            out[int(idx)] = res
    return out


def check_base(suite_name: str, exp: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a :class:`CheckResult` that come from the rule itself, not the data."""
    return {
        "suite": suite_name,
        "expectation": exp["type"],
        "column": exp["kwargs"].get("column"),
        "severity": exp["meta"]["severity"],
        "description": exp.get("description") or exp["type"].replace("_", " "),
    }


def _to_check_result(
    df: pd.DataFrame,
    suite_name: str,
    exp: Mapping[str, Any],
    gx_result: Any,
    raised: str | None,
    missing_columns: set[str],
) -> CheckResult:
    """Turn one GX result (or the error that replaced it) into a CheckResult."""
    etype = exp["type"]
    kwargs = exp["kwargs"]
    column = kwargs.get("column")
    base = check_base(suite_name, exp)

    error = raised
    result: dict[str, Any] = {}
    success = False
    if gx_result is not None:
        error = error or _exception_message(gx_result.exception_info)
        result = dict(gx_result.result or {})
        success = bool(gx_result.success) and error is None
    elif error is None:
        error = "Great Expectations returned no result for this check"

    if column is not None and column in missing_columns and etype != "expect_column_to_exist":
        return CheckResult(
            **base,
            success=False,
            details=f"column '{column}' is missing, so this check could not run",
        )
    if error is not None:
        return CheckResult(**base, success=False, details=f"the check could not run: {error}")

    unexpected_count = int(result.get("unexpected_count") or 0)
    unexpected_percent = float(result.get("unexpected_percent") or 0.0)
    if success:
        return CheckResult(
            **base,
            success=True,
            unexpected_count=unexpected_count,
            unexpected_percent=unexpected_percent,
        )

    if etype == "expect_column_to_exist":
        return CheckResult(**base, success=False, details=files_note(df))
    if "observed_value" in result and "unexpected_count" not in result:
        observed = result.get("observed_value")
        bounds = bounds_text(gx_result.expectation_config.kwargs)
        return CheckResult(**base, success=False, details=f"observed {observed!s}{bounds}")

    examples: list[str] = []
    rows: list[str] = []
    details = ""
    if column is not None and column in df.columns and unexpected_count:
        examples, rows, details = locate_examples(
            df, column, etype, result.get("partial_unexpected_list") or []
        )
    return CheckResult(
        **base,
        success=False,
        unexpected_count=unexpected_count,
        unexpected_percent=unexpected_percent,
        examples=examples,
        example_rows=rows,
        details=details,
    )


def _exception_message(info: Any) -> str | None:
    """The error message from GX's ``exception_info``, or None if nothing raised.

    GX 1.x uses two shapes: a flat ``{"raised_exception": ..., "exception_message": ...}``
    and a dict keyed by metric id whose values have that shape.
    """
    if not info:
        return None
    if isinstance(info, Mapping) and "raised_exception" in info:
        if info.get("raised_exception"):
            return _one_line(info.get("exception_message") or "unknown error")
        return None
    messages: list[str] = []
    if isinstance(info, Mapping):
        for value in info.values():
            if isinstance(value, Mapping) and value.get("raised_exception"):
                msg = _one_line(value.get("exception_message") or "unknown error")
                if msg not in messages:
                    messages.append(msg)
    return "; ".join(messages) or None


def plain_value(value: Any) -> Any:
    """Make a parameter JSON-like: sets sorted to lists, arrays/Index/tuples to lists."""
    if isinstance(value, (set, frozenset)):
        return sorted((plain_value(v) for v in value), key=str)
    if isinstance(value, (tuple, list, pd.Index, pd.Series, np.ndarray)):
        return [plain_value(v) for v in list(value)]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _one_line(exc: Any) -> str:
    text = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)
    return " ".join(text.split())
