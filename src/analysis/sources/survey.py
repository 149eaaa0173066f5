"""Residents' survey returns to one table of answer counts, with no respondent-level data kept.

Why this module exists
----------------------
"Listening to the public" needs what residents said, from whatever the partnership has: a
survey tool's export with one row per respondent, or a table someone has already aggregated
(question, answer, count or percentage, base). Both become the same tidy table of counts, by
question and answer, for all respondents and for each group (age band, sex, ward). Only counts
go to the processed folder: no respondent row and no free text leaves this module, so nothing a
respondent typed can reach a published page.

Layouts read
------------
*One row per respondent* (CSV or XLSX, first sheet). Columns are:

* an identifier (``Respondent ID``, ``ID``): checked for repeats, then dropped;
* group columns (``survey.groups``; by default the columns headed age..., sex or gender, ward);
* single-choice questions: the column heading is the question, the cell the answer; a blank
  cell means not answered (left out of that question's base), "Don't know" is an answer;
* multi-choice questions: one column per option, headed ``Question | Option``; a cell that is
  blank, 0, "no" or "false" is not selected, anything else is. A respondent who left every
  option blank did not answer the question (left out of its base);
* free-text columns (``survey.free_text``; any column whose heading asks for comments, "why",
  "please specify" or suggestions; any other column with more than 20 different answers or
  answers longer than 60 characters): counted, never read further.

*Aggregated* (a ``Question`` column, an ``Answer`` or ``Response`` column, a ``Base`` column and
a ``Count`` or ``Percentage`` column; optionally ``Group`` and ``Group value`` for breakdowns and
``Type`` of single or multi). Where ``Type`` is absent a question is multi-choice if its
answers' counts add up to more than its base.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import ConfigError
from analysis.errors import input_error
from analysis.periods import PeriodError, parse_month
from analysis.sources.raw_files import read_bytes

ALL = "All respondents"
COLUMNS = ["survey", "fieldwork", "question", "kind", "answer", "group", "group_value",
           "count", "base", "q_order", "source_file"]  # fmt: skip
SETTINGS = {"files", "min_base", "groups", "concerns", "free_text"}
_MULTI = re.compile(r"\s*\|\s*")
_ID = re.compile(
    r"^(?:(?:unique\s+)?(?:respondent|response|record)?[ _]?(?:id|number|no\.?)|unique\s+response\s+id)$",
    re.I,
)
_FREE_TEXT = re.compile(
    r"comment|please (specify|tell|describe|explain)|\bwhy\b|other \(|free text|"
    r"in your own words|suggestion|anything else|any other|tell us",
    re.I,
)
_GROUP_DEFAULT = re.compile(r"^(?:age\b|age\s*band|age\s*group|sex\b|gender\b|ward\b)", re.I)
_NOT_SELECTED = {"0", "0.0", "no", "n", "false", "not selected", "-", "not ticked"}
_AGG = {
    "question": re.compile(r"^question$", re.I),
    "answer": re.compile(r"^(answer|response|option)s?$", re.I),
    "count": re.compile(r"^(count|number|n|respondents|responses)$", re.I),
    "percent": re.compile(r"^(percent|percentage|%|share|pct)$", re.I),
    "base": re.compile(r"^base( \(n\))?$", re.I),
    "group": re.compile(r"^(group|breakdown)$", re.I),
    "group_value": re.compile(r"^(group value|subgroup|group_value)$", re.I),
    "type": re.compile(r"^(type|kind|question type)$", re.I),
}


@dataclass(frozen=True)
class SurveyFile:
    path: Path
    name: str
    fieldwork: str  # YYYY-MM, the month the fieldwork ended


@dataclass(frozen=True)
class SurveySettings:
    files: tuple[SurveyFile, ...]
    min_base: int = 50
    groups: tuple[str, ...] = ()
    concerns: str | None = None
    free_text: tuple[str, ...] = ()


def survey_settings(raw: Mapping | None, data_dir: Path) -> SurveySettings | None:
    """The ``survey:`` settings, checked; ``None`` when no survey is configured."""
    if not raw:
        return None
    if not isinstance(raw, Mapping):
        raise ConfigError("survey: expected a mapping with 'files' (and optionally min_base, "
                          "groups, concerns, free_text)")  # fmt: skip
    unknown = sorted(set(raw) - SETTINGS)
    if unknown:
        raise ConfigError(f"survey: unknown setting {', '.join(unknown)}; expected "
                          f"{', '.join(sorted(SETTINGS))}")  # fmt: skip
    files = []
    for i, spec in enumerate(raw.get("files") or []):
        where = f"survey.files[{i}]"
        if not isinstance(spec, Mapping) or not {"file", "name", "fieldwork"} <= set(spec):
            raise ConfigError(f"{where}: expected file, name and fieldwork (YYYY-MM)")
        try:
            year, month = parse_month(str(spec["fieldwork"]))
        except PeriodError as exc:
            raise ConfigError(f"{where}.fieldwork: {exc}") from None
        fieldwork = f"{year:04d}-{month:02d}"
        files.append(SurveyFile(data_dir / str(spec["file"]), str(spec["name"]), fieldwork))
    if not files:
        raise ConfigError("survey.files: list at least one survey file")
    if len({f.fieldwork for f in files}) != len(files):
        raise ConfigError("survey.files: two surveys have the same fieldwork month")
    min_base = raw.get("min_base", 50)
    if not isinstance(min_base, int) or isinstance(min_base, bool) or min_base < 1:
        raise ConfigError(
            f"survey.min_base: expected a whole number of 1 or more, got {min_base!r}"
        )
    return SurveySettings(
        files=tuple(sorted(files, key=lambda f: f.fieldwork)),
        min_base=min_base,
        groups=tuple(str(g) for g in raw.get("groups") or ()),
        concerns=str(raw["concerns"]) if raw.get("concerns") else None,
        free_text=tuple(str(g) for g in raw.get("free_text") or ()),
    )


def _frame(path: Path) -> pd.DataFrame:
    """The file's cells as text, blanks as missing; CSV (UTF-8, UTF-16 or Windows-1252) or XLSX."""
    if not path.exists():
        raise input_error(path, "file not found")
    data = read_bytes(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(io.BytesIO(data), dtype=str, sheet_name=0)
        else:
            encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
            first = text.split("\n", 1)[0]
            sep = max((",", ";", "\t"), key=first.count)  # Excel abroad: ';'; "Unicode text": tabs
            df = pd.read_csv(io.StringIO(text.replace("\x00", "")), dtype=str, sep=sep,
                             skip_blank_lines=True)  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as exc:
        raise input_error(path, f"not a readable CSV or Excel file: {exc}") from None
    df.columns = [" ".join(str(c).split()) for c in df.columns]
    if len(df.columns) < 2:
        raise input_error(path, "only one column was found: a survey needs a column per question "
                          "(is it separated by commas, semicolons or tabs?)", row=1)  # fmt: skip
    if any(c.startswith("Unnamed:") for c in df.columns) or df.columns.duplicated().any():
        bad = [c for c in df.columns if c.startswith("Unnamed:")] or list(
            df.columns[df.columns.duplicated()]
        )
        raise input_error(path, f"every column needs a distinct heading (problem: '{bad[0]}')",
                          row=1)  # fmt: skip
    # one spelling per answer: "25 - 34" and "25-34", or double spaces, are the same
    cells = df.apply(lambda c: c.str.strip().str.replace(r"\s+", " ", regex=True)
                     .str.replace(r"\s*-\s*", "-", regex=True))  # fmt: skip
    return cells.replace("", np.nan)


def _find(header: list[str], pattern: re.Pattern) -> str | None:
    return next((h for h in header if pattern.search(h)), None)


def read_survey(file: SurveyFile, settings: SurveySettings) -> tuple[pd.DataFrame, dict]:
    """One survey file to the tidy counts table (:data:`COLUMNS`) and a note of what was dropped."""
    df = _frame(file.path)
    header = list(df.columns)
    if _find(header, _AGG["question"]) and _find(header, _AGG["base"]):
        table, note = _aggregated(df, file)
    else:
        table, note = _respondents(df, file, settings)
    if table.empty:
        raise input_error(file.path, "no question with an answer was found")
    table.insert(0, "survey", file.name)
    table.insert(1, "fieldwork", file.fieldwork)
    table["source_file"] = file.path.name
    return table[COLUMNS], note


def _respondents(df: pd.DataFrame, file: SurveyFile, settings: SurveySettings):
    path, header = file.path, list(df.columns)
    ids = [h for h in header if _ID.match(h)]
    for col in ids:
        dup = df[col].notna() & df[col].duplicated()
        if dup.any():
            i = int(np.flatnonzero(dup.to_numpy())[0])
            raise input_error(path, f"respondent '{df[col].iloc[i]}' appears twice", row=i + 2,
                              column=col)  # fmt: skip
    groups = list(settings.groups) or [h for h in header if _GROUP_DEFAULT.match(h)]
    missing = [g for g in groups if g not in header]
    if missing:
        raise input_error(path, f"group column '{missing[0]}' (survey.groups) is not in the file; "
                          f"its columns are {', '.join(header[:8])} ...", row=1)  # fmt: skip
    rest = [h for h in header if h not in ids and h not in groups]
    multi: dict[str, list[str]] = {}
    single, free = [], []
    for h in rest:
        if "|" in h:
            multi.setdefault(_MULTI.split(h, 1)[0], []).append(h)
            continue
        values = df[h].dropna()
        once = values.value_counts()
        if (h in settings.free_text or _FREE_TEXT.search(h) or values.nunique() > 20
                or (values.str.len() > 60).any()
                or ((once == 1) & (once.index.str.len() > 30)).any()):  # fmt: skip
            free.append(h)
        else:
            single.append(h)
    order = {q: i for i, q in enumerate(
        dict.fromkeys(_MULTI.split(h, 1)[0] if "|" in h else h
                      for h in rest if h not in free))}  # fmt: skip
    parts = []
    unanswered = []  # questions nobody answered: left out (a share of nobody), and noted
    for q in single:
        if df[q].notna().any():
            parts.append(_single_counts(df, q, groups).assign(question=q, kind="single"))
        else:
            unanswered.append(q)
    for q, cols in multi.items():
        counts = _multi_counts(df, q, cols, groups)
        if len(counts) and counts["base"].max() > 0:
            parts.append(counts.assign(question=q, kind="multi"))
        else:
            unanswered.append(q)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS[2:])
    table["q_order"] = table["question"].map(order)
    note = {"respondents": len(df), "format": "one row per respondent",
            "free_text_questions": len(free), "groups": groups,
            "unanswered_questions": unanswered}  # fmt: skip
    return table, note


