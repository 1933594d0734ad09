"""Run the rules over a loaded knowledge base and shape the result: configuration
(severities, disabled rules, ignored paths), per-line suppression, and path filtering."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dtscli.checks.registry import Context, IncompleteScope, Scope, all_rules
from dtscli.checks.suppression import drop_suppressed
from dtscli.data.findings import Finding, Severity
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _
from dtscli.util.progress import track

if TYPE_CHECKING:
    from dtscli.base.kb import KnowledgeBase

LEVELS = {"error", "warning", "info", "off"}
REFERENCE_FAMILY = "references"


@dataclass
class CheckConfig:
    """What `dts.toml` or `[tool.dts]` in pyproject.toml says."""

    severities: dict[str, str] = field(default_factory=dict)  # rule -> error|warning|info|off
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    source: str | None = None


@dataclass
class Report:
    findings: list[Finding]
    files_checked: int
    data_dir: str
    reread: int | None = None  # files re-read by a check from the saved state; None: all

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def exit_code(self, strict: bool = False) -> int:
        if any(f.rule == "internal-error" for f in self.findings):
            return 2
        if self.count(Severity.error) or (strict and self.count(Severity.warning)):
            return 1
        return 0


def repository_root(start: Path) -> Path | None:
    """The folder holding `.git` at or above `start`, without running git."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


# ------------------------------------------------------------------ configuration


def load_config(data_dir: Path) -> CheckConfig:
    """`dts.toml` in the data folder or its parent, else `[tool.dts]` of a pyproject.toml."""
    for folder in (data_dir, data_dir.resolve().parent):
        candidates = [(folder / "dts.toml", None), (folder / "pyproject.toml", ("tool", "dts"))]
        for path, section in candidates:
            if not path.is_file():
                continue
            import tomllib

            try:
                text = path.read_text(encoding="utf-8")
                if section is not None and "dts" not in text:
                    continue  # no section of ours: no need to parse it
                document = tomllib.loads(text)
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                raise DtsError(
                    _("{path}: invalid TOML: {problem}").format(path=path, problem=error)
                ) from error
            if section is not None:
                for key in section:
                    document = document.get(key, {})
                if not document:
                    continue
            return _parse_config(document, str(path), text)
    return CheckConfig()


def _line_of(text: str, key: str) -> int:
    """The line of `text` where `key` is set (`key = ...` or a `[...key]` table), else 1."""
    pattern = re.compile(
        rf"^\s*(?:\[[^\]]*\b{re.escape(key)}\b[^\]]*\]|[\"']?{re.escape(key)}[\"']?\s*=)"
    )
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    inline = re.compile(rf"[{{,]\s*[\"']?{re.escape(key)}[\"']?\s*=")  # { key = ... }
    for number, line in enumerate(lines, start=1):
        if inline.search(line):
            return number
    return 1


def _check_option(source: str, text: str, rule: str, option: str, value: Any, default: Any) -> None:
    """An option's value has the type of its default (a number of months is a whole number)."""
    expected = type(default)
    same = isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        same = True
    if not same:
        raise DtsError(
            _(
                "{path}:{line}: rule {name!r}: option {option!r} must be {kind} such as {default}, "
                "not {value!r}"
            ).format(
                path=source,
                line=_line_of(text, option),
                name=rule,
                option=option,
                kind=_("a whole number") if expected is int else _("a value"),
                default=default,
                value=value,
            )
        )


def _parse_config(document: dict[str, Any], source: str, text: str = "") -> CheckConfig:
    rules = all_rules()
    config = CheckConfig(source=source)
    unknown = set(document) - {"rules", "ignore"}
    if unknown:
        raise DtsError(
            _("{path}: unknown setting {name!r}; use `rules` or `ignore`").format(
                path=source, name=sorted(unknown)[0]
            )
        )
    ignore = document.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(p, str) for p in ignore):
        raise DtsError(_("{path}: `ignore` must be a list of path patterns").format(path=source))
    config.ignore = ignore
    table = document.get("rules") or {}
    if not isinstance(table, dict):
        raise DtsError(
            _(
                "{path}:{line}: `rules` must be a table of rule names, such as "
                '[rules] contact-stale = "off"'
            ).format(path=source, line=_line_of(text, "rules"))
        )
    for name, setting in table.items():
        if name not in rules:
            from dtscli.util.suggest import did_you_mean

            guess = did_you_mean(name, list(rules))
            hint = _(" (did you mean {guess!r}?)").format(guess=guess) if guess else ""
            raise DtsError(
                _("{path}: unknown rule {name!r}{hint}; `dts rules` lists them").format(
                    path=source, name=name, hint=hint
                )
            )
        if isinstance(setting, str):
            setting = {"level": setting}
        if not isinstance(setting, dict):
            raise DtsError(
                _("{path}: rule {name!r}: give a level or a table of options").format(
                    path=source, name=name
                )
            )
        setting = dict(setting)
        level = setting.pop("level", None)
        if level is not None:
            if not isinstance(level, str) or level not in LEVELS:
                raise DtsError(
                    _("{path}: rule {name!r}: level must be one of {levels}").format(
                        path=source, name=name, levels=", ".join(sorted(LEVELS))
                    )
                )
            config.severities[name] = level
        allowed = dict(rules[name].options)
        for option, value in setting.items():
            if option not in allowed:
                raise DtsError(
                    _("{path}: rule {name!r} has no option {option!r}").format(
                        path=source, name=name, option=option
                    )
                )
            _check_option(source, text, name, option, value, allowed[option])
        if setting:
            config.options[name] = setting
    return config


