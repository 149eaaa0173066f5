"""End-to-end: the whole pipeline from raw files to reviewer HTML, on the generated sample
and on real Medway data, run through the command line exactly as `make all` runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SHARED_DATA, independent_count, needs_shared_data

pytestmark = pytest.mark.e2e


def shows_code(html: str) -> bool:
    """True when a page has a code input cell (the class also appears in the CSS, so match elements)."""
    return re.search(r'class="[^"]*jp-InputArea-editor', html) is not None


def run_cli(tmp: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **(env or {}),
        "CSP_OUTPUT_DIR": str(tmp / "outputs"),
        "CSP_PROCESSED_DIR": str(tmp / "processed"),
        "CSP_BUILD_DIR": str(tmp / "build"),
    }
    return subprocess.run(
        [sys.executable, "-m", "analysis.run", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from analysis.pipeline import write_sample

    tmp = tmp_path_factory.mktemp("sample")
    write_sample(tmp / "raw")  # police.uk files, lookups and the partners' returns
    # shared kernels, whatever the environment says: the determinism test compares with fresh
    result = run_cli(
        tmp, "--area", "sample", "--data-dir", str(tmp / "raw"), env={"CSP_FRESH_KERNELS": "0"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp / "outputs"


def test_sample_writes_every_period_and_the_index(sample_run):
    from analysis.config import load_config

    config = load_config("sample")
    index = (sample_run / "index.html").read_text()
    for period in config.periods:
        folder = sample_run / "sample" / period.slug
        for name in (
            "assessment.html",
            "crime.html",
            "asb.html",
            "performance.html",
            "road_safety.html",
            "fire.html",
            "technical.html",
            "analyst/crime.html",
            "figures.json",
            "manifest.json",
        ):
            assert (folder / name).is_file(), f"{period.slug}/{name} missing"
        assert f"sample/{period.slug}/crime.html" in index
    assert "synthetic" in index.lower()


def test_sample_figures_are_consistent(sample_run):
    from analysis.measures.change import percent_change

    figs = [
        json.loads(p.read_text()) for p in sorted((sample_run / "sample").glob("*/figures.json"))
    ]
    assert figs
    for f in figs:
        for key in ("start", "end"):
            assert re.match(r"^\d{4}-\d{2}$", f["period"][key])
        assert f["months_present"] == 12 and f["population"]["value"] > 0 and f["area"]["synthetic"]
        for m in ("crime", "asb"):
            fig = f[m]
            assert sum(x["count"] for x in fig["monthly"]) == fig["total"]
            assert (
                sum(w["count"] for w in fig["by_ward"]) + fig["rows_without_ward"] == fig["total"]
            )
            assert fig["rate_per_1000"] == round(fig["total"] / f["population"]["value"] * 1000, 1)
            if fig["previous_total"] is not None:
                assert fig["change"] == fig["total"] - fig["previous_total"]
                assert fig["change_pct"] == round(
                    percent_change(fig["total"], fig["previous_total"]), 1
                )
            assert len(fig["top_wards"]) == 5
        assert sum(d["count"] for d in f["crime"]["by_type"]) == f["crime"]["total"]
        # the sample's partner returns, road-safety extract and fire return all feed their sections
        counts = f["performance"]["rag_counts"]
        assert sum(counts.values()) == f["performance"]["n_indicators"] > 0
        assert f["performance"]["red_indicators"] == [
            r["indicator"] for r in f["performance"]["red"]
        ]
        assert f["road_safety"]["ksi"] == f["road_safety"]["fatal"] + f["road_safety"]["serious"]
        assert f["fire"]["activities"]
    # the sample starts in April 2021, so every configured period has a complete previous one,
    # and the generator's built-in trend (crime up ~4% a year, ASB down ~8%) must come through
    by_slug = {f["period"]["slug"]: f for f in figs}
    for f in figs:
        assert f["crime"]["comparison"]["status"] == "complete"
        assert f["crime"]["change_pct"] > 0 and f["asb"]["change_pct"] < 0
    trend = by_slug["fy2024-25"]["crime"]["trend"]
    assert [t["label"] for t in trend if t["complete"]] == [
        "2021/22",
        "2022/23",
        "2023/24",
        "2024/25",
    ]
    assert (
        by_slug["fy2022-23"]["wards"]["count"] == 22
        and by_slug["fy2024-25"]["wards"]["count"] == 24
    )


def test_every_sample_period_has_context_public_and_priorities(sample_run):
    from analysis.sample.survey import COMMENTS, Q_DARK

    folders = sorted((sample_run / "sample").glob("*/figures.json"))
    assert len(folders) == 4
    for path in folders:
        f = json.loads(path.read_text())
        for page in ("context.html", "public.html", "priorities.html"):
            assert (path.parent / page).is_file(), f"{path.parent.name}/{page} missing"
        assert f["crime"]["context"]["funnel"]["available"]
        public = f["public"]
        assert public["available"] and public["concerns"]["ranked"]
        found = [
            (d["question"], d["group_value"]) for d in public["differences"] if d["significant"]
        ]
        assert found == [(Q_DARK, "25-34")], path.parent.name  # the planted age effect, only
        assert f["priorities"]["candidates"] and "public" not in f["priorities"]["not_scored"]
        assert all(r["reasons"] for r in f["priorities"]["candidates"][:5])
        # residents' own words never reach any page, reviewer or analyst
        for html in path.parent.rglob("*.html"):
            text = html.read_text()
            assert not [c for c in COMMENTS if c.strip() and c.strip() in text], html.name
        assert "Listening to the public" in (path.parent / "assessment.html").read_text()
        check_abbreviations(path.parent / "assessment.html")
    # the sample's commentary (config/commentary/sample/fy2024-25/crime.md): values referenced
    folder = sample_run / "sample" / "fy2024-25"
    f = json.loads((folder / "figures.json").read_text())
    crime = (folder / "crime.html").read_text()
    assert "Commentary" in crime and f"Recorded crime rose by {f['crime']['change_pct']:.1f}% to " \
        f"{f['crime']['total']:,} crimes" in crime  # fmt: skip
    assert "{{" not in crime and "Commentary" in (folder / "assessment.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "commentary/sample/fy2024-25/crime.md" in [i["file"] for i in manifest["inputs"]]
    assert "Commentary" not in (sample_run / "sample" / "cy2024" / "crime.html").read_text()


def check_abbreviations(page: Path) -> None:
    """Every abbreviation in a public document is in its glossary."""
    import html as html_lib

    from analysis.report.document import undefined_abbreviations

    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page.read_text(), flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<img[^>]*>", "", text)))
    assert undefined_abbreviations(text) == [], page
    glossary = text.split("Glossary of terms")[-1]
    for term in ("ASB", "CSP"):
        assert term in glossary


def check_pdf(folder: Path) -> int:
    """assessment.pdf: A4, a cover, a numbered contents, page numbers, no blank page, and the
    headline figures as text. Returns the page count."""
    from pypdf import PdfReader

    figures = json.loads((folder / "figures.json").read_text())
    reader = PdfReader(str(folder / "assessment.pdf"))
    pages = reader.pages
    n = len(pages)
    assert 8 <= n <= 60, n
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    texts = [p.extract_text() or "" for p in pages]
    assert "Community Safety Strategic Assessment" in texts[0] and "Page 1 of" not in texts[0]
    assert figures["area"]["name"].split(" (")[0] in texts[0]
    assert "Contents" in texts[1] and re.search(r"^\d+$", texts[1], re.M)  # numbered contents
    for i, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        if i > 1:
            assert f"Page {i} of {n}" in text, f"page {i} has no page number"
        body = text.replace(f"Page {i} of {n}", "").strip()
        assert body or page.images, f"page {i} is blank"
    whole = " ".join(texts)
    for key in ("crime", "asb"):
        assert f"{figures[key]['total']:,}" in whole
    for forbidden in ("SHA-256", "Validation summary", "p = "):
        assert forbidden not in whole
    return n


def test_every_period_has_a_pdf(sample_run):
    _chromium_or_skip()
    for folder in sorted(p.parent for p in (sample_run / "sample").glob("*/figures.json")):
        check_pdf(folder)


def test_reviewer_html_is_self_contained_and_codeless(sample_run):
    for page in (sample_run / "sample").glob("*/*.html"):
        html = page.read_text()
        assert not re.search(r"<script[^>]+src=[\"']https?:", html), (
            f"{page.name} loads a remote script"
        )
        assert "Traceback" not in html and not shows_code(html), (
            f"{page.name} shows code or a traceback"
        )
        assert str(REPO) not in html, f"{page.name} contains a local path"
    crime = next((sample_run / "sample").glob("*/crime.html")).read_text()
    assert crime.count("data:image/png;base64") >= 5  # trend, months, types, map, peers
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', crime)
    assert len(alts) == crime.count("<img ") and all(
        re.match(r"^(Bar chart|Line chart|Map): ", a) for a in alts
    )
    analyst = next((sample_run / "sample").glob("*/analyst/crime.html")).read_text()
    assert shows_code(analyst) and "load_context" in analyst
    # restricted (unsuppressed) values: analyst pages only
    folder = next((sample_run / "sample").glob("*/performance.html")).parent
    assert "RESTRICTED" in (folder / "analyst" / "performance.html").read_text()
    for page in ("performance.html", "assessment.html"):
        assert "RESTRICTED" not in (folder / page).read_text()


def test_failed_run_leaves_previous_outputs_untouched(sample_run, tmp_path):
    """A broken month file stops the run with a message naming file, row and column."""
    import shutil

    data = tmp_path / "raw"
    from analysis.sample import generate_sample

    generate_sample(data)
    victim = sorted(data.rglob("2024-06-*-street.csv"))[0]
    lines = victim.read_text().splitlines()
    lines[6] = (
        lines[6].replace(",Burglary,", ",Burglry,").replace(",Shoplifting,", ",Shoplifting!,")
    )
    parts = lines[9].split(",")
    parts[7] = "E0X123"  # malformed LSOA code on line 10
    lines[9] = ",".join(parts)
    victim.write_text("\n".join(lines) + "\n")
    work = tmp_path / "work"
    shutil.copytree(sample_run, work / "outputs")
    before = {p: p.read_bytes() for p in (work / "outputs").rglob("*") if p.is_file()}
    result = run_cli(work, "--area", "sample", "--data-dir", str(data))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "lsoa_code" in result.stderr and f"{victim.name}:10" in result.stderr
    assert "Previous outputs were left unchanged" in result.stderr
    after = {p: p.read_bytes() for p in (work / "outputs").rglob("*") if p.is_file()}
    assert after == before


@needs_shared_data()
def test_medway_2025_matches_an_independent_count(tmp_path):
    result = run_cli(tmp_path, "--area", "medway", "--data-dir", str(SHARED_DATA))
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads((tmp_path / "outputs" / "medway" / "cy2025" / "figures.json").read_text())
    expected = independent_count({"E06000035"})
    assert expected == {"crime": 25082, "asb": 5507}  # the data README's known facts
    assert figures["crime"]["total"] == expected["crime"]
    assert figures["asb"]["total"] == expected["asb"]
    assert figures["population"]["year"] == 2020 and figures["population"]["value"] == 279142
    assert figures["wards"]["count"] == 24
    assert figures["crime"]["peers"]["of"] == 13  # Medway among the 13 Kent and Medway authorities
    assert figures["crime"]["previous_total"] is None  # no 2024 data: no change is computed
    assert "no police.uk data" in figures["crime"]["comparison"]["note"].lower()
    manifest = json.loads(
        (tmp_path / "outputs" / "medway" / "cy2025" / "manifest.json").read_text()
    )
    assert all(not Path(i["file"]).is_absolute() for i in manifest["inputs"])
    assert len([i for i in manifest["inputs"] if i["file"].startswith("police_uk/")]) == 15
    # the context section from the real files; the survey and partners' returns said to be absent
    context = figures["crime"]["context"]
    assert context["funnel"]["available"] and context["deprivation"]["available"]
    assert figures["public"] == {"available": False,
                                 "note": "no survey was supplied for this assessment"}  # fmt: skip
    assert figures["priorities"]["not_scored"]["public"] == figures["public"]["note"]
    page = (tmp_path / "outputs" / "medway" / "cy2025" / "public.html").read_text()
    assert "no residents' survey results" in page
    doc = (tmp_path / "outputs" / "medway" / "cy2025" / "assessment.html").read_text()
    assert 'id="performance"' not in doc and 'id="public"' not in doc and 'id="context"' in doc
    assert "so their sections are left out: partners' performance returns" in doc
    assert "configured" not in doc.split('id="background"')[1]
    check_abbreviations(tmp_path / "outputs" / "medway" / "cy2025" / "assessment.html")
    if _chromium():
        check_pdf(tmp_path / "outputs" / "medway" / "cy2025")


def _chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
]


def _chromium_or_skip() -> str:
    """The browser, or skip the test; in CI (CSP_REQUIRE_CHROMIUM) a missing one fails it."""
    browser = _chromium()
    if browser is None:
        if os.environ.get("CSP_REQUIRE_CHROMIUM"):
            pytest.fail(
                "chromium is required in CI (Debian package 'chromium') but is not installed"
            )
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return browser


def test_reviewer_html_in_headless_chromium(sample_run, tmp_path):
    """What a reviewer sees: charts, tables and the validation summary; no code, no traceback."""
    browser = _chromium_or_skip()
    from matplotlib.image import imread

    folder = next((sample_run / "sample").glob("fy2024-25"))
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    for page, needles in (
        (
            "crime.html",
            ["All recorded crime", "per 1,000 residents", "Hotspots", "Peer comparison"],
        ),
        (
            "technical.html",
            [
                "Validation summary",
                "Raw police.uk extract",
                "Pass",
                "Configuration used",
                "Rows excluded",
            ],
        ),
    ):
        url = (folder / page).as_uri()
        dom = subprocess.run(
            [browser, *CHROME_FLAGS, *profile, "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        for needle in needles:
            assert needle in dom, f"{page}: '{needle}' not rendered"
        assert "Traceback" not in dom and not shows_code(dom)
        if page == "crime.html":
            assert dom.count("<img") >= 5
        else:
            assert "<table" in dom
        for width in (1280, 390):
            shot = tmp_path / f"{page}-{width}.png"
            subprocess.run(
                [
                    browser,
                    *CHROME_FLAGS,
                    *profile,
                    f"--window-size={width},2400",
                    f"--screenshot={shot}",
                    url,
                ],
                capture_output=True,
                timeout=120,
            )
            image = imread(shot)
            assert image.shape[1] == width
            assert image[..., :3].std() > 0.05, f"{shot.name} looks blank"


def test_notebook_runs_interactively_with_its_defaults(tmp_path):
    """An analyst opening a notebook and running all cells: no parameters injected, no prior run."""
    import papermill as pm

    env = {
        "CSP_OUTPUT_DIR": str(tmp_path / "outputs"),
        "CSP_BUILD_DIR": str(tmp_path / "build"),
        "CSP_PROCESSED_DIR": str(tmp_path / "processed"),
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # inherited by the kernel
    try:
        for nb in ("20_crime_and_asb.ipynb", "10_data_quality.ipynb"):
            out = tmp_path / nb
            pm.execute_notebook(
                str(REPO / "notebooks" / nb),
                str(out),
                kernel_name="csp-assessment",
                progress_bar=False,
                cwd=str(REPO / "notebooks"),
            )
            text = out.read_text()
            assert "image/png" in text or nb.startswith("10"), f"{nb} drew no chart"
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert (tmp_path / "build" / "interactive" / "sample" / "fy2024-25" / "figures.json").is_file()


# Headless Chromium will not make a window narrower than 500 px, so the page is measured
# inside an iframe of the phone's width (its own viewport: media queries apply to it).
AXE = REPO / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """<script src="axe.min.js"></script><script>
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => document.body.setAttribute('data-axe', JSON.stringify(r.violations.map(v => (
    {id: v.id, impact: v.impact, nodes: v.nodes.length,
     examples: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))));
</script>"""


def axe_violations(browser: str, page: Path, tmp: Path) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on ``page``, run in headless Chromium."""
    import html as html_lib
    import shutil

    work = tmp / f"axe-{page.stem}"
    work.mkdir()
    shutil.copy(AXE, work / "axe.min.js")
    probe = work / "page.html"
    probe.write_text(page.read_text().replace("</body>", AXE_RUN + "</body>"))
    done = subprocess.run(
        [browser, *CHROME_FLAGS, f"--user-data-dir={work / 'profile'}", "--virtual-time-budget=30000",
         "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    found = re.search(r'data-axe="([^"]*)"', done.stdout)
    assert found, f"axe-core did not report on {page.name}: {done.stderr[-500:]}"
    return json.loads(html_lib.unescape(found.group(1)))


def test_public_pages_pass_axe_core(sample_run, tmp_path):
    """No WCAG 2.1 AA violations on the public document, the technical appendix and the index."""
    browser = _chromium_or_skip()
    if not AXE.exists():
        if os.environ.get("CSP_REQUIRE_CHROMIUM"):
            pytest.fail("axe-core is required in CI: npm ci --prefix tools/axe")
        pytest.skip("axe-core is not installed (npm ci --prefix tools/axe)")
    folder = sample_run / "sample" / "fy2024-25"
    for page in (folder / "assessment.html", folder / "technical.html", sample_run / "index.html"):
        assert axe_violations(browser, page, tmp_path) == [], page.name


OVERFLOW_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="assessment.html" style="border:0;width:WIDTHpx;height:3000px"></iframe>
<script>
document.getElementById('f').addEventListener('load', () => {
  const w = document.getElementById('f').contentWindow, d = w.document, doc = d.documentElement;
  // text blocks, tables and images must fit; cells may scroll inside their table's own box
  const wide = [...d.querySelectorAll('p, li, h1, h2, h3, table, img, pre')]
    .filter(e => e.getBoundingClientRect().right > w.innerWidth + 1).map(e => e.textContent.slice(0, 40));
  document.body.setAttribute('data-probe', JSON.stringify(
    {scroll: doc.scrollWidth, inner: w.innerWidth, wide: wide.length, examples: wide.slice(0, 3)}));
});
</script></body></html>"""


def test_assessment_document_reads_on_desktop_and_phone(sample_run, tmp_path):
    """The full document: contents, every section, glossary, provenance; no horizontal overflow
    of text at 1280 px or on a 400 px phone."""
    browser = _chromium_or_skip()
    folder = sample_run / "sample" / "fy2024-25"
    html = (folder / "assessment.html").read_text()
    for needle in ('href="#summary"', 'id="crime"', 'id="asb"', 'id="background"', "Glossary of terms",
                   "Executive summary", 'id="provenance"', 'href="technical.html"',
                   "Regulation 5 of the Crime and Disorder", 'class="csp-cover"'):  # fmt: skip
        assert needle in html, needle
    # the public document holds no back-office material: that is in the technical appendix
    for forbidden in ("Validation summary", "SHA-256", "Configuration used", "lsoa_code",
                      "police_uk/", ".csv", "target_kind", "p = "):  # fmt: skip
        assert forbidden not in html, f"the public document shows {forbidden!r}"
    assert "SHA-256" in (folder / "technical.html").read_text()
    assert not shows_code(html) and "Traceback" not in html
    for forbidden in (str(REPO), "/root/", "/home/", "/tmp/"):
        assert forbidden not in html, f"reviewer document contains a local path ({forbidden})"
    for width in (1280, 390):
        probe = folder / f".probe-{width}.html"
        probe.write_text(OVERFLOW_PROBE.replace("WIDTH", str(width)))
        try:
            dom = subprocess.run(
                [browser, *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--allow-file-access-from-files",
                 "--window-size=1400,3000", "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                capture_output=True, text=True, timeout=120,
            ).stdout  # fmt: skip
        finally:
            probe.unlink()
        found = re.search(r"data-probe=\"([^\"]*)\"", dom)
        assert found, "probe did not run"
        result = json.loads(found.group(1).replace("&quot;", '"'))
        assert result["inner"] == width
        assert result["scroll"] <= width and result["wide"] == 0, (
            f"horizontal overflow at {width}px: {result}"
        )
        shot = tmp_path / f"assessment-{width}.png"
        subprocess.run([browser, *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'p'}", f"--window-size={width},2400",
                        f"--screenshot={shot}", (folder / "assessment.html").as_uri()], capture_output=True, timeout=120)  # fmt: skip
        assert shot.stat().st_size > 10_000


def test_two_runs_give_byte_identical_outputs(sample_run, tmp_path):
    """Determinism: same inputs, same bytes (run times live only in manifest.json).

    The second run gives every notebook a new kernel (CSP_FRESH_KERNELS=1) where the first
    ran a period's notebooks in one kernel, reset between them: identical pages also prove
    that no notebook depends on state left by the one before it.
    """
    first_root = sample_run.parent
    result = run_cli(
        tmp_path, "--area", "sample", "--data-dir", str(first_root / "raw"), "--period",
        "fy2024-25", env={"CSP_FRESH_KERNELS": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    a, b = (
        first_root / "outputs" / "sample" / "fy2024-25",
        tmp_path / "outputs" / "sample" / "fy2024-25",
    )
    reviewer = sorted(p.name for p in a.glob("*.html"))
    assert {"assessment.html", "crime.html", "asb.html", "technical.html"} <= set(reviewer)
    for name in ["figures.json", "validation.json", *reviewer]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs between runs"

    def analyst(page: Path) -> str:
        """The analyst page less what names the run: its build and processed folders and the
        random id papermill gives the injected parameters cell."""
        text = page.read_text(encoding="utf-8")
        text = re.sub(r'"[^"]*/build/sample/fy2024-25\.\d+"', "BUILD", text)
        text = re.sub(r'"[^"]*/processed(?:/\.staging-\d+)?"', "PROCESSED", text)
        return re.sub(r'id="cell-id=[0-9a-f]{8}"', 'id="cell-id=INJECTED"', text)

    for page in sorted((a / "analyst").glob("*.html")):
        assert analyst(page) == analyst(b / "analyst" / page.name), (
            f"analyst/{page.name} differs between a shared and a fresh kernel"
        )
    for rel in (
        "sample/police_uk_area.parquet",
        "sample/lad_month_counts.parquet",
        "sample/fy2024-25/police_uk.parquet",
    ):
        assert (first_root / "processed" / rel).read_bytes() == (
            tmp_path / "processed" / rel
        ).read_bytes(), rel


def test_ctrl_c_prints_one_line_and_keeps_previous_outputs(tmp_path):
    """SIGINT in the middle of a run: one line on stderr, exit 130, no traceback, the previous
    period outputs untouched and no half-built period in outputs/."""
    import signal
    import time

    from analysis.pipeline import write_sample

    write_sample(tmp_path / "raw")
    env = {**os.environ, "CSP_OUTPUT_DIR": str(tmp_path / "outputs"),
           "CSP_PROCESSED_DIR": str(tmp_path / "processed"), "CSP_BUILD_DIR": str(tmp_path / "build")}  # fmt: skip
    previous = tmp_path / "outputs" / "sample" / "fy2024-25"
    previous.mkdir(parents=True)
    (previous / "figures.json").write_text('{"previous": "good run"}')
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis.run", "--area", "sample", "--data-dir",
         str(tmp_path / "raw"), "--period", "fy2024-25"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline and not list(
        (tmp_path / "build").glob("sample/fy2024-25.*/notebooks/*.ipynb")
    ):
        time.sleep(0.2)  # wait until the notebooks are running
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("Interrupted:")
    assert (previous / "figures.json").read_text() == '{"previous": "good run"}'
    assert sorted(p.name for p in (tmp_path / "outputs" / "sample").iterdir()) == ["fy2024-25"]
