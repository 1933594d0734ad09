"""Files -> parsed YAML with positions -> validated records.

The layout of a data directory decides what a file is:

    schemes/<TYPE>.yaml            scheme type        (CLS, CLSM, ASV, PTSM, CPTS, DAC)
    schemes/<type>/<id>.yaml       scheme instance
    contacts/<id>.yaml             contact
    legal/<id>.yaml                legal text
    documents/<id>.yaml            document
    territories/qpv/<code>.yaml    quartier prioritaire
    territories/local/<id>.yaml    local territory
    territories/*.yaml             the generated official referential (not records)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dtscli.base.yamlfile import ParsedFile, parse_file
from dtscli.data.findings import Finding, Severity
from dtscli.data.kinds import BY_FOLDER, BY_PARENT_FOLDER, FOLDER_LOOP, UNEXPECTED
from dtscli.util.i18n import N_, _
from dtscli.util.stamps import FolderStamp, Stamp, folder_stamp_of, stamp_of
from dtscli.util.suggest import did_you_mean

if TYPE_CHECKING:  # pydantic is imported only when a file must be validated by the models
    from pydantic import BaseModel, ValidationError


class QuickValidator(Protocol):
    """Vouches for valid data without the models (cache/quickvalidate.py): a record (or a
    view of one) for data it accepts, None for anything else."""

    def validate(self, kind: str, data: dict[str, Any]) -> Any | None: ...


@dataclass
class LoadedRecord:
    """A validated record with the file it came from and its key positions."""

    kind: str
    record: Any  # a models.Record instance, or a views.RecordView of one
    parsed: ParsedFile

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def path(self) -> str:
        return self.parsed.path

    def position(self, *key_path: str | int) -> tuple[int, int]:
        return self.parsed.position(key_path)

    # What a reader of `kb.schemes(...)` wants most, without `.record.`; the rest is there.
    @property
    def name(self) -> str | None:
        return getattr(self.record, "name", None)

    @property
    def territory(self) -> str | None:
        return getattr(self.record, "territory", None)

    @property
    def status(self) -> Any:
        """A scheme's status (a vocab.Status, which compares equal to its text)."""
        return getattr(self.record, "status", None)


def classify(relative: Path | str) -> str | None:
    """The record kind a data file holds, from where it sits; None if it is no record."""
    text = relative if isinstance(relative, str) else relative.as_posix()
    if not text.endswith((".yaml", ".yml")):
        return None
    parts = text.split("/")
    folder = "/".join(parts[:-1])
    if folder in BY_FOLDER:
        return BY_FOLDER[folder]
    if len(parts) > 2 and "/".join(parts[:-2]) in BY_PARENT_FOLDER:
        return BY_PARENT_FOLDER["/".join(parts[:-2])]
    if parts[0] == "territories" and len(parts) == 2:
        return None  # generated referential
    return UNEXPECTED


def discover(data_dir: Path) -> list[tuple[Path, str]]:
    """Every data file with its kind, in a stable order."""
    return [(data_dir / relative, kind) for relative, kind, _ in scan(data_dir)]


BY_DESCRIPTOR = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd


def open_folder(folder: str) -> int | None:
    """A descriptor for a folder, where the system allows stats relative to one: each stat
    then resolves one name rather than a whole path (Windows has neither)."""
    if not BY_DESCRIPTOR:
        return None
    return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def stat_in(folder: str, name: str, descriptor: int | None) -> os.stat_result:
    """Stat a file of a folder, through the folder's descriptor when there is one."""
    if descriptor is None:
        return os.stat(os.path.join(folder, name))
    return os.stat(name, dir_fd=descriptor)


def scan(
    data_dir: Path,
    stat: bool = False,
    ordered: bool = True,
    folders: dict[str, FolderStamp] | None = None,
) -> list[tuple[str, str, Stamp | None]]:
    """Every data file as (path relative to `data_dir`, kind, stamp), folders before their
    sub-folders and (if `ordered`) names sorted; the stamp (with `stat`) is None for a file
    that vanished. Into `folders`, each folder's stamp (relative, "" for `data_dir`), taken
    before its entries are listed. A link to a folder already read (`ln -s . loop`) is not
    followed: it comes back once, as kind FOLDER_LOOP.

    Plain strings and os.scandir: a national base has thousands of files."""
    found: list[tuple[str, str, Stamp | None]] = []
    seen: set[tuple[int, int]] = set()  # (device, inode) of every folder read

    def visit(folder: str, prefix: str) -> None:
        descriptor = None
        try:
            descriptor = open_folder(folder)
            info = os.stat(folder) if descriptor is None else os.fstat(descriptor)
            seen.add((info.st_dev, info.st_ino))
            if folders is not None:
                folders[prefix[:-1]] = folder_stamp_of(info)
            entries = list(os.scandir(folder if descriptor is None else descriptor))
        except OSError:
            if descriptor is not None:
                os.close(descriptor)
            return
        try:
            if ordered:
                entries.sort(key=lambda entry: entry.name)
            folders_here = []
            kind_here = classify(prefix + "x.yaml")  # every record file of a folder is one kind
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                if entry.is_dir():
                    if entry.is_symlink() and _read_already(entry, seen):
                        found.append((prefix + name, FOLDER_LOOP, None))
                    else:
                        folders_here.append(name)
                elif kind_here is not None and name.endswith((".yaml", ".yml")):
                    stamp = None
                    if stat:
                        try:
                            stamp = stamp_of(stat_in(folder, name, descriptor))
                        except OSError:  # it vanished: no stamp
                            stamp = None
                    found.append((prefix + name, kind_here, stamp))
        finally:
            if descriptor is not None:
                os.close(descriptor)
        for name in folders_here:
            visit(os.path.join(folder, name), f"{prefix}{name}/")

    visit(str(data_dir), "")
    return found


