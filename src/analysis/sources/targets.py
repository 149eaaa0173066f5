"""Reading the free-text targets of partner performance returns.

Why this module exists
----------------------
Partners write targets as prose: "5% reduction", "10% increase", "70%", "Below 28% CAADA
benchmark", "< 50%", "100 practitioners", "95% where notified a fortnight in advance", "N/A",
"Awaiting figure from OASIS", "Reduce the number of LAC by 10% against 2013/14 out-turn". A RAG
status is only as honest as the reading of that text, so the rules here are deliberately
narrow: a phrase is read only when its meaning is unambiguous, and anything else is kept
verbatim and marked *not machine-readable* with the reason, never guessed. The analyst can
then settle it in the indicator register (``config/indicators.csv``).

Kinds of target (:data:`TARGET_KINDS`)
--------------------------------------
``relative``
    A change on an earlier value: "5% reduction" -> value -5.0, direction ``decrease``.
    The earlier value is the previous period unless the text names one ("against 2013/14
    out-turn"); a value in brackets after it ("(13%)") is kept as ``reference_value``.
``level``
    A threshold: "70%", "< 50%", "Below 28% CAADA benchmark", "150", "100 practitioners".
    ``direction`` is ``at_most`` or ``at_least`` when the text says so ("<", "below", "at
    least" ...) and ``None`` for a bare number, which the caller resolves from the
    indicator's polarity (a bare level means "at least" unless lower is better).
    ``strict`` is True for "<", ">", "below", "above", "less than", "more than".
    Words after the number are kept: a label ("CAADA benchmark", "practitioners") or a
    condition the data cannot check ("where notified a fortnight in advance"), in ``note``.
``none``
    No target ("N/A", "-", blank).
``not machine-readable``
    Everything else, with ``note`` saying why (no number; several numbers and no way to
    tell which is the target; a signed number ...).

Why a bare "5%" is *not* turned into "5% reduction" here: whether it is a level or a change
depends on the indicator's values (a percentage or a count), which this module does not
see. :mod:`analysis.sources.partner_returns` makes that call with the values in hand and says so.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

#: Target kinds, in the order they are tried.
RELATIVE = "relative"
LEVEL = "level"
NONE = "none"
NOT_MACHINE_READABLE = "not machine-readable"
TARGET_KINDS: tuple[str, ...] = (RELATIVE, LEVEL, NONE, NOT_MACHINE_READABLE)

#: Directions. Relative targets: decrease / increase. Levels: at_most / at_least (or None).
DECREASE, INCREASE = "decrease", "increase"
AT_MOST, AT_LEAST = "at_most", "at_least"

#: Polarity of an indicator: which way is good.
LOWER_IS_BETTER = "lower_is_better"
HIGHER_IS_BETTER = "higher_is_better"
POLARITIES: tuple[str, ...] = (LOWER_IS_BETTER, HIGHER_IS_BETTER)

_NONE_TEXTS = {
    "",
    "n/a",
    "na",
    "n.a.",
    "none",
    "-",
    "no target",
    "not applicable",
    "nil",
}

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"

# "5% reduction", "10% increase", "5 % decrease on 2013/14"
_RELATIVE_SUFFIX = re.compile(
    rf"^(?:an?\s+)?(?P<n>{_NUMBER})\s*%\s*(?P<dir>reduction|decrease|fall|drop|cut|increase|rise|uplift|improvement)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Reduce the number of LAC by 10% against 2013/14 out-turn", "a reduction of 5%"
_RELATIVE_VERB = re.compile(
    rf"^(?:an?\s+)?(?P<dir>reduce|reduction|decrease|cut|lower|increase|raise|rise|grow|improve)\b(?P<what>.*?)\b(?:by|of)\s+(?P<n>{_NUMBER})\s*%(?P<rest>.*)$",
    re.IGNORECASE,
)
# "... against 2013/14 out-turn (13%)", "on last year", "compared with 2012/13"
_REFERENCE = re.compile(
    r"^\s*(?:against|on|from|compared\s+(?:with|to)|vs\.?|versus|over)\s+(?P<ref>.+?)"
    rf"(?:\s*\(\s*(?P<refval>{_NUMBER})\s*(?P<refpct>%)?\s*\))?\s*\.?\s*$",
    re.IGNORECASE,
)
# "..., i.e. 8.2%": the author's own restatement of the target as a level
_IE_LEVEL = re.compile(
    rf"\bi\.?\s?e\.?,?\s*(?P<n>{_NUMBER})\s*(?P<pct>%)?\s*\.?\s*$", re.IGNORECASE
)

_CMP_WORDS: list[tuple[str, str, bool]] = [
    # (regex, direction, strict)
    (r"<=|=<", AT_MOST, False),
    (r">=|=>", AT_LEAST, False),
    (r"<", AT_MOST, True),
    (r">", AT_LEAST, True),
    (
        r"no\s+more\s+than|not\s+more\s+than|at\s+most|maximum(?:\s+of)?|max\.?|up\s+to",
        AT_MOST,
        False,
    ),
    (r"below|under|less\s+than|fewer\s+than|lower\s+than", AT_MOST, True),
    (r"no\s+less\s+than|not\s+less\s+than|at\s+least|minimum(?:\s+of)?|min\.?", AT_LEAST, False),
    (r"above|over|more\s+than|greater\s+than|higher\s+than|exceed(?:ing)?", AT_LEAST, True),
]
_CMP_PREFIX = re.compile(
    r"^(?P<cmp>" + "|".join(f"(?:{w})" for w, _, _ in _CMP_WORDS) + r")\s*", re.IGNORECASE
)
_CMP_SUFFIX = re.compile(
    r"^\s*or\s+(?P<word>less|fewer|below|lower|under|more|above|higher|over|greater)\b",
    re.IGNORECASE,
)
_LEVEL = re.compile(rf"^(?P<n>{_NUMBER})\s*(?P<pct>%)?(?P<rest>.*)$", re.IGNORECASE)
_CONDITION_WORDS = re.compile(
    r"^(?:where|when|if|for|provided|subject\s+to|within|of\s+those|excluding|including)\b",
    re.IGNORECASE,
)
_YEAR_LIKE = re.compile(r"\b(?:\d{4}\s*[/-]\s*\d{2,4}|\d{2}/\d{2}|(?:19|20)\d{2})\b")
_DIGIT = re.compile(r"\d")

_POLARITY_LOWER = re.compile(
    r"^\s*(?:to\s+)?(?:reduce[sd]?|reduction|reducing|decrease[sd]?|decreasing|lower|lowering|cut|"
    r"minimi[sz]e|fewer|less)\b",
    re.IGNORECASE,
)
_POLARITY_HIGHER = re.compile(
    r"^\s*(?:to\s+)?(?:increase[sd]?|increasing|improve[sd]?|improving|raise[sd]?|raising|more|"
    r"maximi[sz]e|grow|growing|boost)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    """One target as read from its text; ``text`` is always the verbatim original."""

    text: str
    kind: str
    value: float | None = None
    unit: str | None = None  # "percent" or "count" for levels; "percent" for relative
    direction: str | None = None
    strict: bool = False
    reference: str | None = None  # relative: "previous period" or the named reference
    reference_value: float | None = None
    label: str | None = None
    note: str | None = None

    @property
    def machine_readable(self) -> bool:
        """True for relative and level targets (those a RAG can be computed from)."""
        return self.kind in (RELATIVE, LEVEL)

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """Plain-English reading, e.g. 'at least 73%' or '5% reduction on the previous period'."""
        if self.kind == NONE:
            return "no target"
        if self.kind == NOT_MACHINE_READABLE:
            return f"not machine-readable: '{self.text}'"
        if self.kind == RELATIVE:
            word = "reduction" if self.direction == DECREASE else "increase"
            ref = self.reference or "the previous period"
            return f"{_fmt(abs(self.value or 0))}% {word} on {ref}"
        amount = f"{_fmt(self.value or 0)}{'%' if self.unit == 'percent' else ''}"
        if self.direction is None:
            return amount
        if self.direction == AT_MOST:
            word = "below" if self.strict else "at most"
        else:
            word = "above" if self.strict else "at least"
        return f"{word} {amount}"


def _fmt(x: float) -> str:
    """1234 -> '1,234'; 5.71 -> '5.71'; 70.0 -> '70' (no trailing zeros in prose)."""
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def normalise_text(text: object) -> str:
    """Collapse whitespace and unify dashes and comparison signs, keeping the words."""
    s = "" if text is None else str(text)
    s = s.replace("\u2264", "<=").replace("\u2265", ">=")
    s = re.sub(r"[\u2013\u2014\u2212]", "-", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(s.split())


def parse_target(text: object) -> Target:
    """Read one target phrase; never raises, never guesses (see the module docstring)."""
    raw = "" if text is None else str(text)
    s = normalise_text(raw)
    low = s.lower().rstrip(".")
    if low in _NONE_TEXTS:
        return Target(text=raw, kind=NONE, note="no target given" if not low else None)

    ie = _IE_LEVEL.search(s)
    if ie and len(_DIGIT.findall(s)) > len(_DIGIT.findall(ie.group(0))):
        # "Increase by 2% from 2013/14 baseline of 6.2% i.e. 8.2%": the restated level is the
        # author's own arithmetic, so it is the target; the direction comes from the verb.
        direction = None
        if _POLARITY_LOWER.match(s):
            direction = AT_MOST
        elif _POLARITY_HIGHER.match(s):
            direction = AT_LEAST
        return Target(
            text=raw,
            kind=LEVEL,
            value=_num(ie.group("n")),
            unit="percent" if ie.group("pct") else "count",
            direction=direction,
            note=f"read as the level restated after 'i.e.' ({ie.group(0).strip()})",
        )

    relative = _parse_relative(raw, s)
    if relative is not None:
        return relative
    return _parse_level(raw, s)


def _parse_relative(raw: str, s: str) -> Target | None:
    m = _RELATIVE_SUFFIX.match(s)
    if m:
        dir_word, rest, what = m.group("dir").lower(), m.group("rest"), ""
    else:
        m = _RELATIVE_VERB.match(s)
        if not m:
            return None
        dir_word, rest, what = m.group("dir").lower(), m.group("rest"), m.group("what")
    if _DIGIT.search(what or "") and not _YEAR_LIKE.search(what or ""):
        return Target(
            text=raw,
            kind=NOT_MACHINE_READABLE,
            note="several numbers in the target; which one is the target is unclear",
        )
    direction = (
        DECREASE
        if dir_word in {"reduction", "decrease", "fall", "drop", "cut", "reduce", "lower"}
        else INCREASE
    )
    n = _num(m.group("n"))
    value = -n if direction == DECREASE else n
    reference, reference_value, note = "the previous period", None, None
    rest = rest.strip().strip(",;").strip()
    if rest:
        ref = _REFERENCE.match(rest)
        if not ref:
            return Target(
                text=raw,
                kind=NOT_MACHINE_READABLE,
                note=f"a {abs(value):g}% {direction} with words that could not be read: '{rest}'",
            )
        reference = ref.group("ref").strip()
        if ref.group("refval"):
            reference_value = _num(ref.group("refval"))
        leftover = _YEAR_LIKE.sub("", reference)
        if _DIGIT.search(leftover):
            return Target(
                text=raw,
                kind=NOT_MACHINE_READABLE,
                note="several numbers in the target; which one is the target is unclear",
            )
        if re.fullmatch(
            r"(?:the\s+)?(?:previous|last|prior)\s+(?:year|period|quarter)", reference, re.I
        ):
            reference = "the previous period"
        else:
            note = (
                f"measured against '{reference}'"
                + (f" = {_fmt(reference_value)}" if reference_value is not None else "")
                + " rather than the previous period"
            )
    return Target(
        text=raw,
        kind=RELATIVE,
        value=value,
        unit="percent",
        direction=direction,
        reference=reference,
        reference_value=reference_value,
        note=note,
    )


def _parse_level(raw: str, s: str) -> Target:
    direction: str | None = None
    strict = False
    body = s
    cmp = _CMP_PREFIX.match(body)
    if cmp:
        word = cmp.group("cmp").lower()
        for pattern, d, st in _CMP_WORDS:
            if re.fullmatch(pattern, word, re.IGNORECASE):
                direction, strict = d, st
                break
        body = body[cmp.end() :]
    m = _LEVEL.match(body)
    if not m:
        if re.match(r"^[-+]\s*\d", body):
            return Target(
                text=raw,
                kind=NOT_MACHINE_READABLE,
                note="a signed number: a change or a level? Set it in the indicator register",
            )
        why = (
            "no number in the target" if not _DIGIT.search(s) else "the number is not at the start"
        )
        return Target(text=raw, kind=NOT_MACHINE_READABLE, note=why)
    value = _num(m.group("n"))
    unit = "percent" if m.group("pct") else "count"
    rest = m.group("rest").strip()
    suffix = _CMP_SUFFIX.match(rest)
    if suffix:
        if direction is not None:
            return Target(text=raw, kind=NOT_MACHINE_READABLE, note="two comparison words")
        direction = (
            AT_MOST
            if suffix.group("word").lower() in {"less", "fewer", "below", "lower", "under"}
            else AT_LEAST
        )
        rest = rest[suffix.end() :].strip()
    label = note = None
    if rest:
        inner = rest
        if inner.startswith("(") and inner.endswith(")"):
            inner = inner[1:-1].strip()
        if _DIGIT.search(inner):
            return Target(
                text=raw,
                kind=NOT_MACHINE_READABLE,
                note=f"several numbers in the target ('{rest}'); which one is the target is unclear",
            )
        inner = inner.strip(" ,;.-")
        if _CONDITION_WORDS.match(inner):
            note = f"condition the return's figures cannot show, not checked: '{inner}'"
        else:
            label = inner or None
    return Target(
        text=raw,
        kind=LEVEL,
        value=value,
        unit=unit,
        direction=direction,
        strict=strict,
        label=label,
        note=note,
    )


def polarity_from_wording(indicator: object) -> str | None:
    """Polarity implied by an indicator's leading verb: 'Reduce ...' lower, 'Increase ...' higher.

    Only the first word counts: "Percentage of clients where risk is reduced" says nothing
    about which way is good, whereas "Reduce the repeat victimisation rate" does.
    """
    s = normalise_text(indicator)
    if _POLARITY_LOWER.match(s):
        return LOWER_IS_BETTER
    if _POLARITY_HIGHER.match(s):
        return HIGHER_IS_BETTER
    return None


def polarity_from_target(target: Target) -> str | None:
    """Polarity implied by a target with a stated direction (None for a bare level)."""
    if target.kind == RELATIVE:
        return LOWER_IS_BETTER if target.direction == DECREASE else HIGHER_IS_BETTER
    if target.kind == LEVEL and target.direction is not None:
        return LOWER_IS_BETTER if target.direction == AT_MOST else HIGHER_IS_BETTER
    return None
