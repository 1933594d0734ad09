"""`dts fmt`: canonical style, comments kept, idempotent, atomic, and safe on bad files."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from ruamel.yaml import YAML

from dtscli.base.loader import discover
from dtscli.commands.fmt import format_text
from dtscli.data.canonical import key_order
from dtscli.data.models import Scheme

SCRAMBLED = """\
# yaml-language-server: $schema=../../../schemas/scheme.schema.json
notes: >-
  Une note assez longue pour être pliée par la personne qui l'a écrite, et qui doit garder
  ses retours à la ligne exactement où ils sont.
sources:
- as_of: 2024-01-01   # date of the slides
  document: doc-test
status: active
end_on: ~
name: Conseil local de santé mentale de Nice  # nom officiel

# where it works
territory: commune:06088
type: CLSM
id: clsm-nice
# a comment at the end of the file
"""

EXPECTED = """\
# yaml-language-server: $schema=../../../schemas/scheme.schema.json
id: clsm-nice
type: CLSM
name: Conseil local de santé mentale de Nice  # nom officiel

# where it works
territory: commune:06088
status: active
end_on: null
sources:
  - document: doc-test
    as_of: 2024-01-01 # date of the slides
notes: >-
  Une note assez longue pour être pliée par la personne qui l'a écrite, et qui doit garder
  ses retours à la ligne exactement où ils sont.
