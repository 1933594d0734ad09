"""Rule declarations and the registry that `dts check` and `dts rules` read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from dtscli.data.findings import Finding, Severity

if TYPE_CHECKING:
    from dtscli.base.loader import LoadedRecord
    from dtscli.base.referential import Territory


class IncompleteScope(Exception):
    """A rule needs a fact the scope does not hold: check the whole base instead."""


class Scope(Protocol):
    """What a rule reads: the records it reports on (`checked`) and the facts of the whole
    base it checks them against. A KnowledgeBase checks every record; a saved check
    (recheck.py) checks only the files changed since, against the facts it kept.

    A rule reports only on the records of `checked`; a `base` rule (Rule.base) reports on
    the base as a whole and runs only when the whole base is checked."""

    data_dir: Path
    unreadable: set[str]  # file stems of records that did not validate

    def checked(self, kind: str | None = None) -> list[LoadedRecord]: ...
    def context(self, kind: str) -> list[LoadedRecord]: ...
    def find(self, kind: str, record_id: str | None) -> LoadedRecord | None: ...
    def has_id(self, kind: str, record_id: str) -> bool: ...
    def ids(self, kind: str) -> list[str]: ...
    def owners(self, record_id: str) -> list[str]: ...
    def territory(self, ref: str) -> Territory | None: ...
    def clsm_coverage(self) -> frozenset[str]: ...
    def display(self, path: Path) -> str: ...


@dataclass
class Context:
    """What a rule may need besides the knowledge base: today's date and rule options."""

    today: dt.date
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def option(self, rule: str, name: str, default: Any) -> Any:
        return self.options.get(rule, {}).get(name, default)


CheckFunction = Callable[[Scope, Context], Iterator[Finding]]


class Rule(NamedTuple):
    """A rule: stable kebab-case name, default severity, one-line rationale, legal source."""

    name: str
    family: str
    severity: Severity
    rationale: str
    legal: str | None = None
    check: CheckFunction | None = None  # None: applied by the loader
    options: tuple[tuple[str, Any], ...] = ()
    base: bool = False  # reports on the base as a whole, not on the checked records


RULES: dict[str, Rule] = {}


def declare(
    name: str,
    family: str,
    severity: Severity,
    rationale: str,
    legal: str | None = None,
    options: tuple[tuple[str, Any], ...] = (),
    base: bool = False,
) -> Callable[[CheckFunction | None], CheckFunction | None]:
    """Register a rule; used as a decorator on its check function, or called for loader rules."""

    def register(function: CheckFunction | None) -> CheckFunction | None:
        if name in RULES:
            raise ValueError(f"rule {name} declared twice")
        RULES[name] = Rule(name, family, severity, rationale, legal, function, options, base)
        return function

    return register


def declare_loader_rule(name: str, family: str, severity: Severity, rationale: str) -> None:
    """Register a rule whose findings the loader produces while reading files."""
    declare(name, family, severity, rationale)(None)


def finding(
    rule: str,
    loaded: LoadedRecord,
    message: str,
    *key_path: str | int,
    hint: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding at a key of a loaded record, with the rule's default severity."""
    line, column = loaded.position(*key_path)
    return Finding(
        loaded.path,
        line,
        column,
        rule,
        severity or RULES[rule].severity,
        message,
        hint,
        loaded.id,
    )


def all_rules() -> dict[str, Rule]:
    """Every rule, importing the family modules on first use."""
    from dtscli.checks import (  # noqa: F401  (imported for their declarations)
        consistency,
        contacts,
        dates,
        identity,
        law,
        loading,
        provenance,
        references,
        scale,
    )

    return RULES
