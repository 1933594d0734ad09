"""The saved outcome of the last whole-base `dts check`, so that the next check re-reads
only the files changed since (recheck.py).

What a rule finds in a file depends on that file and on facts of the rest of the base:
which ids exist and which files hold them, which files do not validate, the scheme
types, the legal texts, the local territories, the communes the CLSM cover, the
referential; and on the day, the configuration and the code (the state's key). The
state keeps, for each file, its stamp, its findings and its *contribution* to those
facts, and for each folder the stamp that moves when its entries do.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import marshal
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from dtscli.base.loader import FolderStamp, LoadedRecord, Stamp, classify, shown_path
from dtscli.base.referential import REFERENTIAL_FILES
from dtscli.base.yamlfile import ParsedFile
from dtscli.cache import store
from dtscli.cache.codec import decode, encode, finding_row
from dtscli.checks.runner import CheckConfig
from dtscli.data.findings import Finding, Severity

if TYPE_CHECKING:
    from dtscli.base.kb import KnowledgeBase
    from dtscli.base.referential import Territory

STATE_FORMAT = 2
STATE_FILE = "check-state.marshal"
DELTA_SUFFIX = ".delta"  # the files re-checked since the state was saved whole
DELTA_LIMIT = 500  # beyond this many re-checked files, save the state whole again
GLOBAL_KINDS = ("scheme-type", "legal", "local-territory", "qpv")  # read by rules on others
CONTEXT_KINDS = ("scheme-type", "legal")  # kept whole in the state, for the rules
LIBRARIES = ("pydantic-", "pydantic_core-", "ruamel.yaml-", "ruamel_yaml-")  # shape records

# A finding as a plain tuple, its severity as text: the state is read on every check, and
# a national base has thousands of findings; marshal reads plain tuples fastest.
FindingRow = tuple[Any, ...]
SEVERITIES = {severity.value: severity for severity in Severity}
MAKE = tuple.__new__


as_row = finding_row  # one shape for a finding in every cache (codec.py)


class FileState(NamedTuple):
    stamp: Stamp
    digest: str
    racy: bool  # modified too close to the check to trust its times: compare its content
    contribution: tuple[Any, ...]
    findings: list[FindingRow]  # loader and rule findings, suppressions applied


class Folder(NamedTuple):
    """A folder the scan looked into, and where its files are in the state's columns."""

    stamp: FolderStamp
    racy: bool  # its entries may have changed since, within its times' resolution
    start: int
    end: int


