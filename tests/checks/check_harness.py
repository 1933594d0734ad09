"""Data-driven tests of `dts check`, in the manner of publiccode-parser-go.

A case is one record file under tests/check_cases/<family>/<outcome>/<data path>, where
<outcome> is `valid`, `invalid` or `valid_with_warnings` and <data path> is where the file
goes in a knowledge base (e.g. schemes/cls/cls-x.yaml). Beside it, `<name>.expected` lists
the findings the file must produce, one per line: `line:column severity rule`. A case runs
against the shipped base (so its references resolve) with only the case file reported.
Adding a case is adding two files, not code.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

from dtscli.base.kb import KnowledgeBase
from dtscli.base.loader import classify
from dtscli.checks.runner import run_checks

CASES = Path(__file__).resolve().parent.parent / "check_cases"
SHIPPED = Path(__file__).resolve().parent.parent.parent / "data"
TODAY = dt.date(2026, 11, 24)
OUTCOMES = ("valid", "invalid", "valid_with_warnings")


@dataclass(frozen=True)
class Case:
    family: str
    outcome: str
    file: Path
    data_path: Path

    @property
    def name(self) -> str:
        return f"{self.outcome}/{self.data_path.as_posix()}"

    def expected(self) -> list[str]:
        path = self.file.with_suffix(".expected")
        if not path.exists():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip()]


def families() -> list[str]:
    """The families that have cases: the folders of check_cases/."""
    return sorted(folder.name for folder in CASES.iterdir() if folder.is_dir())


def cases(family: str) -> list[Case]:
    found = []
    for outcome in OUTCOMES:
        root = CASES / family / outcome
        for file in sorted(root.rglob("*")):
            if file.is_file() and file.suffix != ".expected":
                found.append(Case(family, outcome, file, file.relative_to(root)))
    return found


@functools.cache
def shipped_base() -> KnowledgeBase:
    """The shipped base, loaded once; each case works on a copy of it."""
    return KnowledgeBase.load(SHIPPED)


def run_case(case: Case, tmp_path: Path) -> list[str]:
    """Add the case file to a copy of the shipped base and check it alone.

    The file sits in a scratch data folder so that its folder (schemes/cls/...) is the
    one the case names; `base` makes its path relative to that scratch folder.
    """
    target = tmp_path / "data" / case.data_path
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(case.file, target)
    kb = shipped_base().copy()
    kb.base = tmp_path
    kind = classify(case.data_path)
    if kind is not None:
        kb.add_file(target, kind)
    report = run_checks(kb, today=TODAY, only={target.resolve()})
    return [f"{f.line}:{f.column} {f.severity.value} {f.rule}" for f in report.findings]


def assert_case(case: Case, tmp_path: Path) -> None:
    got = run_case(case, tmp_path)
    expected = case.expected()
    assert got == expected, f"{case.name}: expected {expected}, got {got}"
    severities = {line.split()[1] for line in got}
    if case.outcome == "valid":
        assert not got, f"{case.name} must be clean"
    elif case.outcome == "valid_with_warnings":
        assert got and "error" not in severities, f"{case.name}: warnings only"
    else:
        assert "error" in severities, f"{case.name}: at least one error"
