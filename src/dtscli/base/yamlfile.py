"""Read one YAML file into plain Python data, with the line and column of every key.

Every problem met on the way (not UTF-8, bad syntax, duplicate keys, aliases, unquoted
codes that YAML read as numbers) becomes a Finding; nothing here raises on bad data.

Two parsers: ruamel.yaml's C-based safe loader reads a clean file quickly; its round-trip
loader, about seven times slower, is used for files that have a problem to locate, and
for the positions of a clean file only when a rule reports something in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dtscli.data.findings import Finding, Severity
from dtscli.util.hashing import sha1_hex
from dtscli.util.i18n import N_, _, format_number

Path_ = tuple[str | int, ...]
Position = tuple[int, int]

MAX_FILE_BYTES = 1_000_000
# Nesting deeper than this is no record; the parsers recurse once per level (and the C
# parser crashes the process past some tens of thousands): refused before they run.
MAX_DEPTH = 64
DEEP_BLOCK = re.compile(rf"^[ \-?:]{{{2 * MAX_DEPTH},}}", re.MULTILINE)
# Keys whose values are official codes of a fixed width: an unquoted `06088` reads as 6088.
CODE_WIDTHS: dict[str, int] = {"communes": 5, "epci": 9, "dept": 2, "region": 2}
# The parser's most frequent complaints, for the catalog (the others are shown as it says them).
PARSER_PROBLEMS = (
    N_("mapping values are not allowed here"),
    N_("could not find expected ':'"),
    N_("found unexpected end of stream"),
    N_("expected <block end>, but found '<block mapping start>'"),
    N_("expected <block end>, but found '<block sequence start>'"),
    N_("expected <block end>, but found '-'"),
    N_("expected <block end>, but found '<scalar>'"),
    N_("expected <document start>, but found '<block mapping start>'"),
    N_("found character '\\t' that cannot start any token"),
    N_("found character '@' that cannot start any token"),
    N_("found character '`' that cannot start any token"),
    N_("found character '%' that cannot start any token"),
    N_("expected ',' or ']', but got '<stream end>'"),
    N_("expected ',' or '}', but got '<stream end>'"),
    N_("expected <block end>, but found '?'"),
)


@dataclass
class ParsedFile:
    """A YAML file turned into plain data, with the position of every key and item.

    Positions come from the round-trip parser; for a file read by the fast path they are
    computed on first use from `source` (the file is unchanged: the cache checks that).
    """

    path: str
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    source: Path | None = None
    _positions: dict[Path_, Position] | None = None
    digest: str | None = None  # sha1 of the bytes read, for the record cache

    @property
    def positions(self) -> dict[Path_, Position]:
        if self._positions is None:
            self._positions = _positions_of(self.source, self.path)
        return self._positions

    def position(self, key_path: Path_) -> Position:
        """The position of key_path, or of its nearest ancestor that has one."""
        path = tuple(key_path)
        if self._positions is None and len(path) <= 1:
            # A top-level key (or the file itself) is found by reading the lines: most
            # findings point there, and composing the whole file costs far more.
            quick = _top_level_position(self.source, path)
            if quick is not None:
                return quick
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def add(
        self,
        rule: str,
        severity: Severity,
        message: str,
        key_path: Path_ = (),
        hint: str | None = None,
        position: Position | None = None,
    ) -> None:
        line, column = position or self.position(key_path)
        record_id = self.data.get("id") if isinstance(self.data, dict) else None
        self.findings.append(
            Finding(
                self.path,
                line,
                column,
                rule,
                severity,
                message,
                hint,
                record_id if isinstance(record_id, str) else None,
            )
        )


_SAFE_LOADER: Any = None


def _safe_yaml() -> Any:
    global _SAFE_LOADER
    if _SAFE_LOADER is None:
        from ruamel.yaml import YAML
        from ruamel.yaml.resolver import VersionedResolver

        class Yaml12Resolver(VersionedResolver):
            """With the C parser, ruamel.yaml looks for the document's YAML version through
            three failing attribute lookups per scalar before it settles on 1.2: a third of
            the time of a load. Say 1.2 at once (what it settles on: same data)."""

            @property
            def processing_version(self) -> Any:
                return self._loader_version or (1, 2)

        _SAFE_LOADER = YAML(typ="safe", pure=False)
        _SAFE_LOADER.Resolver = Yaml12Resolver
    return _SAFE_LOADER


TOP_KEY = re.compile(r"([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$")
CLOSING = {'"': '"', "'": "'", "[": "]", "{": "}"}


def _top_level_position(source: Path | None, path: Path_) -> Position | None:
    """The position the parser gives a top-level key of a block mapping (its line, column
    1), read off the lines; None when the file's shape leaves any doubt (a line at column 0
    that is not a plain key, a quoted or flow value left open on its line, a second
    occurrence): the caller then composes the file."""
    if not path:
        return (1, 1)
    if source is None:
        return None
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    wanted = str(path[0])
    found: Position | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t#":
            continue
        if line.startswith(("---", "...")) and line[3:4] in ("", " "):
            continue
        match = TOP_KEY.match(line.rstrip())
        if match is None:
            return None
        value = (match.group(2) or "").split(" #")[0].rstrip()
        opener = value[:1]
        if opener in CLOSING and (len(value) < 2 or value[-1] != CLOSING[opener]):
            return None
        if match.group(1) == wanted:
            if found is not None:
                return None
            found = (number, 1)
    return found


def _positions_of(source: Path | None, shown_as: str) -> dict[Path_, Position]:
    """Positions of every key of a file, from the round-trip parser."""
    if source is None:
        return {}
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    try:
        root = _safe_yaml().compose(text)  # the C parser's node tree carries the marks
    except Exception:
        scratch = ParsedFile(shown_as)
        parse_text(text, scratch)
        return scratch._positions or {}
    positions: dict[Path_, Position] = {(): (1, 1)}
    _node_positions(root, (), positions)
    return positions


def _node_positions(node: Any, key_path: Path_, positions: dict[Path_, Position]) -> None:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        for key, value in node.value:
            child = (*key_path, str(key.value))
            positions[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _node_positions(value, child, positions)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            child = (*key_path, index)
            positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _node_positions(item, child, positions)


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    # Dates stay text here and the models parse them: an impossible date such as
    # 2023-02-30 then becomes a schema finding at its line, not a parser crash.
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    return yaml


def _timestamp_as_text(constructor: Any, node: Any) -> str:
    return str(node.value)


def _mark_position(error: Exception) -> Position:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def read_text(raw: bytes, parsed: ParsedFile) -> str | None:
    """Decode UTF-8 (with or without BOM); report the first bad byte's line otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        parsed.add(
            "yaml-encoding",
            Severity.error,
            _("the file is not UTF-8 (byte 0x{byte:02x})").format(byte=raw[error.start]),
            hint=_("save the file as UTF-8"),
            position=(line, column),
        )
        return None