def _read_already(entry: os.DirEntry[str], seen: set[tuple[int, int]]) -> bool:
    """Whether a linked folder is one already read (or an ancestor: a loop)."""
    try:
        info = entry.stat()
    except OSError:  # a loop the system itself refuses to resolve
        return True
    return (info.st_dev, info.st_ino) in seen


def display_path(path: Path, base: Path | None = None) -> str:
    """A path relative to `base` (default: the working directory), without a leading ./."""
    base = base or Path.cwd()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def shown_path(data_display: str, relative: str) -> str:
    """How a file of the data folder is shown, given how the folder itself is shown."""
    if relative == ".":
        return data_display
    return relative if data_display == "." else f"{data_display}/{relative}"


def load_file(path: Path, kind: str, shown_as: str) -> tuple[LoadedRecord | None, list[Finding]]:
    """Parse and validate one file; every problem comes back as a finding."""
    return validate_parsed(parse_file(path, shown_as), kind)


def validate_parsed(
    parsed: ParsedFile, kind: str, quick: QuickValidator | None = None
) -> tuple[LoadedRecord | None, list[Finding]]:
    """Validate a parsed file against the model of its kind. A `quick` validator vouches
    for valid data without importing the models; anything it refuses goes to the models,
    which word the findings."""
    if kind == FOLDER_LOOP:
        parsed.findings.clear()  # reading a folder as a file failed: not the news
        parsed.add(
            "layout",
            Severity.warning,
            _("this link leads to a folder already read (a loop?), so dts does not follow it"),
            hint=_("remove the link, or make it point outside the data folder"),
            position=(1, 1),
        )
        return None, parsed.findings
    if kind == UNEXPECTED:
        parsed.add(
            "layout",
            Severity.warning,
            _("this file is not in a folder dts knows, so it is not loaded"),
            hint=_("move it to schemes/, contacts/, legal/, documents/ or territories/"),
        )
        return None, parsed.findings
    if parsed.findings and parsed.data is None:
        return None, parsed.findings
    if not isinstance(parsed.data, dict):
        parsed.add(
            "schema",
            Severity.error,
            _("a record file must hold one mapping of keys to values"),
            hint=_("start the file with `id: ...` on its first line"),
        )
        return None, parsed.findings
    if quick is not None:
        view = quick.validate(kind, parsed.data)
        if view is not None:
            return LoadedRecord(kind, view, parsed), parsed.findings
    from pydantic import ValidationError

    from dtscli.data import models

    model = models.RECORD_MODELS[kind]
    try:
        record = model.model_validate(parsed.data)
    except ValidationError as error:
        report_validation_error(error, model, parsed)
        return None, parsed.findings
    return LoadedRecord(kind, record, parsed), parsed.findings


