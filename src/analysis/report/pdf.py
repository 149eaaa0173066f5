"""The assessment as an A4 PDF, printed by headless Chromium, with page numbers in the contents.

Why this module exists
----------------------
Committees receive papers as PDFs. The same HTML page prints with the print rules of the
``csp`` template (A4, a cover and a contents page of their own, page numbers in the footer,
charts and tables never split, headings kept with what follows). Chromium cannot number the
contents itself, so the page is printed twice: the first print says on which page each
section's heading falls (read back with pypdf), the contents get those numbers, and the
second print is the one kept. Headings do not move between the two prints: the numbers take
no extra lines.

Chromium comes from the system (Debian: ``apt-get install chromium``; ``CSP_CHROMIUM`` names
another binary). Where it is missing the PDF is not made and the run says so; it is never
replaced by something else.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from analysis.errors import PipelineError

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
         "--virtual-time-budget=10000"]  # fmt: skip
_TOC_ITEM = re.compile(r'<li><a href="#([\w-]+)">([^<]+)</a></li>')


def chromium() -> str | None:
    """The Chromium binary to print with, or ``None``."""
    named = os.environ.get("CSP_CHROMIUM")
    if named:
        return named
    return next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )  # fmt: skip


def print_pdf(page: Path, pdf: Path, browser: str) -> None:
    """One print of ``page`` to ``pdf`` (A4 and margins come from the page's own @page rules)."""
    with tempfile.TemporaryDirectory(prefix="csp-chromium-") as profile:
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
             page.resolve().as_uri()],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise PipelineError(f"Chromium could not print {page.name} to PDF: "
                            f"{done.stderr.strip().splitlines()[-1:] or 'no output'}")  # fmt: skip


def page_texts(pdf: Path) -> list[str]:
    """The text of every page (what the tests and the contents numbering read)."""
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(pdf)).pages]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _is_heading(line: str, title: str) -> bool:
    """A heading line: the title alone, or followed by ":" or " (" (section titles name the
    area and period: "All recorded crime: Medway, ..."); nbconvert's "¶" anchor is ignored."""
    line = line.rstrip("¶ ").strip()
    return line == title or line.startswith(title + ":") or line.startswith(title + " (")


def heading_pages(texts: list[str], titles: dict[str, str], after: int) -> dict[str, int]:
    """The page (1-based) of each title's heading, in order, searching after page ``after``."""
    out: dict[str, int] = {}
    lines = [[_norm(line) for line in t.splitlines()] for t in texts]
    start = after + 1
    for anchor, title in titles.items():
        want = _norm(title)
        for number in range(start, len(texts) + 1):
            if any(_is_heading(line, want) for line in lines[number - 1]):
                out[anchor] = start = number  # headings come in contents order
                break
    return out


def number_contents(page_html: str, pages: dict[str, int]) -> str:
    """The contents list with each entry's page number (the other entries unchanged)."""

    def sub(m: re.Match) -> str:
        anchor, title = m.group(1), m.group(2)
        if anchor not in pages:
            return m.group(0)
        return (f'<li><a href="#{anchor}">{title}</a>'
                f'<span class="csp-toc-page">{pages[anchor]}</span></li>')  # fmt: skip

    return _TOC_ITEM.sub(sub, page_html)


def write_pdf(page: Path, pdf: Path, browser: str | None = None) -> Path | None:
    """``page`` printed to ``pdf`` with a numbered contents; ``None`` if there is no Chromium."""
    browser = browser or chromium()
    if browser is None:
        return None
    source = page.read_text(encoding="utf-8")
    titles = {a: html.unescape(t) for a, t in _TOC_ITEM.findall(source)}
    with tempfile.TemporaryDirectory(prefix="csp-pdf-") as tmp:
        first = Path(tmp) / "first.pdf"
        print_pdf(page, first, browser)
        texts = page_texts(first)
        contents = next((i for i, t in enumerate(texts, 1) if "contents" in _norm(t)[:200]), 1)
        numbered = page.with_name(f".{page.stem}.print.html")  # beside it: same relative links
        numbered.write_text(number_contents(source, heading_pages(texts, titles, contents)),
                            encoding="utf-8")  # fmt: skip
        try:
            tmp_pdf = pdf.with_suffix(".pdf.tmp")
            print_pdf(numbered, tmp_pdf, browser)
            tmp_pdf.replace(pdf)
        finally:
            numbered.unlink(missing_ok=True)
    return pdf