class CheckState:
    """Kept in columns, one entry per file, grouped by folder: the stamps in arrays of
    machine integers, the rest in lists, all of it read by marshal (several times faster
    than pickle) from a store.py cache file (checksum, format, code fingerprint). The
    scheme-type and legal records and the derived schemas are kept as plain values
    (codec.py) and rebuilt when a rule asks for them: a state is data, never unpickled.
    Loading it is the fixed cost of every check."""

    key: tuple[Any, ...]
    folders: dict[str, tuple[Any, ...]]  # Folder as a tuple, by relative path ("" = root)
    names: list[str]  # file names, each folder's together
    sizes: array.array  # size, mtime_ns, ctime_ns, inode of each file (Stamp)
    mtimes: array.array
    ctimes: array.array
    inodes: array.array
    digests: list[str]
    racy: set[int]
    contributions: list[tuple[Any, ...]]
    file_findings: list[list[FindingRow]]
    base_findings: list[FindingRow]  # findings about the base as a whole
    ids: dict[str, set[str]]
    shared_ids: dict[str, list[str]]  # ids held by more than one file: their paths
    unreadable: set[str]
    territories: dict[str, bytes]  # each resolved territory (or None), marshalled
    coverage: frozenset[str]
    data_display: str
    token: str  # names this save; a delta applies only to the save it was made on
    encoded: dict[str, Any]  # "context" and "schemas" as plain values, decoded on use

    ARRAYS: ClassVar[dict[str, str]] = {"sizes": "q", "mtimes": "q", "ctimes": "q", "inodes": "Q"}
    SAVED = (
        *ARRAYS,
        *("key", "folders", "names", "digests", "racy", "contributions", "file_findings"),
        *("base_findings", "ids", "shared_ids", "unreadable", "territories", "coverage"),
        *("data_display", "token", "encoded"),
    )

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
        self.path: Path | None = None
        self.delta: dict[int, tuple[Any, ...]] = {}
        self.folders_listed = False  # the folders' stamps were renewed by listing them
        self._index: dict[str, int] | None = None
        self._decoded: dict[str, Any] = {}

    @property
    def context(self) -> dict[str, dict[str, LoadedRecord]]:
        """The scheme-type and legal records, by kind and id."""
        if "context" not in self._decoded:
            self._decoded["context"] = {
                kind: {
                    record_id: LoadedRecord(kind, decode(view), ParsedFile(path))
                    for record_id, (path, view) in records.items()
                }
                for kind, records in self.encoded["context"].items()
            }
        return self._decoded["context"]

    @property
    def schemas(self) -> dict[str, Any]:
        """The derived core schemas (quickvalidate.py)."""
        if "schemas" not in self._decoded:
            self._decoded["schemas"] = decode(self.encoded["schemas"])
        return self._decoded["schemas"]

    def relative(self, number: int, folder: str) -> str:
        return f"{folder}/{self.names[number]}" if folder else self.names[number]

    def index(self) -> dict[str, int]:
        """File number by relative path."""
        if self._index is None:
            self._index = {
                self.relative(number, folder): number
                for folder, entry in self.folders.items()
                for number in range(entry[2], entry[3])
            }
        return self._index

    def stamp(self, number: int) -> Stamp:
        return (
            self.sizes[number],
            self.mtimes[number],
            self.ctimes[number],
            self.inodes[number],
        )

    def file(self, number: int) -> FileState:
        return FileState(
            self.stamp(number),
            self.digests[number],
            number in self.racy,
            self.contributions[number],
            self.file_findings[number],
        )

    def set_file(self, number: int, entry: tuple[Any, ...]) -> None:
        stamp, digest, racy, contribution, findings = entry
        self.sizes[number], self.mtimes[number], self.ctimes[number], self.inodes[number] = stamp
        self.digests[number] = digest
        if racy:
            self.racy.add(number)
        else:
            self.racy.discard(number)
        self.contributions[number] = contribution
        self.file_findings[number] = findings

    def insert_file(self, folder: str, name: str, entry: tuple[Any, ...]) -> None:
        """A new file, at the end of its folder's files (the later folders' move up)."""
        at = self.folders[folder][3]  # its folder was listed: it is in the state
        for other, (stamp, racy, start, end) in list(self.folders.items()):
            if other == folder:
                self.folders[other] = (stamp, racy, start, end + 1)
            elif start >= at:
                self.folders[other] = (stamp, racy, start + 1, end + 1)
        stamp, digest, racy, contribution, findings = entry
        for column, value in zip(
            (self.sizes, self.mtimes, self.ctimes, self.inodes), stamp, strict=True
        ):
            column.insert(at, value)
        self.names.insert(at, name)
        self.digests.insert(at, digest)
        self.contributions.insert(at, contribution)
        self.file_findings.insert(at, findings)
        self.racy = {number + 1 if number >= at else number for number in self.racy}
        if racy:
            self.racy.add(at)
        self._index = None

    def findings(self) -> list[Finding]:
        rows = [row for rows in self.file_findings for row in rows]
        rows += self.base_findings
        return [
            MAKE(Finding, (path, line, column, rule, SEVERITIES[severity], message, hint, id_))
            for path, line, column, rule, severity, message, hint, id_ in rows
        ]  # thousands of findings: one comprehension, no call per row

    def payload(self) -> tuple[Any, ...]:
        values = {name: getattr(self, name) for name in self.SAVED}
        for name in self.ARRAYS:
            values[name] = values[name].tobytes()
        return (STATE_FORMAT, values)

    @classmethod
    def from_payload(cls, payload: Any) -> CheckState | None:
        """The state saved as `payload`, or None if it is not one of this version's."""
        try:
            version, values = payload
        except (TypeError, ValueError):
            return None
        if version != STATE_FORMAT or not isinstance(values, dict):
            return None
        if set(values) != set(cls.SAVED):
            return None
        try:
            for name, code in cls.ARRAYS.items():
                column = array.array(code)
                column.frombytes(values[name])
                values[name] = column
        except (TypeError, ValueError):
            return None
        state = cls(**values)
        count = len(state.names)
        columns = (state.sizes, state.mtimes, state.ctimes, state.inodes, state.digests)
        rows = (state.contributions, state.file_findings)
        if any(len(column) != count for column in (*columns, *rows)):
            return None
        return state

    def save(self) -> None:
        """Save the whole state (a few MB for a national base) and drop the delta."""
        if self.path is None:
            return
        self.token = os.urandom(8).hex()
        self.delta = {}
        _dump(self.payload(), self.path)
        with contextlib.suppress(OSError):
            _delta_path(self.path).unlink()

    def save_changes(self, changed: dict[int, tuple[Any, ...]]) -> None:
        """Save what changed since the whole save (small: cheap to write on every check)."""
        if self.path is None:
            return
        self.delta.update(changed)
        if len(self.delta) > DELTA_LIMIT:
            self.save()
            return
        _dump((self.token, self.delta, self.folders), _delta_path(self.path))

    def apply_delta(self) -> None:
        if self.path is None:
            return
        try:
            token, delta, folders = store.load(_delta_path(self.path))
        except (TypeError, ValueError):  # none, or unreadable: the whole save stands alone
            return
        if token != self.token or not isinstance(delta, dict):
            return
        if not all(isinstance(n, int) and 0 <= n < len(self.names) for n in delta):
            return
        for number, entry in delta.items():
            self.set_file(number, entry)
        self.delta = delta
        self.folders = folders


