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
from dtscli.data.findings import Finding, Severity
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _
from dtscli.util.progress import track

if TYPE_CHECKING:
    from dtscli.base.kb import KnowledgeBase

SUPPRESS_RE = re.compile(r"#\s*dts:\s*disable=([a-z0-9,\s-]+)")
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
            return _parse_config(document, str(path))
    return CheckConfig()


def _parse_config(document: dict[str, Any], source: str) -> CheckConfig:
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
    for name, setting in (document.get("rules") or {}).items():
        if name not in rules:
            from dtscli.base.loader import did_you_mean

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
            if level not in LEVELS:
                raise DtsError(
                    _("{path}: rule {name!r}: level must be one of {levels}").format(
                        path=source, name=name, levels=", ".join(sorted(LEVELS))
                    )
                )
            config.severities[name] = level
        allowed = {option for option, _ in rules[name].options}
        for option in setting:
            if option not in allowed:
                raise DtsError(
                    _("{path}: rule {name!r} has no option {option!r}").format(
                        path=source, name=name, option=option
                    )
                )
        if setting:
            config.options[name] = setting
    return config


# ------------------------------------------------------------------ selection of files


def changed_files(repo: Path, ref: str | None) -> tuple[set[Path], bool]:
    """Files git says changed since `ref` (committed, staged, unstaged, untracked), and
    whether any was deleted or renamed away. `ref` None: the changes staged for the next
    commit, against HEAD (every staged file before the first commit) — what a pre-commit
    hook checks."""
    against = ["--cached"] if ref is None else [ref]

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
    for rule in track(list(all_rules().values()), "Règles de vérification"):
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


def drop_suppressed(findings: list[Finding], base: Path) -> list[Finding]:
    """Drop findings whose line carries `# dts: disable=rule[,rule]`."""
    lines_of: dict[str, list[str]] = {}
    kept = []
    for item in findings:
        if item.line <= 0:
            kept.append(item)
            continue
        if item.path not in lines_of:
            try:
                text = (base / item.path).read_text(encoding="utf-8")
                lines_of[item.path] = text.splitlines() if "dts:" in text else []
            except (OSError, UnicodeDecodeError):
                lines_of[item.path] = []
        lines = lines_of[item.path]
        if 0 < item.line <= len(lines):
            match = SUPPRESS_RE.search(lines[item.line - 1])
            if match and item.rule in {r.strip() for r in match.group(1).split(",")}:
                continue
        kept.append(item)
    return kept
