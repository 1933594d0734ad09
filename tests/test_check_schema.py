"""dts check, schema rules: the cases in tests/check_cases/schema/."""

import pytest

from .check_harness import Case, assert_case, cases

CASES = cases("schema")


def test_family_has_passing_and_failing_cases():
    outcomes = {case.outcome for case in CASES}
    assert "valid" in outcomes and outcomes & {"invalid", "valid_with_warnings"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case(case: Case, tmp_path):
    assert_case(case, tmp_path)