def parse_file(path: Path, display_path: str | None = None) -> ParsedFile:
    """Parse one file; I/O, encoding and syntax problems come back as findings."""
    parsed = ParsedFile(display_path or str(path))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            parsed.add(
                "yaml-file-size",
                Severity.error,
                _("the file is {size} bytes, over the {limit}-byte limit for a record").format(
                    size=format_number(size), limit=format_number(MAX_FILE_BYTES)
                ),
                hint=_("split it: one record per file"),
            )
            return parsed
        raw = path.read_bytes()
        parsed.digest = sha1_hex(raw)
    except OSError as error:
        parsed.add(
            "yaml-syntax",
            Severity.error,
            _("cannot read the file: {problem}").format(problem=error.strerror),
        )
        return parsed
    text = read_text(raw, parsed)
    if text is None:
        return parsed
    too_deep = nesting_too_deep(text)
    if too_deep is not None:
        parsed.add(
            "yaml-syntax",
            Severity.error,
            _("the data is nested more than {limit} levels deep here").format(limit=MAX_DEPTH),
            hint=_("a record needs a few levels: look for brackets that are never closed"),
            position=too_deep,
        )
        return parsed
    data = _fast_load(text)
    if data is not _SLOW:
        parsed.data = data
        parsed.source = path
        return parsed
    return parse_text(text, parsed)


_SLOW = object()


def nesting_too_deep(text: str) -> Position | None:
    """Where the text nests deeper than MAX_DEPTH (flow brackets, or block indentation and
    `- ` markers), or None. Counting brackets first keeps the common case to a few C scans."""
    block = DEEP_BLOCK.search(text)
    if block is not None:
        line = text.count("\n", 0, block.start()) + 1
        return (line, 2 * MAX_DEPTH + 1)
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, line, column, quote = 0, 1, 0, ""
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and depth:
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return (line, column)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None


def _fast_load(text: str) -> Any:
    """Data of a clean file by the C parser, or _SLOW when the file needs the careful path:
    tabs, anchors, a syntax or date error, an unquoted code, a key that is not text."""
    if "\t" in text or "&" in text or "*" in text:
        return _SLOW
    try:
        data = _safe_yaml().load(text)
    except Exception:  # any parser complaint is located by the round-trip path
        return _SLOW
    return data if _is_plain(data) else _SLOW


def _is_plain(node: Any, key: str | None = None) -> bool:
    width = CODE_WIDTHS.get(key) if key is not None else None
    if isinstance(node, dict):
        return all(isinstance(k, str) and _is_plain(v, k) for k, v in node.items())
    if isinstance(node, list):
        return all(_is_plain(item, key) for item in node)
    # An unquoted code read as a number goes the careful way, which restores it and warns.
    unquoted_code = width is not None and isinstance(node, int) and not isinstance(node, bool)
    return not unquoted_code