# ------------------------------------------------------------------ selection of files


def changed_files(repo: Path, ref: str | None) -> tuple[set[Path], bool]:
    """Files git says changed since `ref` (committed, staged, unstaged, untracked), and
    whether any was deleted or renamed away. `ref` None: the changes staged for the next
    commit, against HEAD (every staged file before the first commit) — what a pre-commit
    hook checks."""
    if ref is not None and (not ref or ref.startswith("-")):
        raise DtsError(
            _(
                "--changed-since {ref!r}: give a git ref such as origin/main or HEAD~1 "
                "(a ref cannot start with '-')"
            ).format(ref=ref)
        )
    # After --end-of-options git reads the ref as a ref, never as an option.
    against = ["--cached"] if ref is None else ["--end-of-options", ref]

    def git(*args: str) -> list[str]:
        try:
            import subprocess

            result = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
            )
        except OSError as error:
            raise DtsError(
                _("--changed-since needs git: {problem}").format(problem=error.strerror)
            ) from error
        if result.returncode != 0:
            message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
            if ref is None:
                raise DtsError(
                    _("git cannot list the staged changes: {problem}").format(problem=message)
                )
            raise DtsError(
                _("git cannot compare with {ref!r}: {problem}").format(ref=ref, problem=message)
            )
        return [line for line in result.stdout.splitlines() if line]

    changed = git("diff", "--name-only", "--diff-filter=ACMRT", *against, "--")
    untracked = git("ls-files", "--others", "--exclude-standard") if ref is not None else []
    deleted = git("diff", "--name-only", "--no-renames", "--diff-filter=D", *against, "--")
    return {(repo / name).resolve() for name in changed + untracked}, bool(deleted)


def select_paths(paths: list[Path]) -> set[Path]:
    selected: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise DtsError(_("{path}: no such file or folder").format(path=path))
        if path.is_dir():
            selected.update(p.resolve() for p in path.rglob("*.y*ml"))
        else:
            selected.add(path.resolve())
    return selected


# ------------------------------------------------------------------ running


def run_checks(
    kb: KnowledgeBase,
    config: CheckConfig | None = None,
    today: dt.date | None = None,
    only: set[Path] | None = None,
    keep_references: bool = False,
) -> Report:
    """Every finding of the loader and the rules, configured, suppressed and filtered.

    `only` limits the report to those files (the whole base is still loaded, so references
    resolve); `keep_references` keeps reference findings everywhere (files were deleted).
    """
    config = config or CheckConfig()
    base = kb.base or Path.cwd()
    found = whole_base_findings(kb, config, today, base)
    return shape(
        found,
        config,
        data_display=kb.display(kb.data_dir),
        files_checked=len(kb.files),
        base=base,
        only=only,
        keep_references=keep_references,
    )


def whole_base_findings(
    kb: KnowledgeBase, config: CheckConfig, today: dt.date | None, base: Path
) -> list[Finding]:
    """Every finding of the loader and the rules on a loaded base, suppressions applied
    (before the configuration and the `only` filter: see shape)."""
    return drop_suppressed(list(kb.findings) + rule_findings(kb, config, today), base)


def rule_findings(
    scope: Scope, config: CheckConfig, today: dt.date | None, whole_base: bool = True
) -> list[Finding]:
    """What the rules find in the checked records of `scope` (and, for the whole base, what
    the base rules find). A rule that crashes becomes an internal-error finding."""
    context = Context(today=today or dt.date.today(), options=config.options)
    found: list[Finding] = []
    for rule in track(list(all_rules().values()), _("Running the rules")):
        if rule.check is None or config.severities.get(rule.name) == "off":
            continue
        if rule.base and not whole_base:
            continue
        try:
            found.extend(rule.check(scope, context))
        except IncompleteScope:
            raise
        except Exception as error:  # a rule must never crash the check
            found.append(
                Finding(
                    scope.display(scope.data_dir),
                    0,
                    0,
                    "internal-error",
                    Severity.error,
                    _("rule {rule} failed: {kind}: {problem}").format(
                        rule=rule.name, kind=type(error).__name__, problem=error
                    ),
                    _("please report this with the data that triggers it"),
                )
            )
    return found


def shape(
    found: list[Finding],
    config: CheckConfig,
    *,
    data_display: str,
    files_checked: int,
    base: Path,
    only: set[Path] | None = None,
    keep_references: bool = False,
) -> Report:
    """Configured severities, ignored paths and the `only` filter, in a stable order."""
    result = found
    if config.severities or config.ignore or only is not None:
        rules = all_rules()
        result = []
        for item in found:
            level = config.severities.get(item.rule)
            if level == "off":
                continue
            if level is not None:
                item = item._replace(severity=Severity(level))
            if _ignored(item.path, data_display, config.ignore):
                continue
            if only is not None:
                in_scope = (base / item.path).resolve() in only
                family = rules[item.rule].family if item.rule in rules else ""
                if not in_scope and not (keep_references and family == REFERENCE_FAMILY):
                    continue
            result.append(item)
    return Report(sorted(result, key=PLACE), files_checked, data_display)


PLACE = itemgetter(0, 1, 2, 3)  # a Finding's path, line, column and rule


def _ignored(path: str, data_display: str, patterns: list[str]) -> bool:
    if not patterns:
        return False
    relative = path
    data_prefix = data_display.rstrip("/") + "/"
    inside = path[len(data_prefix) :] if path.startswith(data_prefix) else path
    import fnmatch

    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(inside, p) for p in patterns)
