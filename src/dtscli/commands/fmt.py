"""`dts fmt`: rewrite record files in the base's canonical style, keeping every comment.

The style: keys in canonical order (see dtscli.canonical), commune and EPCI codes as quoted
text (an unquoted 06088 that YAML read as the number 6088 gets its zero back), two-space
indentation with list items indented under their key, ISO dates, `null` written out. Text is
never re-wrapped: folded (`>-`) strings keep their line breaks and long lines stay long.

It goes through ruamel.yaml's round trip, which keeps comments and blank lines where they
are. A comment sits after the key it follows: when a key has to move, the comment lines just
above it stay with the key before it (nothing is lost; look at the diff).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import os
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from dtscli.base.loader import classify, discover, display_path
from dtscli.base.referential import REFERENTIAL_FILES
from dtscli.base.yamlfile import CODE_WIDTHS, MAX_DEPTH, nesting_too_deep
from dtscli.data import models
from dtscli.data.canonical import nested_model, sort_keys
from dtscli.data.kinds import KINDS
from dtscli.util.errors import DtsError
from dtscli.util.files import write_atomically
from dtscli.util.i18n import _, counted

DOCUMENT_END = re.compile(r"^\.\.\.(?:\s|$)")
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DATA_FOLDERS = frozenset(kind.folder.split("/")[0] for kind in KINDS)
YAML_SUFFIXES = (".yaml", ".yml")


class FormatError(Exception):
    """A file that cannot be formatted: it does not parse, or holds no record."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# ---------------------------------------------------------------- the YAML dialect


class RawTimestamp(str):
    """A date-like scalar that is no real date (2023-02-30, a time stamp): kept as written."""


class _Constructor(RoundTripConstructor):
    pass


class _Representer(RoundTripRepresenter):
    pass


def _construct_timestamp(constructor: Any, node: Any) -> Any:
    match = DATE_RE.match(node.value)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass  # an impossible date: `dts check` reports it; fmt leaves it alone
    return RawTimestamp(node.value)


def _represent_null(representer: Any, data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _represent_raw_timestamp(representer: Any, data: RawTimestamp) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", str(data))


# Registered on our own subclasses: ruamel's add_* methods change the class they are called on.
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Representer.add_representer(type(None), _represent_null)
_Representer.add_representer(RawTimestamp, _represent_raw_timestamp)


def _yaml(explicit_start: bool = False) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    yaml.width = 1_000_000  # never re-wrap text
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.explicit_start = explicit_start
    return yaml


# ---------------------------------------------------------------- one text


def format_text(text: str, kind: str | None) -> str:
    """The canonical form of a record file's text; `kind` picks the key order (None: keep it).

    Raises FormatError when the text does not parse or holds no mapping.
    """
    too_deep = nesting_too_deep(text)
    if too_deep is not None:
        raise FormatError(
            too_deep[0],
            _("the data is nested more than {limit} levels deep here").format(limit=MAX_DEPTH),
        )
    try:
        result = _format(text, kind)
        unchanged = result == text.lstrip("\ufeff")
        if not unchanged and _meaning(_load(result)) != _meaning(_load(text), quote_codes=True):
            raise FormatError(
                1,
                _(
                    "formatting would change what this file means (a YAML tag such as "
                    "!!set, or a value the canonical style cannot keep), so it is left "
                    "as it is; write the value as plain text, a list or a mapping"
                ),
            )
    except FormatError:
        raise
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or str(error).splitlines()[0]
        raise FormatError(
            mark.line + 1 if mark else 1,
            _("YAML syntax error: {problem}").format(problem=_(problem)),
        ) from None
    except (YAMLError, ValueError, TypeError, RecursionError) as error:
        raise FormatError(
            1, _("YAML error: {problem}").format(problem=str(error).splitlines()[0])
        ) from None
    return result


def _load(text: str) -> Any:
    return _yaml(_starts_with_marker(text)).load(text)


def _meaning(node: Any, quote_codes: bool = False) -> Any:
    """The data a text holds, as plain comparable values (order of keys aside): what fmt
    must never change. With `quote_codes`, codes read as numbers count as the quoted text
    fmt writes (the one change of value fmt makes, on purpose)."""
    if quote_codes:
        _quote_codes(node)
    if isinstance(node, Mapping):
        return ("map", {_meaning(key): _meaning(value) for key, value in node.items()})
    if isinstance(node, AbstractSet):
        return ("set", frozenset(_meaning(item) for item in node))
    if isinstance(node, list | tuple):
        return ("seq", [_meaning(item) for item in node])
    tag = getattr(node, "tag", None)
    if tag is not None and not isinstance(node, str | int | float):
        return ("tagged", str(getattr(tag, "value", tag)), _meaning(getattr(node, "value", None)))
    if isinstance(node, RawTimestamp):
        return ("timestamp", str(node))
    for plain in (bool, int, float, str):
        if isinstance(node, plain):
            return (plain.__name__, plain(node))
    return (type(node).__name__, node)


def _format(text: str, kind: str | None) -> str:
    explicit_start = _starts_with_marker(text)
    yaml = _yaml(explicit_start)
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):
        raise FormatError(1, _("the file holds no record: a record is one mapping of keys"))
    model = models.RECORD_MODELS.get(kind) if kind else None
    if model is not None:
        keys = list(data)
        if all(isinstance(key, str) for key in keys) and not data.fa.flow_style():
            wanted = sort_keys(keys, model)
            if wanted != keys:  # move whole blocks of lines, with the comments above each key
                data = yaml.load(_reorder_lines(text, data, wanted))
        _order(data, model)
    _quote_codes(data)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _starts_with_marker(text: str) -> bool:
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.rstrip() == "---" or line.startswith("--- ")
    return False


