"""The KnowledgeBase: every record loaded, indexed, and queried."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dtscli.base.caching import NO_CACHES, Caches, RecordStore, open_caches
from dtscli.base.loader import (
    FolderStamp,
    LoadedRecord,
    Stamp,
    display_path,
    scan,
    shown_path,
    stamp_of,
    validate_parsed,
)
from dtscli.base.query import (
    normalise_code,
    normalise_statuses,
    normalise_types,
    search_text,
    validate_codes,
)
from dtscli.base.referential import LocalArea, Referential, Territory, fold
from dtscli.base.yamlfile import ParsedFile, parse_file
from dtscli.data import kinds, models
from dtscli.data.findings import Finding, Severity
from dtscli.util.i18n import _
from dtscli.util.progress import track


@dataclass
class SchemeQuery:
    """Filters of `dts list`; an empty filter lets everything through."""

    types: list[str] = field(default_factory=list)
    depts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    territory: Territory | None = None
    text: str | None = None


class KnowledgeBase:
    """All records of a data directory, with the territory referential behind them."""

    def __init__(self, data_dir: Path, base: Path | None = None) -> None:
        self.data_dir = data_dir
        self.base = base  # paths in findings are relative to it (None: the working directory)
        self.records: dict[str, dict[str, LoadedRecord]] = {k: {} for k in models.RECORD_MODELS}
        self.duplicates: list[tuple[LoadedRecord, LoadedRecord]] = []
        self.findings: list[Finding] = []
        self.files: list[tuple[Path, str]] = []
        self.unreadable: set[str] = set()  # file stems of records that did not validate
        self._referential: Referential | None = None
        self._official: Referential | None = None  # the generated files, read once
        self._prefix: str | None = None  # the data directory as shown, computed once
        self._prefix_base: Path | None = None
        self.caches: Caches = NO_CACHES
        self.stamps: dict[str, Stamp] = {}  # by relative path, before read
        self.folders: dict[str, FolderStamp] = {}  # by relative path, before listed
        self.loaded_at = 0.0  # when the loading began (time.time())
        self._owners: dict[str, list[str]] | None = None
        self._coverage: frozenset[str] | None = None

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        data_dir: Path | str,
        base: Path | None = None,
        cache_dir: Path | None = None,
        use_cache: bool | None = None,
        verify: bool = False,
        save: bool = True,
        caches: Caches | None = None,
    ) -> KnowledgeBase:
        """Load every record; paths in findings are shown relative to `base` (default: cwd).

        With `caches` (the commands hand in dtscli/cache's), or with `use_cache` (by
        default, only when `cache_dir` is given), files unchanged since the last load come
        from the record store and the referential from its own; `verify` compares their
        content hash too, not only their stamp. Without them nothing is read from or
        written to a cache: a library call leaves no file behind. Either way the records
        are validated by the models: a cache never changes an answer.
        """
        data_dir = Path(data_dir)
        if caches is None:
            if use_cache is None:
                use_cache = cache_dir is not None
            caches = open_caches(data_dir, cache_dir) if use_cache else NO_CACHES
        kb = cls(data_dir, base)
        kb.loaded_at = time.time()
        kb.caches = caches
        files = scan(data_dir, folders=kb.folders)
        for relative, kind, _stamp in track(files, _("Reading the base")):  # a bar after 1 s
            kb.add_file(data_dir / relative, kind, caches.records, verify, relative)
        if save:  # `dts check` saves once, after the rules, with the positions they needed
            caches.records.save()
        return kb

    def remember_positions(self) -> None:
        """Keep the key positions computed for findings, so the next run has them at hand."""
        store = self.caches.records
        if not store.active:
            return
        for bucket in self.records.values():
            for loaded in bucket.values():
                computed = loaded.parsed._positions
                if computed is not None and loaded.parsed.source is not None:
                    relative = loaded.parsed.source.relative_to(self.data_dir).as_posix()
                    store.remember_positions(relative, computed)
        store.save()

    def add_file(
        self,
        path: Path,
        kind: str,
        cache: RecordStore | None = None,
        verify: bool = False,
        relative: str | None = None,
    ) -> LoadedRecord | None:
        """Read, validate and index one file; its problems join `findings`. `relative`, its
        path inside the data folder, saves working it out (thousands of files)."""
        self.files.append((path, kind))
        if relative is None:
            try:
                relative = path.relative_to(self.data_dir).as_posix()
            except ValueError:  # outside the data folder: shown as it is, not cached
                relative = None
        shown = display_path(path, self.base) if relative is None else self.shown(relative)
        entry, stat = None, None
        if cache is not None and cache.active and relative is not None:
            try:
                stat = os.stat(path)
                self.stamps[relative] = stamp_of(stat)
                entry = cache.lookup(relative, path, stat, verify)
            except OSError:
                entry = None
        if entry is not None:  # parsed before: validated again, as a cold load does
            parsed = ParsedFile(
                shown,
                data=entry.data,
                findings=[f._replace(path=shown) for f in entry.findings],
                source=path,
                _positions=entry.positions,
            )
        else:
            parsed = parse_file(path, shown)
        parser_findings = list(parsed.findings)  # the models' come next, and again on a hit
        loaded, findings = validate_parsed(parsed, kind)
        if cache is not None and relative is not None and stat is not None:
            if entry is None:
                cache.store(relative, stat, parsed, kind, parser_findings)
            elif entry.positions is None and parsed._positions is not None:
                cache.remember_positions(relative, parsed._positions)  # a finding needed them
        self.findings.extend(findings)
        if loaded is not None:
            self.add(loaded)
            if self._referential is not None and loaded.kind in kinds.TERRITORY_KINDS:
                self._referential = None  # rebuilt with the new local territory on next use
        elif kind not in (kinds.UNEXPECTED, kinds.FOLDER_LOOP):
            self.unreadable.add(path.stem)
        return loaded

    def copy(self) -> KnowledgeBase:
        """A copy that can take more files without changing this one (indexes are shared)."""
        other = KnowledgeBase(self.data_dir, self.base)
        other.records = {kind: dict(bucket) for kind, bucket in self.records.items()}
        other.duplicates = list(self.duplicates)
        other.findings = list(self.findings)
        other.files = list(self.files)
        other.unreadable = set(self.unreadable)
        other._official = self._official
        return other

    def display(self, path: Path) -> str:
        """How a path is shown in findings: relative to `base`, no leading ./."""
        try:
            inside = path.relative_to(self.data_dir).as_posix()
        except ValueError:
            return display_path(path, self.base)
        return self.shown(inside)

    def shown(self, relative: str) -> str:
        """How a file of the data folder, given by its relative path, is shown."""
        if self._prefix is None or self._prefix_base != self.base:
            self._prefix_base = self.base
            self._prefix = display_path(self.data_dir, self.base)
        return shown_path(self._prefix, relative)

    def add(self, loaded: LoadedRecord) -> None:
        self._owners = self._coverage = None
        bucket = self.records[loaded.kind]
        if loaded.id in bucket:
            self.duplicates.append((bucket[loaded.id], loaded))
            return
        bucket[loaded.id] = loaded

    @property
    def referential(self) -> Referential:
        if self._referential is None:
            if self._official is None:
                self._official = self.caches.referential.official(self.data_dir / "territories")
            referential = self._official.derive()
            for loaded in self.records[kinds.LOCAL_TERRITORY].values():
                area = loaded.record
                referential.add_local(
                    LocalArea(
                        f"local:{area.id}",
                        "local",
                        area.id,
                        area.name,
                        tuple(area.communes),
                        tuple(area.epci),
                    )
                )
            for loaded in self.records[kinds.QPV].values():
                qpv = loaded.record
                referential.add_local(
                    LocalArea(f"qpv:{qpv.id}", "qpv", qpv.id, qpv.name, tuple(qpv.communes))
                )
            self._referential = referential
        return self._referential

    # ------------------------------------------------------------------ access

    def of_kind(self, kind: str) -> list[LoadedRecord]:
        return list(self.records[kind].values())

    def schemes(
        self,
        *,
        type: str | Sequence[str] = (),  # the name of the option and of the field
        dept: str | Sequence[str] = (),
        region: str | Sequence[str] = (),
        status: str | Sequence[str] = (),
        territory: str | None = None,
        text: str | None = None,
    ) -> list[LoadedRecord]:
        """The scheme instances `dts list` selects with the same options, in its order:
        `kb.schemes(type="CLSM", dept="06")`. Each filter takes a value or a list of values
        (any of them matches); `territory` is a code (commune:06088) or a name (Nice), and
        `text` searches names and notes. Unknown types, statuses or codes raise DtsError.

        Each result has `.id`, `.name`, `.territory` and `.status`, the whole record as
        `.record` and its file as `.path`.
        """
        query = build_query(
            self,
            types=_listed(type),
            depts=_listed(dept),
            regions=_listed(region),
            statuses=_listed(status),
            territory=territory,
            text=text,
        )
        return self.query(query)

    def get(self, record_id: str) -> LoadedRecord | None:
        """A record by id, whatever its kind (scheme types by their code, e.g. CLS)."""
        for bucket in self.records.values():
            if record_id in bucket:
                return bucket[record_id]
        return None

    def find(self, kind: str, record_id: str | None) -> LoadedRecord | None:
        return self.records[kind].get(record_id) if record_id else None

    def territory(self, ref: str) -> Territory | None:
        return self.referential.resolve(ref)

    # ------------------------------------------------------------------ what the rules read
    # (checks/registry.py: Scope; recheck.py answers the same from a saved check)

    def checked(self, kind: str | None = None) -> list[LoadedRecord]:
        """The records the rules report on: all of them, duplicates of an id included."""
        kinds = [kind] if kind else list(self.records)
        found = [loaded for k in kinds for loaded in self.records[k].values()]
        found += [second for _, second in self.duplicates if kind in (None, second.kind)]
        return found

    def context(self, kind: str) -> list[LoadedRecord]:
        """Records other records are checked against (scheme types, legal texts)."""
        return self.of_kind(kind)

    def has_id(self, kind: str, record_id: str) -> bool:
        return record_id in self.records[kind]

    def ids(self, kind: str) -> list[str]:
        return list(self.records[kind])

    def owners(self, record_id: str) -> list[str]:
        """Paths of the files that hold `record_id`, the first holder first."""
        return self.owner_map().get(record_id, [])

    def owner_map(self) -> dict[str, list[str]]:
        if self._owners is None:
            owners: dict[str, list[str]] = {}
            for loaded in self.checked():
                owners.setdefault(loaded.id, []).append(loaded.path)
            self._owners = owners
        return self._owners

    def clsm_coverage(self) -> frozenset[str]:
        """Every commune some CLSM of the base covers."""
        if self._coverage is None:
            covered: set[str] = set()
            for loaded in self.of_kind(kinds.SCHEME):
                if loaded.record.type == "CLSM":
                    territory = self.territory(loaded.record.territory)
                    if territory is not None:
                        covered.update(territory.communes)
            self._coverage = frozenset(covered)
        return self._coverage

    # ------------------------------------------------------------------ queries

    def query(self, query: SchemeQuery) -> list[LoadedRecord]:
        """Scheme instances matching every filter, in a stable order."""
        matches = [s for s in self.of_kind(kinds.SCHEME) if self._matches(s.record, query)]
        return sorted(matches, key=self.sort_key)

    def sort_key(self, loaded: LoadedRecord) -> tuple:
        scheme = loaded.record
        territory = self.territory(scheme.territory)
        first_dept = min(territory.depts) if territory and territory.depts else "~"
        return (
            models.SCHEME_TYPES.index(scheme.type),
            first_dept,
            fold(scheme.name),
            scheme.id,
        )

    def _matches(self, scheme: models.Scheme, query: SchemeQuery) -> bool:
        if query.types and scheme.type not in query.types:
            return False
        if query.statuses and scheme.status.value not in query.statuses:
            return False
        if query.text and fold(query.text) not in search_text(scheme):
            return False
        if not (query.depts or query.regions or query.territory):
            return True
        territory = self.territory(scheme.territory)
        if territory is None:
            return False
        if query.depts and territory.depts.isdisjoint(query.depts):
            return False
        if query.regions and territory.regions.isdisjoint(query.regions):
            return False
        return not (query.territory and not territory.overlaps(query.territory))

    def covering(self, territory: Territory) -> list[LoadedRecord]:
        """Every scheme whose territory overlaps `territory`."""
        return self.query(SchemeQuery(territory=territory))

    def validate_codes(self, depts: Iterable[str], regions: Iterable[str]) -> None:
        """Refuse department or region codes the referential does not know."""
        referential = self.referential
        known = {"depts": set(referential.departements), "regions": set(referential.regions)}
        validate_codes(depts, regions, known)


def _listed(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def build_query(
    kb: KnowledgeBase,
    *,
    types: list[str],
    depts: list[str],
    regions: list[str],
    statuses: list[str],
    territory: str | None,
    text: str | None,
) -> SchemeQuery:
    """The query of the scheme filters as typed (`dts list`, `dts export`, kb.schemes):
    types in capitals, codes padded (6 -> 06), unknown values refused with a hint, the
    territory resolved (a name with one department is looked up in it)."""
    depts = [normalise_code(d) for d in depts]
    regions = [normalise_code(r) for r in regions]
    kb.validate_codes(depts, regions)
    resolved = None
    if territory:
        resolved = kb.referential.parse_territory(territory, depts[0] if len(depts) == 1 else None)
    return SchemeQuery(
        types=normalise_types(types),
        depts=depts,
        regions=regions,
        statuses=normalise_statuses(statuses),
        territory=resolved,
        text=text,
    )


def load_problems(
    kb: KnowledgeBase, folders: tuple[str, ...] = ("schemes", "territories")
) -> list[tuple[str, str]]:
    """Problems of the files under `folders` of the base: (severity, `place: message`)."""
    shown = kb.display(kb.data_dir)
    prefix = "" if shown == "." else shown.rstrip("/") + "/"
    problems = [
        (
            "error",
            _("{path}: id {id!r} is already used by {other}").format(
                path=second.path, id=second.id, other=first.path
            ),
        )
        for first, second in kb.duplicates
    ]
    inside_folders = tuple(f + "/" for f in folders)
    for finding in kb.findings:
        inside = finding.path[len(prefix) :] if finding.path.startswith(prefix) else finding.path
        if finding.severity is not Severity.info and inside.startswith(inside_folders):
            problems.append((finding.severity.value, f"{finding.location()}: {finding.message}"))
    return problems