# a comment at the end of the file
"""


def comments(text: str) -> list[str]:
    """The comments of a YAML text (not `#` inside quoted or block text: none in these files)."""
    return sorted(m.group(0).strip() for m in re.finditer(r"(?:^|\s)#.*", text, re.MULTILINE))


def temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*.tmp")]


# ---------------------------------------------------------------- the shipped files


def test_every_shipped_file_round_trips_idempotently(invoke, shipped_copy):
    files = [p for p, kind in discover(shipped_copy) if kind != "unexpected"]
    before = {p: p.read_text(encoding="utf-8") for p in files}
    yaml = YAML(typ="safe", pure=True)

    first = invoke("fmt", data=shipped_copy)
    assert first.exit_code == 0, first.output
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert comments(text) == comments(before[path]), f"{path.name} lost a comment"
        assert yaml.load(text) == yaml.load(before[path]), f"{path.name} changed meaning"
        assert format_text(text, dict(discover(shipped_copy))[path]) == text

    stamps = {p: p.stat().st_mtime_ns for p in files}
    second = invoke("fmt", data=shipped_copy)
    assert second.exit_code == 0
    assert "0 files reformatted" in second.output
    assert {p: p.stat().st_mtime_ns for p in files} == stamps  # nothing rewritten
    assert invoke("fmt", "--check", data=shipped_copy).exit_code == 0
    assert temporary_files(shipped_copy) == []


def test_folded_text_keeps_its_line_breaks(shipped_copy):
    path = shipped_copy / "schemes" / "clsm" / "clsm-nice.yaml"
    text = path.read_text(encoding="utf-8")
    assert "notes: >-\n  L'état des lieux" in text
    assert format_text(text, "scheme") == text


# ---------------------------------------------------------------- the style


def test_keys_go_in_canonical_order_with_comments_and_groups_kept():
    result = format_text(SCRAMBLED, "scheme")
    assert result == EXPECTED
    assert comments(result) == comments(SCRAMBLED)
    assert format_text(result, "scheme") == result


def test_the_key_order_is_the_models_with_sources_and_notes_last():
    assert key_order(Scheme)[:5] == ("id", "type", "name", "territory", "status")
    assert key_order(Scheme)[-2:] == ("sources", "notes")


def test_nested_records_are_ordered_too():
    text = textwrap.dedent(
        """\
        id: loi-test
        kind: loi
        title: Titre
        requires:
          - rule: cls-mental-health-axis
            summary: Un volet santé mentale.
            scheme_type: CLS
        description: Texte.
        sources:
          - locator: art. 1
            as_of: 2024-01-01
            document: doc-test
        """
    )
    result = format_text(text, "legal")
    assert "  - scheme_type: CLS\n    summary: Un volet santé mentale.\n    rule: cls-" in result
    assert "  - document: doc-test\n    as_of: 2024-01-01\n    locator: art. 1\n" in result


def test_unquoted_codes_get_their_zero_back_and_quotes():
    text = textwrap.dedent(
        """\
        id: pays-test
        name: Pays de test
        kind: pays
        communes:
          - 06088  # Nice
          - "2A004"
          - '13056'
        epci: [200030195]
        sources:
          - document: doc-test
            as_of: 2024-01-01
        """
    )
    result = format_text(text, "local-territory")
    assert "  - '06088'  # Nice\n  - '2A004'\n  - '13056'\n" in result
    assert "epci: ['200030195']\n" in result
    assert YAML(typ="safe", pure=True).load(result)["communes"] == ["06088", "2A004", "13056"]


def test_indentation_dates_and_nulls_become_canonical():
    text = "id: clsm-x\nsources:\n- document: doc-test\n  as_of: 2024-01-01\nend_on: ~\n"
    result = format_text(text, "scheme")
    assert result == (
        "id: clsm-x\nend_on: null\nsources:\n  - document: doc-test\n    as_of: 2024-01-01\n"
    )


def test_an_impossible_date_is_left_for_dts_check():
    text = "id: clsm-x\nsigned_on: 2023-02-30\n"
    assert format_text(text, "scheme") == text


def test_long_lines_are_not_rewrapped():
    long = "mot " * 80
    text = f"id: doc-x\nkind: rapport\ntitle: {long.strip()}\n"
    assert format_text(text, "document") == text


def test_a_document_start_marker_is_kept():
    text = "---\nid: doc-x\nkind: rapport\ntitle: Titre\n"
    assert format_text(text, "document") == text


# ---------------------------------------------------------------- the command


def test_check_lists_the_files_and_changes_nothing(invoke, mini):
    path = mini.write("schemes/clsm/clsm-nice.yaml", SCRAMBLED)
    clean = mini.root / "documents" / "doc-test.yaml"
    before = path.read_bytes()
    stamp = path.stat().st_mtime_ns
    result = invoke("fmt", "--check", data=mini.root)
    assert result.exit_code == 1
    assert "would reformat" in result.stdout and "clsm-nice.yaml" in result.stdout
    assert "doc-test.yaml" not in result.stdout
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    assert clean.exists()


def test_diff_prints_a_unified_diff_and_changes_nothing(invoke, mini):
    path = mini.write("schemes/clsm/clsm-nice.yaml", SCRAMBLED)
    result = invoke("fmt", "--diff", data=mini.root)
    assert result.exit_code == 0
    assert "--- a/" in result.stdout and "+++ b/" in result.stdout
    assert "+end_on: null" in result.stdout
    assert path.read_text(encoding="utf-8") == SCRAMBLED


def test_writes_atomically_and_leaves_unchanged_files_alone(invoke, mini):
    path = mini.write("schemes/clsm/clsm-nice.yaml", SCRAMBLED)
    clean = mini.root / "documents" / "doc-test.yaml"
    os.utime(clean, ns=(1_000_000_000, 1_000_000_000))
    result = invoke("fmt", data=mini.root)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == EXPECTED
    assert clean.stat().st_mtime_ns == 1_000_000_000
    assert temporary_files(mini.root) == []
    assert "1 file reformatted" in result.output


def test_a_file_that_does_not_parse_is_reported_and_left_alone(invoke, mini):
    broken = mini.write("schemes/clsm/clsm-broken.yaml", "id: clsm-broken\nname: a: b\n")
    other = mini.write("schemes/clsm/clsm-nice.yaml", SCRAMBLED)
    before = broken.read_bytes()
    result = invoke("fmt", data=mini.root)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "clsm-broken.yaml" in line]
    assert len(lines) == 1
    assert re.search(r"clsm-broken\.yaml:2: YAML syntax error", lines[0])
    assert "Traceback" not in result.output
    assert broken.read_bytes() == before
    assert other.read_text(encoding="utf-8") == EXPECTED  # the others are still formatted


def test_files_and_folders_can_be_named_and_the_referential_is_skipped(invoke, mini):
    path = mini.write("schemes/clsm/clsm-nice.yaml", SCRAMBLED)
    result = invoke("fmt", "--check", str(mini.root / "territories"), data=mini.root)
    assert result.exit_code == 0
    assert "communes.yaml" not in result.output
    result = invoke("fmt", "--check", str(path), data=mini.root)
    assert result.exit_code == 1
    result = invoke("fmt", str(mini.root / "nowhere.yaml"), data=mini.root)
    assert result.exit_code == 2
    assert "no such file" in result.output
