"""What the base asks of a cache, and the answers it gets without one.

The base reads files; the caches (dtscli/cache/, a layer above) only make that faster. So
the base defines the small interfaces it calls here, with defaults that cache nothing, and
the caller hands in the cache's implementations: the commands pass `caches=`, and
`KnowledgeBase.load(..., cache_dir=...)` asks the opener that dtscli/cache registers when
it is imported (`dtscli.KnowledgeBase`, the public name, imports it). The base never
imports the caches.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:  # light: the warm `dts list` imports this module (through dtscli/cache)
    from dtscli.base.referential import Referential
    from dtscli.base.yamlfile import ParsedFile
    from dtscli.data.findings import Finding


class CachedFile(NamedTuple):
    """What reading a file produced, as a record store gives it back: the parsed data (the
    base validates it again: a cache is input), the parser's findings, the key positions."""

    data: Any
    findings: list[Finding]  # their path is "": the caller fills it in
    positions: dict[Any, tuple[int, int]] | None


class RecordStore(Protocol):
    """Parsed files by path relative to the data directory."""

    active: bool  # whether lookups can hit (the base stats files only then)

    def lookup(
        self, relative: str, path: Path, stat: os.stat_result, verify: bool
    ) -> CachedFile | None: ...

    def store(
        self,
        relative: str,
        stat: os.stat_result,
        parsed: ParsedFile,
        kind: str,
        findings: list[Finding],
    ) -> None: ...

    def digest(self, relative: str) -> str | None: ...

    def remember_positions(self, relative: str, positions: dict[Any, tuple[int, int]]) -> None: ...

    def save(self) -> None: ...


class ReferentialSource(Protocol):
    """The official referential of a territories folder."""

    def official(self, folder: Path) -> Referential: ...


class NoRecords:
    """A record store that keeps nothing: every file is read."""

    active = False

    def lookup(
        self, relative: str, path: Path, stat: os.stat_result, verify: bool
    ) -> CachedFile | None:
        return None

    def store(
        self,
        relative: str,
        stat: os.stat_result,
        parsed: ParsedFile,
        kind: str,
        findings: list[Finding],
    ) -> None:
        return None

    def digest(self, relative: str) -> str | None:
        return None

    def remember_positions(self, relative: str, positions: dict[Any, tuple[int, int]]) -> None:
        return None

    def save(self) -> None:
        return None


class ReadReferential:
    """The referential read from its files every time."""

    def official(self, folder: Path) -> Referential:
        from dtscli.base.referential import Referential

        return Referential.load(folder)


class Caches(NamedTuple):
    records: RecordStore
    referential: ReferentialSource


NO_CACHES = Caches(NoRecords(), ReadReferential())

Opener = Callable[[Path, "Path | None"], Caches]
_opener: list[Opener] = []


def register_opener(opener: Opener) -> None:
    """Called by dtscli/cache on import: how to open the caches of a data directory."""
    _opener[:] = [opener]


def open_caches(data_dir: Path, cache_dir: Path | None = None) -> Caches:
    """The caches of a data directory (in `cache_dir`, else the default folder)."""
    if not _opener:
        from dtscli.util.errors import DtsError
        from dtscli.util.i18n import _

        raise DtsError(
            _(
                "no cache is available: import dtscli.cache first, or use "
                "dtscli.KnowledgeBase, to keep caches"
            )
        )
    return _opener[0](data_dir, cache_dir)
