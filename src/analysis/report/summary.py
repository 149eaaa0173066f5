"""The executive summary: plain-English sentences generated from ``figures.json``.

Why generated: the summary is the part of the assessment most people read and quote, and a
typed number there is the one most likely to be wrong (the 2017 Medway assessment's "12%
increase, 2,840 additional crimes" is 14.0%). Every number here is formatted from a value in
the figures dict by the helpers below, and ``tests/test_summary.py`` extracts every number from
every sentence (``numbers_in``) and traces it back to ``figures.json``.

Style is GOV.UK's: numerals with thousands separators, one decimal place for percentages and
rates, "rose" / "fell" / "no significant change", periods written as "April 2015 to March 2016".
A change is a percentage of the *earlier* period (as ``analysis.measures.change``) and is called more
than chance only when the exact Poisson test in ``figures[m]["significance"]`` says so.

Rules that avoid numbers not in ``figures.json``: lists (top wards, red indicators) are not
counted in the prose ("The wards with most ..." rather than "The 5 wards ..."), and the only
constant number is the "1,000" of "per 1,000 residents" (the unit of ``rate_per_1000``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from analysis.periods import month_label

MEASURES = ("crime", "asb")

#: How each measure is named in a sentence: subject (sentence start), noun inside a sentence,
#: and the unit counted (singular, plural).
MEASURE_WORDS: dict[str, dict[str, str]] = {
    "crime": {
        "subject": "Recorded crime",
        "noun": "recorded crime",
        "one": "crime",
        "many": "crimes",
        "counted": "crimes were recorded",
        "counted_one": "crime was recorded",
    },
    "asb": {
        "subject": "Anti-social behaviour",
        "noun": "anti-social behaviour",
        "one": "incident",
        "many": "incidents",
        "counted": "anti-social behaviour incidents were recorded",
        "counted_one": "anti-social behaviour incident was recorded",
    },
}

#: Numbers that may appear in the prose without being a figures value: the rate's unit.
UNIT_NUMBERS = ("1,000",)

SIGNIFICANT = "a change this large is very unlikely to be chance"
NOT_SIGNIFICANT = "a change this size could be chance (it is within normal variation)"

_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:%|st|nd|rd|th)?(?!\w)")


# ----------------------------------------------------------------------------- formatting
def fmt_count(n: float) -> str:
    """A whole count with thousands separators: 2840 -> "2,840".

    Refuses a fractional value: counts in figures.json are whole numbers, and a fraction
    arriving here means a rate or percentage was passed by mistake.
    """
    if isinstance(n, bool) or float(n) != round(float(n)):
        raise ValueError(f"count must be a whole number, got {n!r}")
    return f"{round(float(n)):,}"


def fmt_pct(x: float) -> str:
    """A percentage to one decimal place, as GOV.UK and figures.json do: 14 -> "14.0%"."""
    return f"{float(x):,.1f}%"


def fmt_rate(x: float) -> str:
    """A rate per 1,000 to one decimal place: 89.93 -> "89.9"."""
    return f"{float(x):,.1f}"


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd"."""
    n = int(n)
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_phrase(rank: int, of: int) -> str:
    """A rank among ``of`` (1 = highest): "highest of 13", "3rd highest of 13", "lowest of 13".

    "1st highest" and "13th highest of 13" read badly, so the ends are named in words.
    """
    if not 1 <= rank <= of:
        raise ValueError(f"rank {rank} is not between 1 and {of}")
    if rank == 1:
        return f"highest of {of}"
    if rank == of:
        return f"lowest of {of}"
    return f"{ordinal(rank)} highest of {of}"


def plural(n: int, one: str, many: str) -> str:
    """The noun that goes with a count: (1, "crime", "crimes") -> "crime"."""
    return one if abs(n) == 1 else many


