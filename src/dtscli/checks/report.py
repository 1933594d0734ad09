"""Reporters for `dts check`: text for people, JSON, GitHub workflow commands, SARIF 2.1.0.

The JSON report is a stable interface (schema: src/dtscli/schemas/check-report.schema.json):
bump REPORT_VERSION on any incompatible change.
"""

from __future__ import annotations

from typing import TextIO

from dtscli import __version__
from dtscli.checks.registry import Rule, all_rules
from dtscli.checks.runner import Report
from dtscli.data.about import DOCUMENTATION, RULES_DOCUMENTATION
from dtscli.data.findings import Finding, Severity
from dtscli.util.i18n import NP_, _, counted, format_number, pgettext

REPORT_VERSION = 1
FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}
GITHUB_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}
SEVERITY_WORDS = (NP_("severity", "error"), NP_("severity", "warning"), NP_("severity", "info"))


def summary_line(report: Report) -> str:
    errors, warnings, infos = (report.count(s) for s in Severity)
    files = len({f.path for f in report.findings})
    files_checked = report.files_checked

    if not report.findings:
        return counted(
            "All clean: {count} file checked.", "All clean: {count} files checked.", files_checked
        )
    return _("{errors}, {warnings}, {infos} in {files} ({checked} checked).").format(
        errors=counted("{count} error", "{count} errors", errors),
        warnings=counted("{count} warning", "{count} warnings", warnings),
        infos=counted("{count} info", "{count} infos", infos),
        files=counted("{count} file", "{count} files", files),
        checked=format_number(files_checked),
    )


def write_text(report: Report, out: TextIO, colour: bool = False) -> None:
    """Grouped by file: `path:line:col  severity  rule  message`, then the hint."""
    style = {Severity.error: "31", Severity.warning: "33", Severity.info: "36"}

    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    words = {s: pgettext("severity", s.value) for s in style}
    width = max(map(len, words.values()))
    label = {s: paint(f"{words[s]:<{width}}", code) for s, code in style.items()}
    hint_words = _("hint: {hint}")  # translated once: thousands of findings may have a hint
    lines: list[str] = []  # one write at the end: a national base has thousands of findings
    add = lines.append
    current = None
    for path, line, column, rule, severity, message, hint, _record in report.findings:
        if path != current:
            if current is not None:
                add("")
            add(paint(path, "1"))
            current = path
        add(f"  {path}:{line}:{column}  {label[severity]}  {rule}  {message}")
        if hint:
            add("      " + hint_words.format(hint=hint))
    if current is not None:
        add("")
    add(summary_line(report))
    out.write("\n".join(lines) + "\n")


def finding_json(item: Finding, rules: dict[str, Rule]) -> dict[str, object]:
    data = item.as_dict()
    rule = rules.get(item.rule)
    data["legal"] = rule.legal if rule else None
    return data


def write_json(report: Report, out: TextIO) -> None:
    rules = all_rules()
    document = {
        "version": REPORT_VERSION,
        "tool": {"name": "dts", "version": __version__},
        "data_dir": report.data_dir,
        "files_checked": report.files_checked,
        "summary": {s.value: report.count(s) for s in Severity},
        "findings": [finding_json(f, rules) for f in report.findings],
    }
    import json

    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")  # one write, not 100,000


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(report: Report, out: TextIO) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's lines."""
    hint_words = _(" (hint: {hint})")
    for item in report.findings:
        properties = [f"file={_escape_property(item.path)}"]
        if item.line > 0:
            properties.append(f"line={item.line}")
        if item.column > 0:
            properties.append(f"col={item.column}")
        properties.append(f"title={_escape_property('dts ' + item.rule)}")
        message = item.message + (hint_words.format(hint=item.hint) if item.hint else "")
        out.write(
            f"::{GITHUB_LEVEL[item.severity]} {','.join(properties)}::{_escape_data(message)}\n"
        )
    out.write(summary_line(report) + "\n")


def sarif_rule_name(rule: str) -> str:
    """SARIF wants a rule's `name` apart from its id, even ignoring case:
    `cls-mental-health-axis` -> `ClsMentalHealthAxis`, `layout` -> `LayoutCheck`."""
    name = "".join(part.capitalize() for part in rule.split("-"))
    return name if name.casefold() != rule.casefold() else f"{name}Check"


def artifact_location(path: str) -> dict[str, str]:
    """A finding's file as SARIF wants it: a relative path is a URI reference against the
    checkout (%SRCROOT%); a path outside it (the data lives elsewhere) an absolute file://
    URI. Both percent-encoded (spaces, accents)."""
    from pathlib import Path
    from urllib.parse import quote

    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(path).as_posix()), "uriBaseId": "%SRCROOT%"}


def sarif_document(report: Report) -> dict[str, object]:
    rules = all_rules()
    used = sorted({f.rule for f in report.findings} | set(rules))
    index = {name: position for position, name in enumerate(used)}
    descriptors = []
    for name in used:
        rule = rules.get(name)
        descriptor: dict[str, object] = {
            "id": name,
            "name": sarif_rule_name(name),
            "shortDescription": {"text": _(rule.rationale) if rule else name},
            "helpUri": RULES_DOCUMENTATION,
            "defaultConfiguration": {
                "level": SARIF_LEVEL[rule.severity] if rule else "error",
            },
            "properties": {"family": rule.family if rule else "internal"},
        }
        if rule and rule.legal:
            descriptor["properties"]["legal"] = rule.legal  # type: ignore[index]
        descriptors.append(descriptor)
    results = []
    hint_words = _(" Hint: {hint}")
    for item in report.findings:
        region: dict[str, int] = {"startLine": max(item.line, 1)}
        if item.column > 0:
            region["startColumn"] = item.column
        text = item.message + (hint_words.format(hint=item.hint) if item.hint else "")
        results.append(
            {
                "ruleId": item.rule,
                "ruleIndex": index[item.rule],
                "level": SARIF_LEVEL[item.severity],
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact_location(item.path),
                            "region": region,
                        }
                    }
                ],
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dts",
                        "version": __version__,
                        "informationUri": DOCUMENTATION,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }


def write_sarif(report: Report, out: TextIO) -> None:
    import json

    out.write(json.dumps(sarif_document(report), ensure_ascii=False, indent=2) + "\n")


def write_report(report: Report, fmt: str, out: TextIO, colour: bool = False) -> None:
    if fmt == "json":
        write_json(report, out)
    elif fmt == "github":
        write_github(report, out)
    elif fmt == "sarif":
        write_sarif(report, out)
    else:
        write_text(report, out, colour)