def _single_counts(df: pd.DataFrame, q: str, groups: list[str]) -> pd.DataFrame:
    answered = df[df[q].notna()]
    out = [answered[q].value_counts().rename_axis("answer").reset_index(name="count")
           .assign(group=ALL, group_value=ALL, base=len(answered))]  # fmt: skip
    for g in groups:
        sub = answered[answered[g].notna()]
        counts = sub.groupby([g, q]).size().rename("count").reset_index()
        bases = sub.groupby(g).size().rename("base")
        counts = counts.join(bases, on=g).rename(columns={g: "group_value", q: "answer"})
        out.append(counts.assign(group=g))
    return pd.concat(out, ignore_index=True)


def _multi_counts(df: pd.DataFrame, q: str, cols: list[str], groups: list[str]) -> pd.DataFrame:
    cells = df[cols]
    numbers = cells.apply(pd.to_numeric, errors="coerce")
    selected = cells.notna() & ~cells.apply(lambda c: c.str.lower().isin(_NOT_SELECTED))
    selected &= numbers.isna() | (numbers != 0)  # 1/0 and 1.0/0.0 codes
    # the base: respondents who ticked at least one option, however "not ticked" is written
    # (blank, 0 or "No"), so two surveys coded differently are compared on the same footing
    answered = selected.any(axis=1)
    selected = selected[answered].astype("int64")
    selected.columns = [_MULTI.split(c, 1)[1] for c in cols]
    frame = pd.concat([selected, df.loc[answered, groups]], axis=1)
    options = list(selected.columns)
    out = [pd.DataFrame({"answer": options, "count": selected.sum().to_numpy(),
                         "group": ALL, "group_value": ALL, "base": len(selected)})]  # fmt: skip
    for g in groups:
        sub = frame[frame[g].notna()]
        sums = sub.groupby(g)[options].sum()
        bases = sub.groupby(g).size()
        long = sums.stack().rename("count").reset_index()
        long.columns = ["group_value", "answer", "count"]
        out.append(long.assign(group=g, base=long["group_value"].map(bases)))
    return pd.concat(out, ignore_index=True)


