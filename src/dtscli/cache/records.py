"""A cache of parsed record files, outside the data, that never serves stale data.

Each file's entry, by its path relative to the data directory, holds its stamp, content
hash, parsed data (plain values), parser findings and key positions. An entry is used only
while the file is unchanged by the rule of store.py (stamp, or content hash when the stamp
was racy or `verify` asks); the base then validates the data again with the models, so a
cache can make loading faster but never makes a record. The file is a store.py cache file
(marshal, checksum, code fingerprint): a damaged or foreign one is dropped and rebuilt.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path
from typing import Any

from dtscli.base.caching import CachedFile
from dtscli.base.yamlfile import ParsedFile
from dtscli.cache import store
from dtscli.cache.codec import decode, encode, finding_of, finding_row
from dtscli.data.findings import Finding

RECORDS_FILE = "records.marshal"

# An entry: (stamp, digest, racy, kind, data, parser findings as rows, positions)
Entry = tuple[Any, ...]


class RecordCache:
    """Entries by path relative to the data directory, in one cache file."""

    def __init__(self, path: Path | None, entries: dict[str, Entry] | None = None) -> None:
        self.path = path
        self.active = path is not None
        self.entries: dict[str, Entry] = entries or {}
        self.seen: set[str] = set()
        self.dirty = False

    @classmethod
    def open(cls, data_dir: Path, cache_dir: Path | None = None) -> RecordCache:
        if not store.enabled():
            return cls(None)
        path = store.folder_for(data_dir, cache_dir) / RECORDS_FILE
        entries = store.load(path)
        if not isinstance(entries, dict):
            return cls(path)
        return cls(path, entries)

    def lookup(
        self, relative: str, path: Path, stat: os.stat_result, verify: bool = False
    ) -> CachedFile | None:
        """The parsed file if it is unchanged (with `verify`, its content is compared even
        when its stamp is the saved one)."""
        self.seen.add(relative)
        entry = self.entries.get(relative)
        if not _well_formed(entry):
            return None
        assert entry is not None
        stamp, digest, racy, _kind, data, rows, positions = entry
        now = store.stamp_of(stat)
        if not store.unchanged(path, now, stamp, digest, racy or verify):
            return None
        if tuple(stamp) != now or racy != store.is_racy(now[1]):
            self.entries[relative] = (now, digest, store.is_racy(now[1]), *entry[3:])
            self.dirty = True  # same content, new stamp: no need to hash it next time
        try:
            findings = [finding_of(row) for row in rows]
            data = decode(data)
        except (KeyError, TypeError, ValueError):
            return None
        if positions is not None and not isinstance(positions, dict):
            positions = None
        return CachedFile(data, findings, positions)

    def store(
        self,
        relative: str,
        stat: os.stat_result,
        parsed: ParsedFile,
        kind: str,
        findings: list[Finding],
    ) -> None:
        """Remember what parsing a file produced: its data, the parser's `findings`, the key
        positions if a finding needed them. `stat` is taken before the read and the digest
        is of the bytes read, so a file changed in between is caught next time."""
        if self.path is None or parsed.digest is None:
            return
        self.seen.add(relative)
        stamp = store.stamp_of(stat)
        try:
            data = encode(parsed.data)
        except ValueError:  # data the codec cannot hold (a YAML tag): read every time
            self.entries.pop(relative, None)
            return
        rows = [finding_row(item) for item in findings]
        positions = _plain(parsed._positions)
        entry = (stamp, parsed.digest, store.is_racy(stamp[1]), kind, data, rows, positions)
        self.entries[relative] = entry
        self.dirty = True

    def digest(self, relative: str) -> str | None:
        entry = self.entries.get(relative)
        return entry[1] if _well_formed(entry) else None  # type: ignore[index]

    def remember_positions(self, relative: str, positions: dict[Any, tuple[int, int]]) -> None:
        entry = self.entries.get(relative)
        if _well_formed(entry) and entry[6] is None:  # type: ignore[index]
            self.entries[relative] = (*entry[:6], _plain(positions))  # type: ignore[index]
            self.dirty = True

    def save(self) -> None:
        """Write the cache atomically, dropping files that no longer exist."""
        if self.path is None:
            return
        gone = set(self.entries) - self.seen
        if not self.dirty and not gone:
            return
        for relative in gone:
            del self.entries[relative]
        with contextlib.suppress(OSError, ValueError):
            store.dump(self.path, self.entries)
        self.dirty = False


def _plain(positions: dict[Any, tuple[int, int]] | None) -> dict[Any, tuple[int, int]] | None:
    """The positions if marshal can write them (a key may be a date), else None: computed
    again when needed."""
    try:
        marshal.dumps(positions)
    except ValueError:
        return None
    return positions


def _well_formed(entry: Any) -> bool:
    return (
        type(entry) is tuple
        and len(entry) == 7
        and isinstance(entry[1], str)
        and isinstance(entry[5], list)
    )
