"""Everything that exists only for speed. Each piece has a slow path elsewhere that gives the
same answer; a cache makes an answer faster, never different.

The base defines what it asks of a cache (base/caching.py) and never imports this package;
`open_caches` builds this package's implementations, which the commands hand to
`KnowledgeBase.load(caches=...)`. Importing the package registers it as the opener of
`KnowledgeBase.load(..., cache_dir=...)`.
"""

from __future__ import annotations

from pathlib import Path

from dtscli.base import caching


def open_caches(data_dir: Path, cache_dir: Path | None = None) -> caching.Caches:
    """The record cache and the referential cache of a data directory (nothing is kept
    when `DTS_NO_CACHE` is set)."""
    from dtscli.cache import store
    from dtscli.cache.records import RecordCache
    from dtscli.cache.referential import CachedReferential

    if not store.enabled():
        return caching.NO_CACHES
    records = RecordCache.open(data_dir, cache_dir)
    return caching.Caches(records, CachedReferential(store.folder_for(data_dir, cache_dir)))


caching.register_opener(open_caches)
