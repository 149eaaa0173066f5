"""Analysts' commentary: their own words per section, with figures referenced, not typed.

Why this module exists
----------------------
Published assessments carry officers' commentary (causes, local knowledge, actions) that no
pipeline can generate. Analysts write it in Markdown, one file per section, kept beside the
area's configuration::

    config/commentary/<area>/<period>/<section>.md      e.g. .../sample/fy2024-25/crime.md

A figure is written as a reference to ``figures.json``, ``{{ crime.change_pct }}`` or
``{{ crime.by_group_change.0.group }}`` (list items by position), and rendered in the
document's number style, so a re-run with corrected data corrects the commentary too. A
reference to a key that does not exist stops the run, naming the file and line. A number typed
in the text that matches no figure is not an error (it may be local knowledge), but it is listed
in the data note as unchecked. The text is placed under the section's generated text and
marked as commentary.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analysis.config import REPO_ROOT
from analysis.errors import PipelineError
from analysis.report.summary import figure_numbers, format_figure, numbers_in

REFERENCE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_KEY = re.compile(r"^[A-Za-z_][\w%.]*$")


@dataclass
class Commentary:
    """One section's commentary, rendered, with what the data note and manifest need."""

    section: str
    path: Path
    markdown: str
    sha256: str
    unchecked: list[str] = field(default_factory=list)


def commentary_dir(config_dir: Path, area: str, period_slug: str) -> Path:
    return config_dir / "commentary" / area / period_slug


def commentary_files(config_dir: Path, area: str, period_slug: str) -> list[Path]:
    """The period's commentary files (inputs of the period: hashed and watched by make)."""
    folder = commentary_dir(config_dir, area, period_slug)
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".md", ".markdown")
    )


def resolve(figures: Mapping, key: str) -> tuple[str, object]:
    """The value at a dotted key, and the name of its last part (which says how to format it)."""
    value: object = figures
    last = ""
    for part in key.split("."):
        if isinstance(value, Mapping) and part in value:
            value, last = value[part], part
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(part)
    if isinstance(value, Mapping | list):
        raise KeyError(key)  # a section, not a figure
    return last, value


def _shown(path: Path) -> str:
    """The file as a message names it: relative to the repository when inside it."""
    path = Path(path)
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def _safe(text: str) -> str:
    """The analysts' Markdown with no way to put markup or script on a public page: comments
    (internal notes) dropped, every tag shown as text, javascript: links disarmed."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = text.replace("<", "&lt;")
    return re.sub(r"\]\(\s*javascript:[^)]*\)", "](#)", text, flags=re.I)


def render_commentary(text: str, figures: Mapping, path: Path) -> tuple[str, list[str]]:
    """The text with every reference replaced; and the typed numbers no figure accounts for."""
    out_lines, typed = [], []
    where = _shown(path)
    text = _safe(text)
    allowed = figure_numbers(figures)
    for n, line in enumerate(text.splitlines(), start=1):
        for key in REFERENCE.findall(line):
            if not _KEY.match(key):
                raise PipelineError(f"{where}, line {n}: '{{{{ {key} }}}}' is not a figure "
                                    "reference (write it like {{ crime.change_pct }})")  # fmt: skip
            try:
                resolve(figures, key)
            except KeyError:
                raise PipelineError(
                    f"{where}, line {n}: unknown figure '{key}' (the keys are listed in "
                    "docs/figures.md)"
                ) from None

        def sub(m: re.Match) -> str:
            last, value = resolve(figures, m.group(1))
            return html.escape(format_figure(last, value))  # a ward name is text, not markup

        rest = REFERENCE.sub("", line)
        if "{{" in rest or "}}" in rest:
            raise PipelineError(f"{where}, line {n}: a '{{{{' or '}}}}' that is not a complete "
                                "reference (a reference must open and close on one line)")  # fmt: skip
        typed += [x for x in numbers_in(rest) if x not in allowed]
        out_lines.append(REFERENCE.sub(sub, line))
    return "\n".join(out_lines), list(dict.fromkeys(typed))


def load_commentary(
    config_dir: Path, area: str, period_slug: str, figures: Mapping, sections: list[str]
) -> dict[str, Commentary]:
    """Every commentary file of the period, rendered; a file for an unknown section stops the run."""
    out = {}
    for path in commentary_files(config_dir, area, period_slug):
        if path.stem not in sections:
            raise PipelineError(f"{_shown(path)}: no section called '{path.stem}'; the sections are "
                                f"{', '.join(sections)}")  # fmt: skip
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PipelineError(f"{_shown(path)}: not UTF-8 text") from None
        markdown, unchecked = render_commentary(text, figures, path)
        out[path.stem] = Commentary(path.stem, path, markdown,
                                    hashlib.sha256(data).hexdigest(), unchecked)  # fmt: skip
    return out


def commentary_cell_source(c: Commentary) -> str:
    """The Markdown cell placed under the section: headed and boxed as the partnership's words."""
    return (
        '<aside class="csp-commentary" aria-label="Commentary">\n\n'
        "### Commentary\n\n"
        "*Written by the partnership's analysts; figures in it are taken from this assessment.*\n\n"
        f"{c.markdown.strip()}\n\n</aside>"
    )
