"""Writing the files of the site: each through a temporary file and a rename (a reader or
a web server never sees half a page), created with the user's umask, and not at all when
the file already holds the same bytes (a site built again keeps the dates of the pages
that did not change, so that a copy to a host sends only the others).

Not `util.files.write_atomically`: it syncs each file to disk, which a site of thousands
of pages cannot afford; a page lost in a crash is written again by the next build."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether `path` holds exactly `data` (False when it does not exist)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def write_file(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it holds them already; True when written."""
    if same_bytes(path, data):
        return False
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # umask
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return True
