"""Reading police.uk files: the quirks real files have, and clear errors for broken ones."""

import gzip

import pytest

from analysis.errors import InputDataError
from analysis.sources.police_uk import StreetFile, discover, read_street_file
from conftest import HEADER, street_row


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return StreetFile(path=path, month=name[:7], force="testforce")


GOOD = [
    street_row(1, "2025-01", "E01000001", "Burglary"),
    street_row(2, "2025-01", "", "Drugs"),
    street_row(3, "2025-01", "E01000002", "Anti-social behaviour"),
]


def test_reads_needed_columns_with_line_numbers(tmp_path):
    sf = write(tmp_path, "2025-01-testforce-street.csv", "\n".join([HEADER, *GOOD]) + "\n")
    t = read_street_file(sf).to_pandas()
    assert (
        t["lsoa_code"].tolist()[::2] == ["E01000001", "E01000002"] and t["lsoa_code"].isna().iloc[1]
    )
    assert list(t["source_row"]) == [2, 3, 4]
    assert t["crime_id"].isna().iloc[2]  # ASB has no Crime ID
    assert t["longitude"].iloc[0] == 0.5 and t["longitude"].isna().iloc[1]
    assert set(t["source_file"]) == {"2025-01-testforce-street.csv"}


def test_bom_crlf_padded_header_and_gzip_are_accepted(tmp_path):
    padded = ",".join(f" {h} " for h in HEADER.split(","))
    text = "\ufeff" + "\r\n".join([padded, *GOOD]) + "\r\n"
    sf = StreetFile(tmp_path / "2025-01-testforce-street.csv.gz", "2025-01", "testforce")
    sf.path.write_bytes(gzip.compress(text.encode("utf-8")))
    t = read_street_file(sf).to_pandas()
    assert (
        len(t) == 3
        and t["crime_type"].iloc[0] == "Burglary"
        and t["lsoa_code"].iloc[2] == "E01000002"
    )


def test_latin1_file_is_read(tmp_path):
    row = street_row(1, "2025-01", "E01000001", "Burglary").replace("High Street", "Caf\u00e9 Row")
    sf = write(
        tmp_path,
        "2025-01-testforce-street.csv",
        "\n".join([HEADER, row]) + "\n",
        encoding="latin-1",
    )
    assert len(read_street_file(sf)) == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        (HEADER + "\n", "header but no data rows"),
        (
            HEADER.replace("Crime type", "Offence") + "\n" + GOOD[0],
            r"column\(s\) 'Crime type' missing",
        ),
        (HEADER + "\n" + GOOD[0] + "\n" + GOOD[1][:30], r"malformed line.*line 3 has"),
        (
            HEADER + "\n" + GOOD[0].replace("0.5,51.4", "east,51.4"),
            r"'Longitude' must be a number.*'east' at line 2",
        ),
        (
            HEADER + "\n" + GOOD[0] + "\n" + GOOD[2].replace("2025-01", "2025-02"),
            r"should be 2025-01.*'2025-02' at line 3",
        ),
    ],
    ids=["empty", "header-only", "missing-column", "truncated", "bad-longitude", "wrong-month"],
)
def test_broken_files_name_file_line_and_column(tmp_path, text, message):
    sf = write(tmp_path, "2025-01-testforce-street.csv", text)
    with pytest.raises(InputDataError, match=message) as err:
        read_street_file(sf)
    assert "2025-01-testforce-street.csv" in str(err.value)


def test_discover_both_layouts_and_refuses_duplicates(tmp_path):
    (tmp_path / "2025-01").mkdir()
    (tmp_path / "2025-01" / "2025-01-testforce-street.csv").write_text(HEADER)
    (tmp_path / "2025-02-testforce-street.csv").write_text(HEADER)
    (tmp_path / "2025-02-otherforce-street.csv").write_text(HEADER)
    (tmp_path / "2025-02-testforce-outcomes.csv").write_text(HEADER)
    found = discover([tmp_path], ("testforce",))
    assert [(f.month, f.force) for f in found] == [
        ("2025-01", "testforce"),
        ("2025-02", "testforce"),
    ]
    (tmp_path / "2025-02-testforce-street.csv.gz").write_bytes(gzip.compress(HEADER.encode()))
    with pytest.raises(InputDataError, match="two files for testforce 2025-02"):
        discover([tmp_path], ("testforce",))
    with pytest.raises(InputDataError, match="no police.uk street files for force"):
        discover([tmp_path], ("nowhere",))