def _reorder_lines(text: str, data: CommentedMap, wanted: list[str]) -> str:
    """The text with its top-level keys in the order `wanted`, moving each key's lines with
    the comment and blank lines just above it; the head and tail of the file stay put."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    keys = list(data)
    starts = [data.lc.key(key)[0] for key in keys]
    column = data.lc.key(keys[0])[1]
    end = len(lines)
    for index in range(starts[-1] + 1, end):
        if DOCUMENT_END.match(lines[index]):  # `...`: what follows is no longer the record
            end = index
            break
    while end > starts[-1] + 1 and _is_filler(lines[end - 1], column):
        end -= 1
    begins = [starts[0]]
    for index in range(1, len(keys)):
        begin, previous = starts[index], starts[index - 1]
        keeps_blank_lines = re.search(r":\s*[|>][0-9]*\+", lines[previous]) is not None
        while begin - 1 > previous and _is_filler(lines[begin - 1], column, keeps_blank_lines):
            begin -= 1
        begins.append(begin)
    bounds = [*begins, end]
    chunks = {key: lines[bounds[i] : bounds[i + 1]] for i, key in enumerate(keys)}
    body = [line for key in wanted for line in chunks[key]]
    return "".join(lines[: begins[0]] + body + lines[end:])


def _is_filler(line: str, column: int, keeps_blank_lines: bool = False) -> bool:
    """A blank line, or a comment line at the keys' column (not text of a block scalar)."""
    if not line.strip():
        return not keeps_blank_lines
    return line[:column].strip() == "" and line[column:].startswith("#")


def _order(node: Any, model: type[BaseModel]) -> None:
    """Put the keys of `node` (and of its nested records) in canonical order."""
    if not isinstance(node, CommentedMap):
        return
    keys = list(node)
    if all(isinstance(key, str) for key in keys):
        wanted = sort_keys(keys, model)
        if wanted != keys:
            for key in wanted:
                node.move_to_end(key)
    for key, value in node.items():
        inner = nested_model(model, key) if isinstance(key, str) else None
        if inner is None:
            continue
        for item in value if isinstance(value, CommentedSeq) else [value]:
            _order(item, inner)


def _quote_codes(node: Any) -> None:
    """Commune and EPCI codes (and dept/region codes) become single-quoted text."""
    if isinstance(node, CommentedMap):
        for key, value in list(node.items()):
            width = CODE_WIDTHS.get(key) if isinstance(key, str) else None
            if width is None:
                _quote_codes(value)
            elif isinstance(value, CommentedSeq):
                for index, item in enumerate(value):
                    value[index] = _as_code(item, width)
                    _keep_comment_gap(value.ca.items.get(index, [None])[0], item, value[index])
            else:
                node[key] = _as_code(value, width)
                _keep_comment_gap(node.ca.items.get(key, [None] * 3)[2], value, node[key])
    elif isinstance(node, CommentedSeq):
        for item in node:
            _quote_codes(item)


def _keep_comment_gap(comment: Any, old: Any, new: Any) -> None:
    """Move an end-of-line comment right by what quoting added, so its gap stays the same."""
    mark = getattr(comment, "start_mark", None)
    if mark is None or not comment.value.startswith("#") or old is new:
        return
    shift = _written_width(new) - _written_width(old)
    if shift > 0:
        with contextlib.suppress(AttributeError):
            mark.column += shift


def _written_width(value: Any) -> int:
    if isinstance(value, SingleQuotedScalarString | DoubleQuotedScalarString):
        return len(value) + 2
    if isinstance(value, int) and not isinstance(value, bool):
        return getattr(value, "_width", None) or len(str(value))
    return len(str(value))


def _as_code(value: Any, width: int) -> Any:
    if isinstance(value, bool | SingleQuotedScalarString):
        return value
    if isinstance(value, int) and value >= 0 and len(str(value)) <= width:
        return SingleQuotedScalarString(str(value).zfill(width))
    if isinstance(value, str) and not isinstance(value, RawTimestamp):
        return SingleQuotedScalarString(value)
    return value


# ---------------------------------------------------------------- files


@dataclass
class Outcome:
    """What formatting did (or would do) to one file."""

    path: Path
    shown: str
    before: str = ""
    after: str | None = None
    changed: bool = False
    error: str | None = None  # "file:line: message"


