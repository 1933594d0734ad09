"""A cache of parsed and validated records, outside the data, that never serves stale data.

Each data file's entry is keyed by its path and checked against its size, modification
time and content hash; the whole cache is keyed by dts's version and the state of the
modules that shape a record (models, loader, parser). A changed file is re-read alone.

Where: `--cache-dir`, else $DTS_CACHE_DIR, else $XDG_CACHE_HOME/dts, else ~/.cache/dts;
one sub-folder per data directory. `DTS_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dtscli.cache.store import (  # noqa: F401  (re-exported: callers use cache.enabled() ...)
    ENV_DIR,
    ENV_OFF,
    FORMAT,
    RACY_SECONDS,
    cache_root,
    code_fingerprint,
    enabled,
    folder_for,
    sha1_hex,
    write_cache_file,
)


def digest_of(path: Path) -> str | None:
    try:
        return sha1_hex(path.read_bytes())
    except OSError:
        return None


@dataclass
class Entry:
    """What loading one file produced, and the file state it was produced from."""

    size: int
    mtime_ns: int
    digest: str
    kind: str
    record: Any  # a validated model instance, or None when the file did not validate
    findings: list[Any] = field(default_factory=list)  # Finding objects; path filled on use
    racy: bool = False
    positions: dict[Any, tuple[int, int]] | None = None  # kept once a finding needed them


class RecordCache:
    """Entries by path relative to the data directory, in one pickle file."""

    def __init__(self, path: Path | None, entries: dict[str, Entry] | None = None) -> None:
        self.path = path
        self.entries: dict[str, Entry] = entries or {}
        self.seen: set[str] = set()
        self.dirty = False

    @classmethod
    def open(cls, data_dir: Path, cache_dir: Path | None = None) -> RecordCache:
        if not enabled():
            return cls(None)
        path = folder_for(data_dir, cache_dir) / "records.pickle"
        try:
            with path.open("rb") as handle:
                fingerprint, entries = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            return cls(path)
        except Exception:  # a cache from another version of a library: start afresh
            return cls(path)
        if fingerprint != code_fingerprint() or not isinstance(entries, dict):
            return cls(path)
        return cls(path, entries)

    def lookup(
        self, relative: str, path: Path, size: int, mtime_ns: int, verify: bool = False
    ) -> Entry | None:
        """The entry if the file is unchanged: same size and modification time (and, with
        `verify` or when the time is too close to the last save to trust, same content)."""
        self.seen.add(relative)
        entry = self.entries.get(relative)
        if entry is None or entry.size != size:
            return None
        if entry.mtime_ns == mtime_ns and not entry.racy and not verify:
            return entry
        if digest_of(path) != entry.digest:
            return None
        racy = _is_racy(mtime_ns)
        if (entry.mtime_ns, entry.racy) != (mtime_ns, racy):
            entry.mtime_ns, entry.racy = mtime_ns, racy
            self.dirty = True  # same content, new time: remember it, no need to re-hash
        return entry

    def store(
        self, relative: str, stat: os.stat_result, digest: str, entry_data: dict[str, Any]
    ) -> None:
        """Remember what reading a file produced. `stat` is taken before the read and `digest`
        is of the bytes read, so a file changed in between is caught next time."""
        if self.path is None:
            return
        self.seen.add(relative)
        self.entries[relative] = Entry(
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            digest=digest,
            racy=_is_racy(stat.st_mtime_ns),
            **entry_data,
        )
        self.dirty = True

    def remember_positions(self, relative: str, positions: dict[Any, tuple[int, int]]) -> None:
        entry = self.entries.get(relative)
        if entry is not None and entry.positions is None:
            entry.positions = positions
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
        with contextlib.suppress(OSError, pickle.PicklingError):
            data = pickle.dumps((code_fingerprint(), self.entries), pickle.HIGHEST_PROTOCOL)
            write_cache_file(self.path, data)
        self.dirty = False


def _is_racy(mtime_ns: int) -> bool:
    return time.time() - mtime_ns / 1e9 < RACY_SECONDS
