"""The official referential, from a cache file while its four generated files are
unchanged: parsing them takes a tenth of a second, building the name index as much again;
reading the tables back, a few hundredths. Each file's state is judged by store.py's rule
(stamp, or content hash when the stamp was racy)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from dtscli.base.referential import REFERENTIAL_FILES, Referential
from dtscli.cache import store

REFERENTIAL_FILE = "referential.marshal"


class CachedReferential:
    """A ReferentialSource (base/caching.py) that keeps the tables in `cache_folder`."""

    def __init__(self, cache_folder: Path | None) -> None:
        self.cache_folder = cache_folder

    def official(self, folder: Path) -> Referential:
        return cached_referential(folder, self.cache_folder)


def file_states(folder: Path) -> list[tuple[str, Any, bool]] | None:
    """(name, stamp, racy) of each generated file, or None when one is missing."""
    states = []
    for name in REFERENTIAL_FILES:
        stamp = store.stamp_file(folder / f"{name}.yaml")
        if stamp is None:
            return None
        states.append((name, stamp, store.is_racy(stamp[1])))
    return states


def cached_referential(folder: Path, cache_folder: Path | None) -> Referential:
    if cache_folder is None or not store.enabled():
        return Referential.load(folder)
    states = file_states(folder)
    if states is None:
        return Referential.load(folder)  # it reports what is missing
    path = cache_folder / REFERENTIAL_FILE
    saved = store.load(path)
    with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
        where, files, tables = saved
        if (
            where == str(folder.resolve())
            and len(files) == len(states)
            and all(
                name == state[0]
                and store.unchanged(folder / f"{name}.yaml", state[1], stamp, digest, racy)
                for (name, stamp, digest, racy), state in zip(files, states, strict=True)
            )
        ):
            return Referential.from_tables(tables)
    referential = Referential.load(folder)
    files = [
        (name, stamp, store.digest_of(folder / f"{name}.yaml"), racy)
        for name, stamp, racy in states
    ]  # hashed once per build: a racy file is compared by its content next time
    with contextlib.suppress(OSError, ValueError):  # no cache is no error
        store.dump(path, (str(folder.resolve()), files, referential.tables()))
    return referential