def format_file(path: Path, kind: str | None, shown: str) -> Outcome:
    outcome = Outcome(path, shown)
    try:
        raw = path.read_bytes()
    except OSError as error:
        outcome.error = f"{shown}:1: " + _("cannot read the file: {problem}").format(
            problem=error.strerror or error
        )
        return outcome
    try:
        outcome.before = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        outcome.error = f"{shown}:{line}: " + _("the file is not UTF-8; save it as UTF-8")
        return outcome
    try:
        outcome.after = format_text(outcome.before, kind)
    except FormatError as error:
        outcome.error = f"{shown}:{error.line}: {error.message}"
        return outcome
    outcome.changed = outcome.after.encode("utf-8") != raw
    return outcome


def is_generated(path: Path) -> bool:
    """The official referential files (data/territories/communes.yaml…) are never formatted."""
    return path.parent.name == "territories" and path.stem in REFERENTIAL_FILES


def kind_of(path: Path, data_dir: Path | None) -> str | None:
    """The record kind of a file, from its place in the base (or in any data-like folder)."""
    resolved = path.resolve()
    if data_dir is not None:
        # Where the file is named in the base first: a link in the base is a record of the
        # folder it sits in, wherever its target is (as `dts fmt` of the whole base sees it).
        for place, folder in (
            (Path(os.path.abspath(path)), Path(os.path.abspath(data_dir))),
            (resolved, data_dir.resolve()),
        ):
            try:
                kind = classify(place.relative_to(folder))
            except ValueError:
                continue
            return kind if kind in models.RECORD_MODELS else None
    parts = resolved.parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in DATA_FOLDERS:
            kind = classify(Path(*parts[index:]))
            if kind in models.RECORD_MODELS:
                return kind
    return None


def select_files(data_dir: Path | None, paths: Iterable[Path]) -> list[tuple[Path, str | None]]:
    """Files to format with their kinds: the given files and folders, or every record file."""
    paths = list(paths)
    if not paths:
        if data_dir is None:
            raise DtsError(_("no knowledge base found; give files or folders to format"))
        return [(p, kind) for p, kind in discover(data_dir) if kind in models.RECORD_MODELS]
    chosen: list[Path] = []
    for path in paths:
        if path.is_dir():
            chosen.extend(
                sorted(
                    found
                    for found in path.rglob("*")
                    if found.suffix in YAML_SUFFIXES
                    and found.is_file()
                    and not any(part.startswith(".") for part in found.relative_to(path).parts)
                )
            )
        elif path.is_file():
            chosen.append(path)
        else:
            raise DtsError(_("{path}: no such file or folder").format(path=path))
    return [(p, kind_of(p, data_dir)) for p in dict.fromkeys(chosen) if not is_generated(p)]


def unified_diff(outcome: Outcome) -> str:
    return "".join(
        difflib.unified_diff(
            outcome.before.splitlines(keepends=True),
            (outcome.after or "").splitlines(keepends=True),
            f"a/{outcome.shown}",
            f"b/{outcome.shown}",
        )
    )


def run_fmt(
    files: list[tuple[Path, str | None]],
    *,
    check: bool,
    diff: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    """Format `files` (or only report with check/diff); the exit code: 1 on a file that does
    not parse, or with --check on a file that would change."""
    changed = unchanged = failed = 0
    write = not (check or diff)
    for path, kind in files:
        outcome = format_file(path, kind, display_path(path))
        if outcome.error:
            failed += 1
            err.write(outcome.error + "\n")
            continue
        if not outcome.changed:
            unchanged += 1
            continue
        changed += 1
        if diff:
            out.write(unified_diff(outcome))
        if check:
            out.write(_("would reformat {path}").format(path=outcome.shown) + "\n")
        if write:
            try:
                write_atomically(path, outcome.after or "")
            except OSError as error:
                raise DtsError(
                    _("cannot write {path}: {problem}").format(
                        path=outcome.shown, problem=error.strerror or error
                    )
                ) from None
            out.write(_("reformatted {path}").format(path=outcome.shown) + "\n")
    if write:
        summary = counted("{count} file reformatted", "{count} files reformatted", changed)
    else:
        summary = counted(
            "{count} file would be reformatted", "{count} files would be reformatted", changed
        )
    summary += counted(", {count} unchanged", ", {count} unchanged", unchanged)
    if failed:
        summary += counted(
            ", {count} not formatted (fix the error above, then run dts fmt again)",
            ", {count} not formatted (fix the errors above, then run dts fmt again)",
            failed,
        )
    err.write(summary + "\n")
    return 1 if failed or (check and changed) else 0


def _files(count: int) -> str:
    return "file" if count == 1 else "files"


def run(
    data_dir: Path | None, paths: list[Path], *, check: bool = False, diff: bool = False
) -> int:
    """`dts fmt`: the files given (no base needed), or every record file of the base."""
    import sys

    from dtscli.base.layout import find_data_dir

    try:
        base = find_data_dir(data_dir)
    except DtsError:
        if not paths:
            raise
        base = None
    files = select_files(base, paths)
    return run_fmt(files, check=check, diff=diff, out=sys.stdout, err=sys.stderr)