# ---------------------------------------------------------------- schema errors


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """The part of a pydantic location that exists in the data (drops union branch names)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node:
            path.append(part)  # a missing key: report it at its parent
            break
    return tuple(path)


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields allowed at the mapping that holds loc[-1]."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or _("(file)")


def report_validation_error(
    error: ValidationError, model: type[BaseModel], parsed: ParsedFile
) -> None:
    seen: set[tuple[str | int, ...]] = set()
    errors = error.errors(include_url=False)
    # A misspelt key shows up twice: as an unknown key and as a missing one. Report it once.
    guessed: set[tuple[Any, ...]] = set()
    for item in errors:
        if item["type"] == "extra_forbidden":
            guess = did_you_mean(str(item["loc"][-1]), _field_names(model, tuple(item["loc"])))
            if guess:
                guessed.add((*tuple(item["loc"])[:-1], guess))
    for item in errors:
        if item["type"] == "missing" and tuple(item["loc"]) in guessed:
            continue
        loc = tuple(item["loc"])
        path = _data_path(loc, parsed.data)
        if path in seen:
            continue  # one finding per place: a union reports once per branch
        seen.add(path)
        kind, value = item["type"], item.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = _field_names(model, loc)
            guess = did_you_mean(key, allowed)
            parsed.add(
                "schema-unknown-key",
                Severity.error,
                _("unknown key {key!r}").format(key=key)
                + (_(" (did you mean {guess!r}?)").format(guess=guess) if guess else ""),
                path,
                hint=_("allowed keys here: {keys}").format(keys=", ".join(allowed))
                if allowed
                else None,
            )
        elif kind == "missing":
            parsed.add(
                "schema-missing-key",
                Severity.error,
                _("required key {key!r} is missing").format(key=loc[-1])
                + (_(" in {place}").format(place=_dotted(path[:-1])) if path[:-1] else ""),
                path[:-1],
                hint=_("add `{key}:`").format(key=loc[-1]),
            )
        elif kind in ("enum", "literal_error"):
            expected = item.get("ctx", {}).get("expected", "")
            choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
            guess = did_you_mean(str(value), [c for c in choices if c])
            if len(choices) > 1:
                expected = ", ".join(map(repr, choices[:-1])) + _(" or ") + repr(choices[-1])
            parsed.add(
                "schema-value",
                Severity.error,
                _("{place}: {value!r} is not allowed; expected {expected}").format(
                    place=_dotted(path), value=value, expected=expected
                )
                + (_(" (did you mean {guess!r}?)").format(guess=guess) if guess else ""),
                path,
            )
        else:
            parsed.add(
                "schema-value",
                Severity.error,
                _("{place}: {problem} (got {value!r})").format(
                    place=_dotted(path), problem=schema_problem(item), value=value
                )
                if not isinstance(value, dict | list)
                else f"{_dotted(path)}: {schema_problem(item)}",
                path,
                hint=_hint_for(kind),
            )


def _hint_for(kind: str) -> str | None:
    hint = {
        "string_type": N_("quote the value: codes and ids are text"),
        "date_from_datetime_parsing": N_("write dates as YYYY-MM-DD"),
        "date_parsing": N_("write dates as YYYY-MM-DD"),
        "date_type": N_("write dates as YYYY-MM-DD"),
        "string_pattern_mismatch": N_(
            "see the README for the format of ids, codes and territories"
        ),
        "list_type": N_("write a YAML list: one `- item` per line"),
    }.get(kind)
    return _(hint) if hint else None


# What pydantic says of a value, in our words and the language of the output, by the type
# of its error; `{…}` are the error's context. Other types keep pydantic's English.
SCHEMA_PROBLEMS = {
    "string_type": N_("expected text"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "float_type": N_("expected a number"),
    "float_parsing": N_("expected a number"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "date_type": N_("expected a date"),
    "date_parsing": N_("expected a date: {error}"),
    "date_from_datetime_parsing": N_("expected a date: {error}"),
    "date_from_datetime_inexact": N_("expected a date, without a time"),
    "string_pattern_mismatch": N_("does not have the expected form ({pattern})"),
    "list_type": N_("expected a list"),
    "dict_type": N_("expected a mapping of keys to values"),
    "model_type": N_("expected a mapping of keys to values"),
    "model_attributes_type": N_("expected a mapping of keys to values"),
    "too_short": N_("too few items ({actual_length}); the minimum is {min_length}"),
    "too_long": N_("too many items ({actual_length}); the maximum is {max_length}"),
    "string_too_short": N_("too short; the minimum is {min_length} characters"),
    "string_too_long": N_("too long; the maximum is {max_length} characters"),
    "greater_than_equal": N_("must be {ge} or more"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be {le} or less"),
    "none_required": N_("must be null"),
}
# The date parser's reasons (the `error` of the date errors above).
DATE_PROBLEMS = (
    N_("input is too short"),
    N_("input is too long"),
    N_("invalid character in year"),
    N_("invalid character in month"),
    N_("invalid character in day"),
    N_("invalid date separator, expected `-`"),
    N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
    N_("month value is outside expected range of 1-12"),
    N_("day value is outside expected range"),
)


def schema_problem(item: Any) -> str:
    """What is wrong with a value, from one of pydantic's errors."""
    if item["type"] == "value_error" and "error" in (item.get("ctx") or {}):
        return str(item["ctx"]["error"])  # our validators' words, already translated
    template = SCHEMA_PROBLEMS.get(item["type"])
    if template is None:
        return str(item["msg"])
    context = {key: _(str(value)) for key, value in (item.get("ctx") or {}).items()}
    try:
        return _(template).format(**context)
    except (KeyError, IndexError):  # a context of another shape: pydantic's own words
        return str(item["msg"])