def _number(series: pd.Series, path: Path, column: str, what: str) -> pd.Series:
    values = pd.to_numeric(series.str.replace(r"[,%\s]", "", regex=True), errors="coerce")
    bad = series.notna() & values.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise input_error(path, f"{what} '{series.iloc[i]}' is not a number", row=i + 2,
                          column=column)  # fmt: skip
    return values


def _aggregated(df: pd.DataFrame, file: SurveyFile):
    path, header = file.path, list(df.columns)
    col = {k: _find(header, p) for k, p in _AGG.items()}
    if not col["answer"] or not (col["count"] or col["percent"]):
        raise input_error(path, "an aggregated survey table needs Question, Answer (or Response), "
                          "Base and Count (or Percentage) columns", row=1)  # fmt: skip
    base = _number(df[col["base"]], path, col["base"], "base")
    if col["count"]:
        count = _number(df[col["count"]], path, col["count"], "count")
    else:
        count = _number(df[col["percent"]], path, col["percent"], "percentage") * base / 100
    checks = [(base.isna() | (base <= 0), col["base"], "base must be a number above 0"),
              (count.isna() | (count < 0), col["count"] or col["percent"],
               "count must be 0 or more"),
              (count > base + 1e-9, col["count"] or col["percent"],
               "count is larger than its base")]  # fmt: skip
    for bad, column, message in checks:
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise input_error(path, message, row=i + 2, column=column)
    total = df[col["answer"]].str.lower().isin(["total", "all", "base", "all respondents"])
    if total.any():
        i = int(np.flatnonzero(total.to_numpy())[0])
        raise input_error(path, f"answer '{df[col['answer']].iloc[i]}' is the base, not an answer: "
                          "remove the row (the Base column gives it)", row=i + 2,
                          column=col["answer"])  # fmt: skip
    if col["percent"] and not col["count"]:
        written = df[col["percent"]].fillna("")
        if (count <= base * 0.01 + 1e-9).all() and not written.str.contains("%").any():
            raise input_error(path, "every percentage is 1 or less: are they fractions (0.465 for "
                              "46.5%)? Write them as percentages", column=col["percent"])  # fmt: skip
    if col["group"] and col["group_value"]:
        g, v = df[col["group"]], df[col["group_value"]]
        everyone = ["all", "total", ALL.lower()]
        g_all = g.isna() | g.str.lower().isin(everyone)
        half = (g_all & v.notna() & ~v.str.lower().isin(everyone)) | (~g_all & v.isna())
        if half.any():
            i = int(np.flatnonzero(half.to_numpy())[0])
            raise input_error(path, "a breakdown needs both its group and its value (or neither, "
                              "for all respondents)", row=i + 2, column=col["group_value"])  # fmt: skip
    for key in ("question", "answer"):
        blank = df[col[key]].isna()
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise input_error(path, f"{key} is blank", row=i + 2, column=col[key])
    table = pd.DataFrame({
        "question": df[col["question"]], "answer": df[col["answer"]], "count": count, "base": base,
        "group": df[col["group"]].fillna(ALL) if col["group"] else ALL,
        "group_value": df[col["group_value"]].fillna(ALL) if col["group_value"] else ALL,
    })  # fmt: skip
    table.loc[table["group"].str.lower().isin(["all", "total", ALL.lower()]), ["group", "group_value"]] = ALL  # fmt: skip
    if col["type"]:
        words = df[col["type"]].str.lower().fillna("")
        multi = words.str.contains(r"multi|all that apply|several|tick", regex=True)
        single = words.str.contains(r"single|one|rating|scale", regex=True)
        odd = ~(multi | single)
        if odd.any():
            i = int(np.flatnonzero(odd.to_numpy())[0])
            raise input_error(path, f"type '{df[col['type']].iloc[i]}' is not single or multi",
                              row=i + 2, column=col["type"])  # fmt: skip
        table["kind"] = np.where(multi, "multi", "single")
    else:
        sums = table.groupby(["question", "group", "group_value"])["count"].transform("sum")
        over = (sums > table["base"] * 1.02 + 1).groupby(table["question"]).transform("any")
        table["kind"] = np.where(over, "multi", "single")
    order = {q: i for i, q in enumerate(table["question"].drop_duplicates())}
    table["q_order"] = table["question"].map(order)
    if not (table["group"] == ALL).any():
        raise input_error(path, "no rows for all respondents (Group blank or 'All')", row=1)
    note = {"respondents": int(table.loc[table["group"] == ALL, "base"].max()),
            "format": "aggregated table", "free_text_questions": 0,
            "groups": sorted(set(table["group"]) - {ALL})}  # fmt: skip
    return table, note


def read_surveys(settings: SurveySettings | None) -> tuple[pd.DataFrame | None, list[dict]]:
    """Every configured survey, in fieldwork order, as one table; and a note per survey."""
    if settings is None:
        return None, []
    tables, notes = [], []
    for f in settings.files:
        table, note = read_survey(f, settings)
        tables.append(table)
        notes.append({"survey": f.name, "fieldwork": f.fieldwork, "file": f.path.name, **note})
    out = pd.concat(tables, ignore_index=True)
    out["count"] = out["count"].astype("float64")
    out["base"] = out["base"].astype("float64")
    out["q_order"] = out["q_order"].astype("int64")
    return out, notes