def _delta_path(path: Path) -> Path:
    return path.with_name(path.name + DELTA_SUFFIX)


def _dump(payload: Any, path: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        store.dump(path, payload)


def state_path(data_dir: Path, cache_dir: Path | None = None) -> Path | None:
    if not store.enabled():
        return None
    return store.folder_for(data_dir, cache_dir) / STATE_FILE


def state_key(
    data_dir: Path, data_display: str, config: CheckConfig, today: dt.date
) -> tuple[Any, ...]:
    """Everything besides the record files that the findings depend on."""
    referential: list[tuple[Any, ...]] = []
    for name in REFERENTIAL_FILES:
        path = data_dir / "territories" / f"{name}.yaml"
        stamp = store.stamp_file(path)
        # a racy stamp may not move on the next change: its content decides then
        racy = stamp is not None and store.is_racy(stamp[1])
        referential.append((name, stamp, store.digest_of(path) if racy else None))
    settings = (
        sorted(config.severities.items()),
        repr(sorted(config.options.items())),
        config.ignore,
        config.source,
    )
    return (
        STATE_FORMAT,
        sys.version_info[:2],
        store.code_fingerprint(),
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
    records = kb.caches.records
    if path is None or not records.active:
        return
    from dtscli.cache.quickvalidate import derived_schemas
    from dtscli.cache.views import view_of_model

    data_display = kb.display(kb.data_dir)
    root = str(kb.data_dir)  # every file is data_dir / relative (loader.discover)
    prefix = 0 if root == "." else len(root) + 1
    in_folder: dict[str, list[tuple[str, str]]] = {folder: [] for folder in kb.folders}
    for file_path, _kind in kb.files:
        relative = str(file_path)[prefix:]
        folder, _, name = relative.rpartition("/")
        if folder not in in_folder:
            return  # a file outside the folders scanned: no state, the next check reads all
        in_folder[folder].append((relative, name))
    relative_of = {
        shown_path(data_display, relative): relative
        for files in in_folder.values()
        for relative, _ in files
    }
    loaded_by_file = {loaded.path: loaded for loaded in kb.checked()}
    by_file: dict[str, list[Finding]] = {}
    base_findings = []
    for item in found:
        if item.path in relative_of:
            by_file.setdefault(relative_of[item.path], []).append(item)
        else:
            base_findings.append(item)
    folders: dict[str, tuple[Any, ...]] = {}
    names: list[str] = []
    stamps, digests, racy, contributions, file_findings = [], [], set(), [], []
    for folder, files in in_folder.items():
        listed = kb.folders[folder]
        folders[folder] = tuple(
            Folder(listed, is_racy(listed[0], kb.loaded_at), len(names), len(names) + len(files))
        )
        kind = classify(f"{folder}/x.yaml" if folder else "x.yaml")
        for relative, name in files:
            digest = records.digest(relative)
            stamp = kb.stamps.get(relative)
            if digest is None or stamp is None or kind is None:
                return  # a file could not be read: no state, the next check reads everything
            loaded = loaded_by_file.get(shown_path(data_display, relative))
            if is_racy(stamp[1], kb.loaded_at):
                racy.add(len(names))
            names.append(name)
            stamps.append(stamp)
            digests.append(digest)
            contributions.append(contribution(kind, loaded, digest))
            file_findings.append([as_row(item) for item in by_file.get(relative, [])])
    try:
        columns = [
            array.array(code, [stamp[field] for stamp in stamps])
            for field, code in enumerate("qqqQ")
        ]
    except OverflowError:  # times or inodes beyond 64 bits: no state
        return
    try:
        encoded = {
            "context": {
                kind: {
                    loaded.id: (loaded.path, encode(view_of_model(loaded.record)))
                    for loaded in kb.of_kind(kind)
                }
                for kind in CONTEXT_KINDS
            },
            "schemas": encode(derived_schemas()),
        }
    except ValueError:  # something the codec cannot keep: no state, the next check reads all
        return
    referential = kb.referential
    resolved = {**referential._official_cache, **referential._cache}
    sizes, mtimes, ctimes, inodes = columns
    state = CheckState(
        key=key,
        folders=folders,
        names=names,
        sizes=sizes,
        mtimes=mtimes,
        ctimes=ctimes,
        inodes=inodes,
        digests=digests,
        racy=racy,
        contributions=contributions,
        file_findings=file_findings,
        base_findings=[as_row(item) for item in base_findings],
        ids={kind: set(bucket) for kind, bucket in kb.records.items()},
        shared_ids={i: paths for i, paths in kb.owner_map().items() if len(paths) > 1},
        unreadable=set(kb.unreadable),
        territories={ref: territory_bytes(place) for ref, place in resolved.items()},
        coverage=kb.clsm_coverage(),
        data_display=data_display,
        token="",
        encoded=encoded,
    )
    state.path = path
    state.save()


def territory_bytes(place: Territory | None) -> bytes:
    return marshal.dumps(None if place is None else tuple(place))


def territory_of(data: bytes) -> Territory | None:
    from dtscli.data.territory import Territory

    fields = marshal.loads(data)
    return None if fields is None else Territory(*fields)


is_racy = store.is_racy  # the one rule (store.py)


def open_state(path: Path | None, key: tuple[Any, ...]) -> CheckState | None:
    if path is None:
        return None
    import gc

    gc.disable()  # thousands of tuples, no cycles: the collector would only slow the load
    try:
        state = CheckState.from_payload(store.load(path))  # None: missing, damaged, foreign
    finally:
        gc.freeze()  # and keep it out of every later collection: it lives until the exit
        gc.enable()
    if state is None or state.key != key:
        return None
    state.path = path
    state.apply_delta()
    return state
