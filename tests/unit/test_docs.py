"""The reference pages made from the code (docs/rules.md from the rule registry, docs/fields.md
from the models) are the ones committed: regenerate with `python scripts/gen_docs.py`."""

from __future__ import annotations

import runpy

import pytest

from ..conftest import ROOT

GENERATOR = runpy.run_path(str(ROOT / "scripts" / "gen_docs.py"))


@pytest.mark.parametrize("name", sorted(GENERATOR["PAGES"]))
def test_generated_docs_are_up_to_date(name: str):
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == GENERATOR["PAGES"][name](), (
        f"docs/{name} is out of date: run python scripts/gen_docs.py"
    )


def test_every_rule_and_every_kind_is_documented():
    from dtscli.checks import all_rules
    from dtscli.data.kinds import NAMES

    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    fields = (ROOT / "docs" / "fields.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in rules for name in all_rules())
    assert all(f"\n## {name}\n" in fields for name in NAMES)