def parse_text(text: str, parsed: ParsedFile) -> ParsedFile:
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if "\t" in text:
        for number, line in enumerate(text.splitlines(), start=1):
            indent = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:indent]:
                parsed.add(
                    "yaml-tabs",
                    Severity.error,
                    _("a tab is used for indentation"),
                    hint=_("indent with spaces (two per level)"),
                    position=(number, line.index("\t") + 1),
                )
                return parsed
    if ("&" in text or "*" in text) and _refuse_anchors(text, parsed):
        return parsed
    try:
        node = _yaml().load(text)
    except DuplicateKeyError as error:
        key = str(getattr(error, "problem", "")).split('"')
        name = key[1] if len(key) > 1 else _("a key")
        parsed.add(
            "yaml-duplicate-key",
            Severity.error,
            _("duplicate key {name!r}: YAML would silently keep only one of them").format(
                name=name
            ),
            hint=_("remove or merge one of the two"),
            position=_mark_position(error),
        )
        return parsed
    except MarkedYAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        parsed.add(
            "yaml-syntax",
            Severity.error,
            _("YAML syntax error: {problem}").format(problem=_(problem)),
            hint=_("check indentation, quotes and colons on this line"),
            position=_mark_position(error),
        )
        return parsed
    except (YAMLError, ValueError, RecursionError) as error:
        parsed.add(
            "yaml-syntax",
            Severity.error,
            _("YAML error: {problem}").format(problem=error).splitlines()[0],
        )
        return parsed
    parsed._positions = {(): (1, 1)}
    parsed.data = _plain(node, (), parsed, set())
    return parsed


def _refuse_anchors(text: str, parsed: ParsedFile) -> bool:
    """Scan the event stream for anchors and aliases; report the first and refuse the file.

    Done before any object is built, so an alias bomb is refused in the time of one scan.
    """
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent

    try:
        for event in _yaml().parse(text):
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                parsed.add(
                    "yaml-anchors",
                    Severity.error,
                    _("anchors (&name) and aliases (*name) are not allowed in data files"),
                    hint=_("write the values out in full"),
                    position=(mark.line + 1, mark.column + 1),
                )
                return True
    except YAMLError:
        return False  # the loader reports the syntax error with its position
    return False


def _set_position(parsed: ParsedFile, key_path: Path_, lc: Any) -> None:
    if lc is not None:
        parsed.positions[key_path] = (lc[0] + 1, lc[1] + 1)


def _plain(node: Any, key_path: Path_, parsed: ParsedFile, seen: set[int]) -> Any:
    """Convert ruamel's round-trip objects to plain data, recording positions.

    Aliases are refused, not expanded: an alias bomb must not blow up memory.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap | CommentedSeq):
        if id(node) in seen:  # an alias the event scan missed: never expand it
            return None
        seen.add(id(node))
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key in node:
            child_path = (*key_path, str(key))
            with contextlib.suppress(KeyError, TypeError):
                _set_position(parsed, child_path, node.lc.key(key))
            if not isinstance(key, str):
                parsed.add(
                    "schema",
                    Severity.error,
                    _("key {key!r} is not text").format(key=key),
                    child_path,
                    hint=_("keys are lower-case words such as `status`"),
                )
            result[str(key)] = _plain(node[key], child_path, parsed, seen)
            _restore_code(result, str(key), child_path, parsed)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            child_path = (*key_path, index)
            with contextlib.suppress(KeyError, TypeError, IndexError):
                _set_position(parsed, child_path, node.lc.item(index))
            items.append(_plain(item, child_path, parsed, seen))
        return items
    return _scalar(node)


def _scalar(value: Any) -> Any:
    """ruamel subclasses of str/int/float/bool become the plain built-ins."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _restore_code(mapping: dict[str, Any], key: str, key_path: Path_, parsed: ParsedFile) -> None:
    """Turn an unquoted code that YAML read as a number back into its text, with a warning."""
    width = CODE_WIDTHS.get(key)
    if width is None:
        return
    value = mapping[key]

    def fix(number: Any, at: Path_) -> Any:
        if isinstance(number, int) and not isinstance(number, bool) and len(str(number)) <= width:
            code = str(number).zfill(width)
            parsed.add(
                "unquoted-code",
                Severity.warning,
                _(
                    "code {code!r} was written without quotes; YAML read it as the number {number}"
                ).format(code=code, number=number),
                at,
                hint=_("quote it: '{code}'").format(code=code),
            )
            return code
        return number

    if isinstance(value, list):
        mapping[key] = [fix(item, (*key_path, index)) for index, item in enumerate(value)]
    else:
        mapping[key] = fix(value, key_path)
