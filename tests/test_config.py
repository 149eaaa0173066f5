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
        good.replace("type: calendar_year, year: 2024", "type: calendar_year, year: soon")
    )
    with pytest.raises(ConfigError, match=r"bad.yaml periods\[\d\]: .*whole number"):
        load_config("bad", config_dir=tmp_path)
    (tmp_path / "lad.yaml").write_text(good.replace("[E06900001]", "[Medway]"))
    with pytest.raises(ConfigError, match="'Medway' is not an ONS LAD code"):
        load_config("lad", config_dir=tmp_path)


def test_ward_set_chosen_by_period_end(tiny):
    from analysis.periods import Period

    assert tiny.ward_set_for(Period("calendar_year", "2023-01", "2023-12")).name == "New wards"
    assert tiny.ward_set_for(Period("financial_year", "2022-04", "2023-03")).name == "Old wards"
