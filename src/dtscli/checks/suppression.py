"""`# dts: disable=rule` on a line silences that rule's findings there — when it is a real
YAML comment, never when it is text inside a quoted or block value (a value such as
"x # dts: disable=contact-email" must not silence the check of that very value)."""

from __future__ import annotations

import re
from pathlib import Path

from dtscli.data.findings import Finding

SUPPRESS_RE = re.compile(r"#\s*dts:\s*disable=([a-z0-9,\s-]+)")
BLOCK_START = re.compile(r"(?:^|[\s:\-?])[|>][0-9+\-]*\s*$")
QUOTE_OPENERS = " \t:[{,-?"


def comments_of(text: str) -> dict[int, str]:
    """The comment of each line that has one (line numbers from 1), skipping quoted text
    (on one line or several) and the text of block scalars (`|`, `>`)."""
    comments: dict[int, str] = {}
    quote: str | None = None
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        code_end, quote = _scan_line(line, quote)
        if code_end < len(line):
            comments[number] = line[code_end:]
        if quote is None and BLOCK_START.search(line[:code_end]):
            block_indent = indent
    return comments


def _scan_line(line: str, quote: str | None) -> tuple[int, str | None]:
    """Where the line's comment begins (its length if none), and the quote still open at
    its end."""
    index = 0
    while index < len(line):
        char = line[index]
        if quote == '"':
            if char == "\\":
                index += 2
                continue
            if char == '"':
                quote = None
        elif quote == "'":
            if char == "'":
                if line[index + 1 : index + 2] == "'":
                    index += 2
                    continue
                quote = None
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index, None
        elif char in "\"'" and (index == 0 or line[index - 1] in QUOTE_OPENERS):
            quote = char
        index += 1
    return len(line), quote


def drop_suppressed(findings: list[Finding], base: Path) -> list[Finding]:
    """Drop findings whose line carries the comment `# dts: disable=rule[,rule]`."""
    comments: dict[str, dict[int, str]] = {}
    kept = []
    for item in findings:
        if item.line <= 0:
            kept.append(item)
            continue
        if item.path not in comments:
            try:
                text = (base / item.path).read_text(encoding="utf-8")
                comments[item.path] = comments_of(text) if "dts:" in text else {}
            except (OSError, UnicodeDecodeError):
                comments[item.path] = {}
        match = SUPPRESS_RE.search(comments[item.path].get(item.line, ""))
        if match and item.rule in {r.strip() for r in match.group(1).split(",")}:
            continue
        kept.append(item)
    return kept
