"""The Indices of Deprivation in both published layouts, and clear errors."""

from __future__ import annotations

import pytest

from analysis.errors import InputDataError
from analysis.sources.deprivation import read_deprivation
from conftest import SHARED_DATA, needs_shared_data


def test_iod2019_layout_has_deciles_and_no_population(tmp_path):
    path = tmp_path / "iod19.csv"
    path.write_text("lsoa11_code,IMD_decile,Income_decile\nE01000001,9.0,10.0\nE01000002,1.0,2.0\n")
    df = read_deprivation(path)
    assert df["imd_decile"].tolist() == [9, 1] and df["population"].isna().all()


def test_iod2025_layout_with_population(tmp_path):
    path = tmp_path / "iod25.csv"
    path.write_text(
        "LSOA code (2021),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% "
        'of LSOAs),Total population: mid 2022\r\nE01016016,2,"1,497"\r\n'
    )
    df = read_deprivation(path)
    assert df.to_dict("records") == [
        {"lsoa_code": "E01016016", "imd_decile": 2, "population": 1497.0}
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lsoa11_code,IMD_decile\nE01000001,11\n", "row 2, column 'IMD_decile': IMD decile '11'"),
        ("lsoa11_code,IMD_decile\nE01000001,3\nE01000001,4\n", "row 3, column 'lsoa11_code'"),
        ("code,decile\nE01000001,3\n", "needs an LSOA code column and an IMD decile column"),
    ],
)
def test_bad_files_name_row_and_column(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_deprivation(path)


@needs_shared_data()
def test_real_medway_file():
    df = read_deprivation(SHARED_DATA / "deprivation" / "IoD2025_LSOA21_Medway.csv")
    assert len(df) == 169 and df["population"].notna().all()
    assert df["imd_decile"].between(1, 10).all()
