"""new_area: configurations from ONS codes that run first time and count what an independent
LSOA-code join counts, with their own ward sets and no foreign map."""

from __future__ import annotations

import pytest

from analysis.errors import PipelineError
from analysis.new_area import FORCES, area_config, main, write_config
from conftest import SHARED_DATA, independent_count, needs_shared_data

pytestmark = needs_shared_data()


@pytest.mark.parametrize(
    ("query", "slug", "codes", "wards"),
    [
        ("Maidstone", "maidstone", ["E07000110"], 26),
        ("E07000106", "canterbury", ["E07000106"], None),
        ("Dartford and Gravesham", "dartford-and-gravesham", ["E07000107", "E07000109"], None),
        ("Gravesham", "dartford-and-gravesham", ["E07000107", "E07000109"], None),
    ],
)
def test_configurations_from_ons_codes(query, slug, codes, wards):
    got, config, warnings = area_config(SHARED_DATA, query)
    assert got == slug and config["area"] == slug and config["local_authority_codes"] == codes
    assert config["forces"] == ["kent"] and config["periods"] == [
        {"type": "calendar_year", "year": 2025}
    ]
    assert not any("medway" in str(ws.get("boundaries", "")) for ws in config["ward_sets"])
    assert all("boundaries" not in ws for ws in config["ward_sets"])  # no file covers them here
    if wards:
        assert config["ward_sets"][-1]["name"].endswith(f"({wards} wards)")
    assert any("after the newest ward lookup here (May 2023)" in w for w in warnings)


@pytest.mark.parametrize("query", ["Maidstone", "Canterbury", "Dartford and Gravesham"])
def test_written_configurations_run_and_count_exactly(tmp_path, query):
    from analysis import pipeline
    from analysis.config import load_config
    from analysis.run import check_sections

    path, _ = write_config(SHARED_DATA, query, tmp_path / "config")
    config = load_config(path.stem, config_dir=path.parent)
    check_sections(config)
    data = pipeline.ingest_area(config, tmp_path / "processed")
    (period,) = config.periods
    figures = pipeline.prepare_period(
        config, data, period, tmp_path / "work", tmp_path / "processed"
    )
    expected = independent_count(set(config.local_authority_codes))
    assert (figures["crime"]["total"], figures["asb"]["total"]) == (
        expected["crime"],
        expected["asb"],
    )
    assert figures["wards"]["set"] == config.ward_set_for(period).name
    assert (
        not (tmp_path / "processed" / path.stem / "boundaries.json").read_text().count("E06000035")
    )


def test_medway_gets_its_own_boundaries_and_two_ward_sets():
    _, config, _ = area_config(SHARED_DATA, "Medway")
    names = [ws["name"] for ws in config["ward_sets"]]
    assert names == ["Wards to April 2023 (22 wards)", "Wards from May 2023 (24 wards)"]
    assert all(ws["boundaries"].startswith("boundaries/medway/") for ws in config["ward_sets"])


def test_refuses_to_overwrite_and_unknown_names(tmp_path, capsys):
    write_config(SHARED_DATA, "Maidstone", tmp_path)
    with pytest.raises(PipelineError, match="exists: not overwritten"):
        write_config(SHARED_DATA, "Maidstone", tmp_path)
    assert main(["Nowhere-on-Sea", "--data-dir", str(SHARED_DATA), "--out", str(tmp_path)]) == 2
    assert "neither a CSP nor a local authority" in capsys.readouterr().err


def test_every_force_of_england_and_wales_is_named():
    assert len(set(FORCES.values())) == 43


def test_every_csp_of_a_force(tmp_path, capsys):
    from analysis.new_area import force_csps

    names = force_csps(SHARED_DATA, "kent")
    assert len(names) == 12 and "Dartford and Gravesham" in names and "Medway" in names
    assert main(["--force", "kent", "--data-dir", str(SHARED_DATA), "--out", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.yaml"))) == 12
    # a second force run keeps what is there (and lists it), rather than refusing
    assert main(["--force", "kent", "--data-dir", str(SHARED_DATA), "--out", str(tmp_path)]) == 0
    assert len(capsys.readouterr().out.split()) == 24