def join_names(names: Sequence[str]) -> str:
    """["A"] -> "A"; ["A", "B", "C"] -> "A, B and C" (GOV.UK: no Oxford comma)."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def numbers_in(text: str) -> list[str]:
    """Every number in ``text`` as written, with its "%" or ordinal suffix.

    "rose by 14.0% (2,840 more crimes), 3rd highest of 13" -> ["14.0%", "2,840", "3rd", "13"].
    Digits inside identifiers (ward codes "E05014455", indicator codes "SF1a", "Q3") are not
    numbers and are skipped; years in "mid-2020" or "2024-05" are.
    """
    return _NUMBER.findall(text)


def count_phrase(measure: str, n: int) -> str:
    """A count with its unit, for mid-sentence: "1 crime", "3 anti-social behaviour incidents"."""
    words = MEASURE_WORDS[measure]
    unit = plural(n, words["one"], words["many"])
    return (
        f"{fmt_count(n)} {unit}" if measure == "crime" else f"{fmt_count(n)} {words['noun']} {unit}"
    )


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s else s


# ----------------------------------------------------------------------------- sentences
def level_sentence(figures: Mapping, measure: str) -> str:
    """Count and rate: "From April 2024 to March 2025, 23,340 crimes were recorded in X, ..."."""
    m = figures[measure]
    words = MEASURE_WORDS[measure]
    counted = words["counted_one"] if m["total"] == 1 else words["counted"]
    return (
        f"From {figures['period']['label']}, {fmt_count(m['total'])} {counted} in "
        f"{figures['area']['name']}, {fmt_rate(m['rate_per_1000'])} per 1,000 residents "
        f"(ONS mid-{figures['population']['year']} population estimate)."
    )


def change_sentence(figures: Mapping, measure: str) -> str:
    """The change on the previous period, and whether it is more than chance.

    No change is given when the previous period's data is incomplete (its comparison note says
    why) or when this period has missing months: comparing part of a year with a whole one
    would report a fall that is only missing data.
    """
    m = figures[measure]
    words = MEASURE_WORDS[measure]
    previous_label = figures["period"]["previous"]["label"]
    comparison = m.get("comparison") or {}
    if comparison.get("status", "complete") != "complete" or m.get("previous_total") is None:
        note = comparison.get("note") or (
            f"there is no complete data for {previous_label}, so no comparison can be made."
        )
        return f"No change in {words['noun']} is given: {_lower_first(note)}"
    if figures.get("months_missing"):
        return (
            f"No change in {words['noun']} is given: this period's police.uk data covers "
            f"only {figures['months_present']} of {figures['months_expected']} months, so it "
            f"cannot be compared with {previous_label}."
        )
    change, pct = m["change"], m["change_pct"]
    significance = m.get("significance") or {}
    verdict = ""
    if "significant" in significance:
        verdict = "; " + (SIGNIFICANT if significance["significant"] else NOT_SIGNIFICANT)
    if change == 0:
        return (
            f"{words['subject']} was unchanged compared with {previous_label}, at "
            f"{fmt_count(m['total'])} {plural(m['total'], words['one'], words['many'])} "
            "(no significant change)."
        )
    direction = "rose" if change > 0 else "fell"
    more = "more" if change > 0 else "fewer"
    unit = plural(change, words["one"], words["many"])
    if pct is None:  # previous total was zero, so there is no percentage of it
        return (
            f"{words['subject']} {direction} from none in {previous_label} to "
            f"{fmt_count(m['total'])} {plural(m['total'], words['one'], words['many'])}"
            f"{verdict}."
        )
    return (
        f"{words['subject']} {direction} by {fmt_pct(abs(pct))} ({fmt_count(abs(change))} "
        f"{more} {unit}) compared with {previous_label}{verdict}."
    )


def top_wards_sentence(figures: Mapping, measure: str) -> str | None:
    """The wards with most crime (or ASB), each with its share, and their share together.

    Shares are of the area total (including any rows with no ward), as in figures.json.
    """
    m = figures[measure]
    wards = m.get("top_wards") or []
    if not wards:
        return None
    words = MEASURE_WORDS[measure]
    if len(wards) == 1:
        return (
            f"The ward with the most {words['noun']} was {wards[0]['ward']}, with "
            f"{fmt_pct(wards[0]['share'])} of the total."
        )
    listed = join_names([f"{w['ward']} ({fmt_pct(w['share'])})" for w in wards])
    together = m.get("top_wards_share")
    tail = (
        f"; together they hold {fmt_pct(together)} of {words['noun']} in {figures['area']['name']}"
        if together is not None
        else ""
    )
    return f"The wards with the most {words['noun']} were {listed}{tail}."


def peer_sentence(figures: Mapping) -> str | None:
    """Where the area's crime and ASB rates rank among the local authorities in the same
    police force files (rank 1 = highest rate); one sentence for both measures."""
    parts = []
    for measure in MEASURES:
        peers = (figures.get(measure) or {}).get("peers") or {}
        if peers.get("available") and peers.get("rank") and (peers.get("of") or 0) >= 2:
            parts.append((measure, rank_phrase(peers["rank"], peers["of"])))
    if not parts:
        return None
    (first, first_rank), *rest = parts
    text = (
        f"Among the local authorities in the same police force area, the "
        f"{MEASURE_WORDS[first]['noun']} rate in {figures['area']['name']} was the {first_rank}"
    )
    for measure, phrase in rest:
        text += f" and the {MEASURE_WORDS[measure]['noun']} rate the {phrase}"
    return text + "."


def _indicator_name(item: object) -> str:
    if isinstance(item, Mapping):
        for key in ("indicator", "name", "label"):
            if item.get(key):
                return str(item[key])
    return str(item)


def performance_sentence(figures: Mapping) -> str | None:
    """Partner indicators rated red, when partner performance is in figures.json.

    ``figures["performance"]["red_indicators"]`` is a list of indicator names (or dicts with
    an ``indicator`` / ``name`` key). Absent key: partner data was not supplied, say nothing.
    Names are joined with semicolons because indicator names often contain commas.
    """
    performance = figures.get("performance")
    if not isinstance(performance, Mapping) or "red_indicators" not in performance:
        return None
    red = [_indicator_name(i) for i in performance["red_indicators"] or []]
    if not red:
        return "No partner performance indicator was rated red."
    if len(red) == 1:
        return f"One partner performance indicator was rated red: {red[0]}."
    return "Partner performance indicators rated red: " + "; ".join(red) + "."


def data_gap_sentences(figures: Mapping) -> list[str]:
    """Anything that limits the numbers: missing months, an old population estimate, wards.

    Reviewers must be able to tell a real fall from missing data, so gaps are stated in the
    summary itself, not only in the data notes.
    """
    out: list[str] = []
    missing = figures.get("months_missing") or []
    if missing:
        out.append(
            f"There is no police.uk data for {join_names([month_label(x) for x in missing])}, "
            f"so the figures cover {figures['months_present']} of the "
            f"{figures['months_expected']} months and understate the period."
        )
    else:
        out.append(f"The figures cover all {figures['months_expected']} months of the period.")
    pop = figures.get("population") or {}
    if pop.get("year") is not None and pop.get("requested_year") is not None:
        if pop["year"] < pop["requested_year"]:
            out.append(
                f"Rates use the ONS mid-{pop['year']} population estimate, the latest in the data "
                f"supplied to this assessment (not mid-{pop['requested_year']}), so they will be "
                "slightly out if the population has changed since."
            )
    without = [
        (measure, figures[measure]["rows_without_ward"])
        for measure in MEASURES
        if measure in figures and figures[measure].get("rows_without_ward")
    ]
    if without:
        out.append(
            f"Ward figures leave out {join_names([count_phrase(m, n) for m, n in without])} "
            f"whose location has no ward in the "
            f"{(figures.get('wards') or {}).get('set', 'ward set used')}."
        )
    validation = figures.get("validation") or {}
    warnings = validation.get("warnings") or 0
    if warnings:
        out.append(
            f"Of {fmt_count(validation['checks'])} data checks, {fmt_count(warnings)} "
            f"raised {plural(warnings, 'a warning', 'warnings')}; see the technical appendix."
        )
    return out


def synthetic_sentence(figures: Mapping) -> str | None:
    """A warning first, so a synthetic figure is never quoted as a real one."""
    if not (figures.get("area") or {}).get("synthetic"):
        return None
    return (
        f"These figures are for {figures['area']['name']}, a generated, fictional area: "
        "they describe no real place."
    )


def public_sentence(figures: Mapping) -> str | None:
    """What residents said: the least-safe rating question and the problem named most often."""
    public = figures.get("public") or {}
    if not public.get("available"):
        return None
    rated = [q for q in public["questions"] if q.get("positive")]
    parts = []
    if rated:
        low = min(rated, key=lambda q: q["positive"]["share_pct"])
        answers = " or ".join(a.lower() for a in low["positive"]["answers"])
        parts.append(f"{fmt_pct(low['positive']['share_pct'])} answered {answers} to "
                     f"\"{low['question']}\"")  # fmt: skip
    concerns = (public.get("concerns") or {}).get("ranked") or []
    if concerns:
        # those whose range reaches the first's: "most often" is not claimed on a chance lead
        level = [c for c in concerns[:3] if c["hi_pct"] >= concerns[0]["lo_pct"]]
        named = join_names([f"{c['answer'].lower()} ({fmt_pct(c['share_pct'])})" for c in level])
        parts.append(f"the problem named most often was {named}" if len(level) == 1 else
                     f"the problems named most often were {named}, level within the "
                     "survey's margin")  # fmt: skip
    if not parts:
        return None
    return f"In the {public['survey']}, " + " and ".join(parts) + "."


def priorities_sentence(figures: Mapping) -> str | None:
    """The summary closes with the proposed priorities (scored in their own section)."""
    top = (figures.get("priorities") or {}).get("top")
    if not top:
        return None
    return f"The proposed priorities, scored in the last section, are {join_names(top)}."


def executive_summary(figures: Mapping) -> list[str]:
    """The executive summary as a list of sentences, in reading order.

    Order: synthetic warning; for crime then ASB, level and rate followed by change; the wards
    with most of each; peer ranks; partner indicators rated red; what residents said; data gaps;
    proposed priorities.
    """
    out: list[str | None] = [synthetic_sentence(figures)]
    for measure in MEASURES:
        if measure in figures:
            out += [level_sentence(figures, measure), change_sentence(figures, measure)]
    out += [top_wards_sentence(figures, m) for m in MEASURES if m in figures]
    out.append(peer_sentence(figures))
    out.append(performance_sentence(figures))
    out.append(public_sentence(figures))
    out += data_gap_sentences(figures)
    out.append(priorities_sentence(figures))
    return [s for s in out if s]


# ----------------------------------------------------------------------------- tracing
def _leaves(obj: object, key: str = "", skip: tuple[str, ...] = ("config",)) -> Iterator:
    """(key, value) for every leaf; list items inherit the list's key."""
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            if k not in skip:
                yield from _leaves(v, k, skip)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _leaves(v, key, skip)
    else:
        yield key, obj


