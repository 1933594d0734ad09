from pathlib import Path

import pytest

from dtscli.base.yamlfile import parse_file
from dtscli.data.findings import Severity

from ..conftest import SHIPPED


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "record.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_positions_of_keys_and_items(tmp_path):
    parsed = parse_file(
        write(tmp_path, "id: x\nsources:\n  - document: d\n    as_of: 2021-01-01\nnotes: n\n")
    )
    assert parsed.findings == []
    assert parsed.positions[("id",)] == (1, 1)
    assert parsed.positions[("sources",)] == (2, 1)
    assert parsed.positions[("sources", 0)] == (3, 5)
    assert parsed.positions[("sources", 0, "as_of")] == (4, 5)
    assert parsed.position(("sources", 0, "missing")) == (3, 5)  # nearest ancestor


def test_unquoted_codes_are_restored_with_a_warning(tmp_path):
    parsed = parse_file(write(tmp_path, "communes:\n  - 06088\n  - '13056'\ndept: 06\n"))
    assert parsed.data == {"communes": ["06088", "13056"], "dept": "06"}
    warnings = [f for f in parsed.findings if f.rule == "unquoted-code"]
    assert [(f.line, f.severity) for f in warnings] == [
        (2, Severity.warning),
        (4, Severity.warning),
    ]
    assert "'06088'" in warnings[0].hint


def test_syntax_error_has_a_line(tmp_path):
    parsed = parse_file(write(tmp_path, "id: x\nname: a: b\n"))
    assert parsed.data is None
    (finding,) = parsed.findings
    assert finding.rule == "yaml-syntax" and finding.line == 2


def test_duplicate_key(tmp_path):
    parsed = parse_file(write(tmp_path, "id: x\nstatus: active\nstatus: expired\n"))
    (finding,) = parsed.findings
    assert finding.rule == "yaml-duplicate-key" and finding.line == 3
    assert "status" in finding.message


def test_tabs_not_utf8_and_aliases(tmp_path):
    tabs = parse_file(write(tmp_path, "id: x\nsources:\n\t- document: d\n"))
    assert [(f.rule, f.line) for f in tabs.findings] == [("yaml-tabs", 3)]
    latin1 = parse_file(write(tmp_path, "id: x\nname: Agglom\xe9ration\n".encode("latin-1")))
    assert [(f.rule, f.line) for f in latin1.findings] == [("yaml-encoding", 2)]
    alias = parse_file(write(tmp_path, "a: &x [1, 2]\nb: *x\n"))
    assert [f.rule for f in alias.findings] == ["yaml-anchors"]
    assert alias.data is None


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 12):
        ref = ",".join([f"*{chr(96 + index)}"] * 9)
        lines.append(f"{chr(97 + index)}: &{chr(97 + index)} [{ref}]")
    parsed = parse_file(write(tmp_path, "\n".join(lines) + "\n"))
    assert parsed.data is None
    assert parsed.findings[0].rule == "yaml-anchors"


def test_oversized_file_is_refused_unread(tmp_path, monkeypatch):
    from dtscli.base import yamlfile

    monkeypatch.setattr(yamlfile, "MAX_FILE_BYTES", 100)
    parsed = parse_file(write(tmp_path, "id: x\nnotes: " + "a" * 200 + "\n"))
    assert parsed.data is None
    assert [(f.rule, f.line) for f in parsed.findings] == [("yaml-file-size", 1)]


# ------------------------------------------------- top-level keys read off the lines


def _compare_top_level_positions(path: Path) -> bool:
    """True when the quick reading answered for every top-level key (and agreed)."""
    from dtscli.base.yamlfile import _positions_of, _top_level_position

    composed = _positions_of(path, str(path))
    keys = [key for key in composed if len(key) == 1]
    answered = True
    for key in keys:
        quick = _top_level_position(path, key)
        if quick is None:
            answered = False
        else:
            assert quick == composed[key], (path, key)
    return answered


def test_top_level_positions_agree_with_the_parser_on_the_shipped_base():
    files = sorted(SHIPPED.rglob("*.yaml"))
    files = [f for f in files if f.stat().st_size < 200_000]
    answered = [_compare_top_level_positions(f) for f in files]
    assert len(answered) > 200
    assert sum(answered) > 0.9 * len(answered)  # the canonical style is read off the lines


@pytest.mark.parametrize(
    "text",
    [
        'id: x\nnotes: "one\nstatus: two"\nstatus: active\n',  # a quoted value over lines
        "id: x\nthemes: [a,\nb]\nstatus: active\n",  # a flow sequence over lines
        "id: x\nstatus: a\nstatus: b\n",  # twice
        '"status": active\n',  # a quoted key
        "- status: active\n",  # not a mapping
    ],
)
def test_top_level_positions_doubt_means_the_parser(tmp_path, text):
    from dtscli.base.yamlfile import _top_level_position

    path = tmp_path / "record.yaml"
    path.write_text(text)
    assert _top_level_position(path, ("status",)) is None


def test_top_level_position_of_a_plain_file(tmp_path):
    from dtscli.base.yamlfile import _top_level_position

    path = tmp_path / "record.yaml"
    path.write_text("# a comment\n---\nid: x\nnotes: |\n  status: no\nstatus: active  # yes\n")
    assert _top_level_position(path, ("status",)) == (6, 1)
    assert _top_level_position(path, ()) == (1, 1)
