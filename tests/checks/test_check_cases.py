"""dts check, every family of rules: the cases in tests/check_cases/<family>/ (see
check_harness.py). Adding a case is adding a file and its `.expected`, not code."""

import pytest

from .check_harness import CASES, Case, assert_case, cases, families

ALL = [case for family in families() for case in cases(family)]


@pytest.mark.parametrize("family", families())
def test_family_has_passing_and_failing_cases(family: str):
    outcomes = {case.outcome for case in cases(family)}
    assert "valid" in outcomes and outcomes & {"invalid", "valid_with_warnings"}, family


def test_every_family_folder_is_a_family_of_rules():
    from dtscli.checks import all_rules

    rule_families = {rule.family for rule in all_rules().values()}
    assert set(families()) <= rule_families, f"{CASES}: folders {families()}"


@pytest.mark.parametrize("case", ALL, ids=lambda case: f"{case.family}/{case.name}")
def test_case(case: Case, tmp_path):
    assert_case(case, tmp_path)
