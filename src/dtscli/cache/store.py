"""Where dts keeps its caches, and when they are stale because the code changed.

Light on purpose (no dataclasses, no pickle): `dts list` and `dts check` read it on every
run. Where: `--cache-dir`, else $DTS_CACHE_DIR, else $XDG_CACHE_HOME/dts, else
~/.cache/dts; one sub-folder per data directory. `DTS_NO_CACHE=1` turns caches off.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from dtscli import __version__
from dtscli.util.i18n import language

FORMAT = 1
RACY_SECONDS = 2.0  # a file modified this close to the save is re-hashed next time
ENV_DIR = "DTS_CACHE_DIR"
ENV_OFF = "DTS_NO_CACHE"


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file atomically (a temporary file beside it, then a rename), so that a
    reader never sees half of it; raises OSError, which callers may ignore (no cache is no
    error)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def cache_root(explicit: Path | None = None) -> Path:
    if explicit is not None:
        return explicit
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dts"


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "") in ("", "0")


def folder_for(data_dir: Path, explicit: Path | None = None) -> Path:
    """One folder per data directory, named after it (zlib: no hashlib on the fast path)."""
    import zlib

    absolute = str(data_dir.resolve())
    return cache_root(explicit) / f"{data_dir.resolve().name}-{zlib.crc32(absolute.encode()):08x}"


def code_fingerprint() -> str:
    """Changes whenever any code of the package may have changed: every module of dtscli, found
    by walking the package (nothing to keep up to date by hand), by size and modification time;
    and with the language of the run, since cached findings hold their messages."""
    package = os.path.dirname(os.path.dirname(__file__))
    parts = [__version__, str(FORMAT), language()]  # findings are saved in their language
    pending = [package]
    while pending:
        folder = pending.pop()
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith((".py", ".mo")):  # code and the compiled catalogs
                    stat = entry.stat()
                    relative = entry.path[len(package) :]
                    parts.append(f"{relative}:{stat.st_size}:{stat.st_mtime_ns}")
                elif entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
    return "|".join(parts[:3] + sorted(parts[3:]))


def sha1_hex(data: bytes) -> str:
    """The content hash of a file, as the record cache keeps it. CPython's own SHA-1 module
    when it has one: hashlib loads OpenSSL first, a few milliseconds on every check."""
    try:
        from _sha1 import sha1
    except ImportError:  # another Python
        from hashlib import sha1
    return sha1(data).hexdigest()
