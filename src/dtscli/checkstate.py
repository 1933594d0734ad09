"""The saved outcome of the last whole-base `dts check`, so that the next check re-reads
only the files changed since.

What a rule finds in a file depends on that file and on facts of the rest of the base:
which ids exist and which files hold them, which files do not validate, the scheme
types, the legal texts, the local territories, the communes the CLSM cover, the
referential; and on the day, the configuration and the code. The state keeps, for each
file, its findings and its *contribution* to those facts.

The next check stats every file (size, modification and change times, inode: an edit
always moves the change time, even one that restores the modification time). When the
files changed since contribute the same facts as before (an edited name, date, source,
contact detail...), only they are read, validated (by pydantic-core alone, see
fastvalidate.py) and checked against the saved facts; every other file's findings
stand. Anything else (a file added, deleted or renamed, an id changed, a scheme type or
legal text edited, a CLSM moved, a territory never resolved before, another day, code
or configuration) falls back to checking the whole base, which saves a new state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from dtscli import cachedir
from dtscli.checks.registry import IncompleteScope
from dtscli.checks.runner import CheckConfig, drop_suppressed, rule_findings
from dtscli.findings import Finding, Severity
from dtscli.loader import LoadedRecord, Stamp, scan, shown_path, validate_parsed
from dtscli.yamlfile import ParsedFile, parse_file

if TYPE_CHECKING:
    from dtscli.kb import KnowledgeBase
    from dtscli.territories import Territory

STATE_FORMAT = 1
STATE_FILE = "check-state.pickle"
DELTA_SUFFIX = ".delta"  # the files re-checked since the state was saved whole
DELTA_LIMIT = 500  # beyond this many re-checked files, save the state whole again
GLOBAL_KINDS = ("scheme-type", "legal", "local-territory", "qpv")  # read by rules on others
CONTEXT_KINDS = ("scheme-type", "legal")  # kept whole in the state, for the rules
LIBRARIES = ("pydantic-", "pydantic_core-", "ruamel.yaml-", "ruamel_yaml-")  # shape records


# The state is read on every check, so it is kept in plain tuples and dicts, which load
# several times faster than objects: a national base has thousands of files and findings.
FindingRow = dict[str, Any]  # a Finding's fields, its severity as text


class FileState(NamedTuple):
    stamp: Stamp
    digest: str
    racy: bool  # modified too close to the save to trust its times: compare its content
    kind: str
    contribution: tuple[Any, ...]
    findings: list[FindingRow]  # loader and rule findings, suppressions applied


def as_row(item: Finding) -> FindingRow:
    return dict(item.__dict__, severity=item.severity.value)


SEVERITIES = {severity.value: severity for severity in Severity}  # faster than Severity(value)
NEW = object.__new__
SET = object.__setattr__


def from_row(row: FindingRow) -> Finding:
    """A Finding as pickle would rebuild it: the frozen dataclass's __init__ sets each field
    through object.__setattr__, several times slower for thousands of findings."""
    item = NEW(Finding)
    SET(item, "__dict__", dict(row, severity=SEVERITIES[row["severity"]]))
    return item


@dataclass
class CheckState:
    key: tuple[Any, ...]
    files: dict[str, tuple[Any, ...]]  # FileState as a tuple, by relative path, in scan order
    base_findings: list[FindingRow]  # findings about the base as a whole
    ids: dict[str, set[str]]
    shared_ids: dict[str, list[str]]  # ids held by more than one file: their paths
    unreadable: set[str]
    context: dict[str, dict[str, LoadedRecord]]
    territories: dict[str, bytes]  # each resolved Territory (or None) pickled on its own
    coverage: frozenset[str]
    schemas: dict[str, Any]  # derived core schemas (fastvalidate.py)
    data_display: str
    token: str = ""  # names this save; a delta applies only to the save it was made on
    path: Path | None = field(default=None, repr=False, compare=False)
    delta: dict[str, tuple[Any, ...]] = field(default_factory=dict, repr=False, compare=False)

    def file(self, relative: str) -> FileState:
        return FileState(*self.files[relative])

    def findings(self) -> list[Finding]:
        rows = [row for entry in self.files.values() for row in entry[5]]
        return [from_row(row) for row in rows + self.base_findings]

    def __getstate__(self) -> dict[str, Any]:
        values = {k: v for k, v in self.__dict__.items() if k not in ("path", "delta")}
        values["files"] = marshal.dumps(self.files)  # plain tuples: marshal reads them faster
        return values

    def __setstate__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values, path=None, delta={})
        self.files = marshal.loads(values["files"])

    def save(self) -> None:
        """Save the whole state (a few MB for a national base) and drop the delta."""
        if self.path is None:
            return
        self.token = os.urandom(8).hex()
        self.delta = {}
        _dump(self, self.path)
        with contextlib.suppress(OSError):
            _delta_path(self.path).unlink()

    def save_changes(self, changed: dict[str, tuple[Any, ...]]) -> None:
        """Save what changed since the whole save (small: cheap to write on every check)."""
        if self.path is None:
            return
        self.delta.update(changed)
        if len(self.delta) > DELTA_LIMIT:
            self.save()
            return
        _dump((self.token, self.delta), _delta_path(self.path))

    def apply_delta(self) -> None:
        try:
            token, delta = pickle.loads(_delta_path(self.path).read_bytes())  # type: ignore[union-attr]
        except Exception:  # none, or unreadable: the whole save stands alone
            return
        if token == self.token and isinstance(delta, dict) and delta.keys() <= self.files.keys():
            self.files.update(delta)
            self.delta = delta


def _delta_path(path: Path) -> Path:
    return path.with_name(path.name + DELTA_SUFFIX)


def _dump(value: Any, path: Path) -> None:
    with contextlib.suppress(OSError, pickle.PicklingError):
        cachedir.write_cache_file(path, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def state_path(data_dir: Path, cache_dir: Path | None = None) -> Path | None:
    if not cachedir.enabled():
        return None
    return cachedir.folder_for(data_dir, cache_dir) / STATE_FILE


def state_key(
    data_dir: Path, data_display: str, config: CheckConfig, today: dt.date
) -> tuple[Any, ...]:
    """Everything besides the record files that the findings depend on."""
    here = Path(__file__).parent
    code = []
    for module in sorted([*here.glob("*.py"), *here.glob("checks/*.py")]):
        stat = module.stat()
        code.append((module.name, stat.st_size, stat.st_mtime_ns))
    referential = []
    for name in ("regions", "departements", "epci", "communes"):
        try:
            stat = (data_dir / "territories" / f"{name}.yaml").stat()
            referential.append((name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
        except OSError:
            referential.append((name, None))
    settings = (
        sorted(config.severities.items()),
        repr(sorted(config.options.items())),
        config.ignore,
        config.source,
    )
    return (
        STATE_FORMAT,
        sys.version_info[:2],
        tuple(code),
        library_versions(),
        tuple(referential),
        repr(settings),
        today.isoformat(),
        str(data_dir.resolve()),
        data_display,
    )


def library_versions() -> tuple[str, ...]:
    """The installed versions of the libraries that shape records and their messages: the
    names of their dist-info folders, found without importing them."""
    found: list[str] = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += [n for n in names if n.endswith(".dist-info") and n.lower().startswith(LIBRARIES)]
    return tuple(sorted(found))


def contribution(kind: str, loaded: LoadedRecord | None, digest: str) -> tuple[Any, ...]:
    """What a file tells the rules that check *other* files."""
    if kind == "unexpected":
        return (kind,)
    if loaded is None:
        return ("unreadable", kind)
    if kind in GLOBAL_KINDS:
        return (kind, loaded.id, digest)
    if kind == "scheme":
        record = loaded.record
        return (kind, loaded.id, record.territory if record.type == "CLSM" else None)
    return (kind, loaded.id)


# ---------------------------------------------------------------------- saving


def save_whole(
    kb: KnowledgeBase, found: list[Finding], key: tuple[Any, ...], path: Path | None
) -> None:
    """Keep what a check of the whole base found, with the facts behind it."""
    if path is None or kb.cache is None:
        return
    from dtscli.fastvalidate import derived_schemas
    from dtscli.views import view_of_model

    now = time.time()
    data_display = kb.display(kb.data_dir)
    root = str(kb.data_dir)  # every file is data_dir / relative (loader.discover)
    prefix = 0 if root == "." else len(root) + 1
    relatives = [(str(file_path)[prefix:], kind) for file_path, kind in kb.files]
    relative_of = {shown_path(data_display, relative): relative for relative, _ in relatives}
    loaded_by_file = {loaded.path: loaded for loaded in kb.checked()}
    by_file: dict[str, list[Finding]] = {}
    base_findings = []
    for item in found:
        if item.path in relative_of:
            by_file.setdefault(relative_of[item.path], []).append(item)
        else:
            base_findings.append(item)
    files: dict[str, tuple[Any, ...]] = {}
    for relative, kind in relatives:
        entry = kb.cache.entries.get(relative)
        stamp = kb.stamps.get(relative)
        if entry is None or stamp is None:
            return  # a file could not be read: no state, the next check reads everything
        loaded = loaded_by_file.get(shown_path(data_display, relative))
        files[relative] = tuple(
            FileState(
                stamp=stamp,
                digest=entry.digest,
                racy=now - stamp[1] / 1e9 < cachedir.RACY_SECONDS,
                kind=kind,
                contribution=contribution(kind, loaded, entry.digest),
                findings=[as_row(item) for item in by_file.get(relative, [])],
            )
        )
    context = {
        kind: {
            loaded.id: LoadedRecord(kind, view_of_model(loaded.record), ParsedFile(loaded.path))
            for loaded in kb.of_kind(kind)
        }
        for kind in CONTEXT_KINDS
    }
    referential = kb.referential
    resolved = {**referential._official_cache, **referential._cache}
    state = CheckState(
        key=key,
        files=files,
        base_findings=[as_row(item) for item in base_findings],
        ids={kind: set(bucket) for kind, bucket in kb.records.items()},
        shared_ids={i: paths for i, paths in kb.owner_map().items() if len(paths) > 1},
        unreadable=set(kb.unreadable),
        context=context,
        territories={
            ref: pickle.dumps(place, pickle.HIGHEST_PROTOCOL) for ref, place in resolved.items()
        },
        coverage=kb.clsm_coverage(),
        schemas=derived_schemas(),
        data_display=data_display,
        path=path,
    )
    state.save()


# ---------------------------------------------------------------------- re-checking


class SavedScope:
    """The Scope of a re-check: the changed records, checked against the saved facts."""

    def __init__(self, state: CheckState, data_dir: Path, checked: list[LoadedRecord]) -> None:
        self.state = state
        self.data_dir = data_dir
        self.unreadable = state.unreadable
        self._checked = checked
        self._territories: dict[str, Territory | None] = {}

    def checked(self, kind: str | None = None) -> list[LoadedRecord]:
        return [loaded for loaded in self._checked if kind in (None, loaded.kind)]

    def context(self, kind: str) -> list[LoadedRecord]:
        if kind not in self.state.context:
            raise IncompleteScope(f"no {kind} records in the saved check")
        return list(self.state.context[kind].values())

    def find(self, kind: str, record_id: str | None) -> LoadedRecord | None:
        if kind not in self.state.context:
            raise IncompleteScope(f"no {kind} records in the saved check")
        return self.state.context[kind].get(record_id) if record_id else None

    def has_id(self, kind: str, record_id: str) -> bool:
        return record_id in self.state.ids[kind]

    def ids(self, kind: str) -> list[str]:
        return sorted(self.state.ids[kind])

    def owners(self, record_id: str) -> list[str]:
        shared = self.state.shared_ids.get(record_id)
        if shared is not None:
            return shared
        return [loaded.path for loaded in self._checked if loaded.id == record_id]

    def territory(self, ref: str) -> Territory | None:
        if ref not in self._territories:
            if ref not in self.state.territories:
                raise IncompleteScope(f"territory {ref} was not resolved by the saved check")
            self._territories[ref] = pickle.loads(self.state.territories[ref])
        return self._territories[ref]

    def clsm_coverage(self) -> frozenset[str]:
        return self.state.coverage

    def display(self, path: Path) -> str:
        return shown_path(self.state.data_display, path.relative_to(self.data_dir).as_posix())


@dataclass
class Recheck:
    findings: list[Finding]
    files_checked: int
    reread: int  # files read again


def open_state(path: Path | None, key: tuple[Any, ...]) -> CheckState | None:
    if path is None:
        return None
    import gc

    gc.disable()  # thousands of tuples, no cycles: the collector would only slow the load
    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # missing, truncated, or written by another version: check everything
        return None
    finally:
        gc.freeze()  # and keep it out of every later collection: it lives until the exit
        gc.enable()
    if not isinstance(state, CheckState) or state.key != key:
        return None
    state.path = path
    state.apply_delta()
    return state


def recheck(
    data_dir: Path,
    base: Path,
    config: CheckConfig,
    today: dt.date,
    key: tuple[Any, ...],
    path: Path | None,
) -> Recheck | None:
    """The findings of the whole base from the saved check and the files changed since,
    or None when the whole base must be checked again."""
    state = open_state(path, key)
    if state is None:
        return None
    scanned = scan(data_dir, stat=True, ordered=False)
    files = state.files
    if len(scanned) != len(files):
        return None  # a file was added or deleted
    changed: list[tuple[str, str, Stamp]] = []
    for relative, kind, stamp in scanned:
        saved = files.get(relative)
        if saved is None or kind != saved[3] or stamp is None:
            return None
        if stamp != saved[0] or saved[2]:
            changed.append((relative, kind, stamp))
    if changed:
        fresh = _recheck_files(state, data_dir, base, config, today, changed)
        if fresh is None:
            return None
        files.update(fresh)
        state.save_changes(fresh)
    return Recheck(state.findings(), len(scanned), len(changed))


def _recheck_files(
    state: CheckState,
    data_dir: Path,
    base: Path,
    config: CheckConfig,
    today: dt.date,
    changed: list[tuple[str, str, Stamp]],
) -> dict[str, tuple[Any, ...]] | None:
    """The new state of the changed files, re-read and re-checked; None if what they tell
    the rules about other files moved (then the whole base is checked)."""
    from dtscli.fastvalidate import QuickValidator

    quick = QuickValidator(state.schemas)
    now = time.time()
    checked: list[LoadedRecord] = []
    fresh: dict[str, FileState] = {}
    loader_findings: list[Finding] = []
    for relative, kind, stamp in changed:
        saved = state.file(relative)
        parsed = parse_file(data_dir / relative, shown_path(state.data_display, relative))
        if parsed.digest is None:
            return None
        racy = now - stamp[1] / 1e9 < cachedir.RACY_SECONDS
        if parsed.digest == saved.digest:  # touched, not changed
            fresh[relative] = FileState(
                stamp, saved.digest, racy, kind, saved.contribution, saved.findings
            )
            continue
        loaded, findings = validate_parsed(parsed, kind, quick)
        if contribution(kind, loaded, parsed.digest) != saved.contribution:
            return None
        if loaded is not None:
            checked.append(loaded)
        loader_findings.extend(findings)
        fresh[relative] = FileState(stamp, parsed.digest, racy, kind, saved.contribution, [])
    if checked or loader_findings:
        scope = SavedScope(state, data_dir, checked)
        try:
            found = rule_findings(scope, config, today, whole_base=False)
        except IncompleteScope:
            return None
        if any(item.rule == "internal-error" for item in found):
            return None  # the whole check reports it where it belongs
        kept = drop_suppressed(loader_findings + found, base)
        shown = {shown_path(state.data_display, relative): relative for relative in fresh}
        for item in kept:
            relative = shown.get(item.path)
            if relative is None:
                return None  # a finding outside the changed files: check everything
            fresh[relative].findings.append(as_row(item))
    return {relative: tuple(entry) for relative, entry in fresh.items()}
