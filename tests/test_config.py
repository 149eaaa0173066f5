"""Area configurations load, resolve paths, and fail clearly."""

import pytest

from analysis.config import ConfigError, load_config


def test_sample_and_medway_configs_load():
    sample = load_config("sample")
    assert sample.synthetic and sample.local_authority_codes == ("E06900001",)
    assert len(sample.periods) >= 2
    medway = load_config("medway", data_dir="../shared/data")
    assert medway.local_authority_codes == ("E06000035",) and medway.forces == ("kent",)
    (period,) = medway.periods
    assert (period.start, period.end) == ("2025-01", "2025-12")
    assert medway.ward_set_for(period).name.endswith("(24 wards)")
    assert medway.record()["config_file"] == "config/medway.yaml"


def test_unknown_area_names_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown area 'nowhere'.*medway.*sample"):
        load_config("nowhere")


def test_bad_period_and_lad_code_name_the_file(tmp_path):
    good = (load_config("sample").source_file).read_text()
    (tmp_path / "bad.yaml").write_text(
        good.replace("type: calendar_year, year: 2024", "type: calendar_year, year: soon").replace(
            "area: sample", "area: bad"
        )
    )
    with pytest.raises(ConfigError, match=r"bad.yaml periods\[\d\]: .*whole number"):
        load_config("bad", config_dir=tmp_path)
    (tmp_path / "lad.yaml").write_text(
        good.replace("[E06900001]", "[Medway]").replace("area: sample", "area: lad")
    )
    with pytest.raises(ConfigError, match="'Medway' is not an ONS LAD code"):
        load_config("lad", config_dir=tmp_path)


def test_ward_set_chosen_by_period_end(tiny):
    from analysis.periods import Period

    assert tiny.ward_set_for(Period("calendar_year", "2023-01", "2023-12")).name == "New wards"
    assert tiny.ward_set_for(Period("financial_year", "2022-04", "2023-03")).name == "Old wards"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("partners:", "partner:"),
            r"x.yaml: unknown setting 'partner' \(did you mean 'partners'\?\)",
        ),
        (
            ("thresholds:", "threshold:"),
            r"unknown setting 'threshold' \(did you mean 'thresholds'\?\)",
        ),
        (
            ("significance_level: 0.05", "significance_level: 5"),
            r"x.yaml thresholds.significance_level: 5 is not a valid value; expected float between",
        ),
        (("top_wards: 5", "top_wards: five"), r"thresholds.top_wards: 'five' is not a valid value"),
        (
            ("top_wards: 5", "top_ward: 5"),
            r"unknown setting 'top_ward' \(did you mean 'top_wards'\?\)",
        ),
        (("area: x", "area: ../../x"), r"area '../../x' must be the file's own name"),
        (("area: x", "area: sample"), r"area 'sample' must be the file's own name, 'x'"),
        (
            ("    until: 2023-04", "    untill: 2023-04"),
            r"ward_sets\[0\]: unknown setting 'untill'",
        ),
    ],
)
def test_configuration_mistakes_name_the_file_and_key(tmp_path, edit, message):
    good = load_config("sample").source_file.read_text().replace("area: sample", "area: x")
    assert edit[0] in good
    (tmp_path / "x.yaml").write_text(good.replace(edit[0], edit[1], 1))
    with pytest.raises(ConfigError, match=message):
        load_config("x", config_dir=tmp_path)


def test_section_settings_are_checked_before_any_work(tmp_path):
    from analysis.run import check_sections

    good = load_config("sample").source_file.read_text().replace("area: sample", "area: x")
    (tmp_path / "x.yaml").write_text(good.replace("  rag_tolerance: 5", "  rag_tolerence: 5"))
    with pytest.raises(ConfigError, match="x.yaml partners: unknown key"):
        check_sections(load_config("x", config_dir=tmp_path))
    (tmp_path / "x.yaml").write_text(good.replace("  min_base: 50", "  min_base: -3"))
    with pytest.raises(ConfigError, match="x.yaml survey.min_base"):
        check_sections(load_config("x", config_dir=tmp_path))
