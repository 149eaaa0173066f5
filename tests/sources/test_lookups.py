"""Lookups in both LSOA vintages, vintage detection and LSOA-to-ward mapping."""

import pandas as pd

from analysis.sources.lookups import detect_vintage, read_lsoa_lookup, ward_table
from conftest import SHARED_DATA, needs_shared_data


def test_lookup_columns_found_in_either_vintage(tiny):
    old = read_lsoa_lookup(tiny.lsoa_lookups[2011])
    new = read_lsoa_lookup(tiny.lsoa_lookups[2021])  # this one starts with a byte-order mark
    assert list(new.columns) == [
        "lsoa_code",
        "lsoa_name",
        "ward_code",
        "ward_name",
        "lad_code",
        "lad_name",
    ]
    assert new.loc[new.lsoa_code == "E01000003", "ward_name"].item() == "Beta New"
    assert old.loc[old.lsoa_code == "E01000004", "lad_code"].item() == "E06000099"


def test_detect_vintage_by_codes_only_one_lookup_knows(tiny):
    lookups = {v: read_lsoa_lookup(p) for v, p in tiny.lsoa_lookups.items()}
    assert detect_vintage(pd.Index(["E01000004", "E01000001"]), lookups) == 2011
    assert detect_vintage(pd.Index(["E01000003", "E01000001"]), lookups) == 2021
    assert detect_vintage(pd.Index(["E01000001"]), lookups) == 2021  # tie: the newer


def test_ward_table_for_each_ward_set(tiny):
    old = ward_table(tiny.ward_sets[0].lookups, tiny.local_authority_codes)
    assert sorted(old.itertuples(index=False, name=None)) == [
        (2011, "E01000001", "E05000001", "Alpha"),
        (2011, "E01000004", "E05000002", "Beta"),
    ]
    new = ward_table(tiny.ward_sets[1].lookups, tiny.local_authority_codes)
    assert new.groupby("ward_name").size().to_dict() == {"Alpha New": 2, "Beta New": 1}


@needs_shared_data()
def test_medway_lsoas_and_wards_in_both_vintages():
    """Known facts from the ONS files: 163 / 169 LSOAs, 22 wards before May 2023, 24 after."""
    lk = SHARED_DATA / "lookups"
    codes = ("E06000035",)
    old = ward_table(
        {2011: lk / "LSOA11_WD19_LAD19_EW_LU.csv", 2021: lk / "LSOA21_WD22_LAD22_EW_LU.csv"}, codes
    )
    new = ward_table({2021: lk / "LSOA21_WD23_LAD23_EW_LU.csv"}, codes)
    assert (old.lsoa_vintage == 2011).sum() == 163 and (old.lsoa_vintage == 2021).sum() == 169
    assert old.groupby("lsoa_vintage")["ward_code"].nunique().to_dict() == {2011: 22, 2021: 22}
    assert len(new) == 169 and new["ward_code"].nunique() == 24
    # Never by name: every Medway LSOA's name starts "Medway", but the join is by code.
    assert set(
        read_lsoa_lookup(lk / "LSOA21_WD23_LAD23_EW_LU.csv")
        .query("lad_code == 'E06000035'")
        .lsoa_code
    ) == set(new.lsoa_code)


def test_ward_names_repeated_across_authorities_carry_the_authority():
    import pandas as pd

    from analysis.sources.lookups import label_repeated_wards

    wards = pd.DataFrame({
        "lsoa_code": ["A1", "A2", "B1", "B2"], "ward_code": ["W1", "W1", "W2", "W3"],
        "ward_name": ["Watling", "Watling", "Watling", "Town"],
        "lad_code": ["E07000107", "E07000107", "E07000109", "E07000109"],
        "lad_name": ["Dartford", "Dartford", "Gravesham", "Gravesham"],
    })  # fmt: skip
    out = label_repeated_wards(wards)
    assert out["ward_name"].tolist() == ["Watling (Dartford)", "Watling (Dartford)",
                                         "Watling (Gravesham)", "Town"]  # fmt: skip
    single = wards[wards["lad_code"] == "E07000107"]
    assert label_repeated_wards(single)["ward_name"].tolist() == ["Watling", "Watling"]