def is_pct_key(key: str) -> bool:
    return key.endswith("_pct") or key.endswith("share")


def format_figure(key: str, value: object) -> str:
    """A figures.json value as the document writes it, by what its key says it is.

    Percentages (``change_pct``, ``share``) as "14.0%", rates (keys with ``rate``) as "89.9",
    years as "2020", whole numbers as counts "2,840", text as it is. The sign is kept: prose
    usually says the direction in words and quotes the size (see :func:`figure_numbers`).
    """
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "n/a"}[value]
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return "n/a"
        sign = "-" if value < 0 else ""
        v = abs(value)
        if is_pct_key(key):
            return sign + fmt_pct(v)
        if "rate" in key:
            return sign + fmt_rate(v)
        if key.endswith("year"):
            return sign + str(v)
        if isinstance(value, int) or float(value).is_integer():
            return sign + fmt_count(v)
        return sign + f"{v:,.1f}"
    return str(value)


def figure_numbers(figures: Mapping) -> set[str]:
    """Every way a figures.json value may be written in the prose, by what the value is.

    Percentages (``change_pct``, ``share``, ``top_wards_share``) as "14.0%", rates (keys with
    ``rate``) as "89.9", years as "2020", other whole numbers as counts "2,840" or ordinals
    "3rd", all without sign (direction is said in words); a text leaf (period label,
    comparison note, month, indicator name) contributes the numbers written in it. The
    configuration copy is skipped: the summary must not quote thresholds or file names. Typed
    this way, "12.0%" cannot pass as the 12 of ``months_expected``. The tests trace every
    number of the generated prose to this set; analysts' commentary is checked against it too.
    """
    out = set(UNIT_NUMBERS)
    for key, leaf in _leaves(figures):
        if isinstance(leaf, bool) or leaf is None:
            continue
        if isinstance(leaf, int | float):
            v = abs(leaf)
            if is_pct_key(key):
                out.add(fmt_pct(v))
            elif "rate" in key:
                out.add(fmt_rate(v))
            elif key.endswith("year"):  # a year is written without a separator: mid-2020
                out.add(str(v))
            elif isinstance(leaf, int):
                out |= {fmt_count(v), ordinal(v)}
        elif isinstance(leaf, str):
            out |= set(numbers_in(leaf))
    return out
