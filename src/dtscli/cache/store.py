"""Where dts keeps its caches, how a cache file is written and read back, and when a file's
saved state can be trusted: the rules every cache follows, in one place.

- A cache file is data, never code: plain values written by marshal (no pickle), under a
  header line `dts-cache <format> <code fingerprint> <checksum>`. `load` returns None for
  a file that is missing, damaged (checksum), of another format or written by other code
  (fingerprint): the caller then takes the slow path, which writes it again.
- A file is unchanged when its stamp is: size, modification and change times in
  nanoseconds, inode (what git trusts; an edit moves the change time even when it puts
  the modification time back). A stamp taken within the clock's resolution of the save
  ("racy") is not trusted: that file's content hash is compared instead.

Where: `--cache-dir`, else $DTS_CACHE_DIR, else $XDG_CACHE_HOME/dts, else ~/.cache/dts;
one sub-folder per data directory. `DTS_NO_CACHE=1` turns caches off. Light on purpose:
`dts list` and `dts check` read it on every run.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import time
import zlib
from pathlib import Path
from typing import Any

from dtscli import __version__
from dtscli.util.hashing import sha1_hex
from dtscli.util.i18n import language
from dtscli.util.stamps import Stamp, stamp_of

FORMAT = 3  # of the header and of every payload: bump it when a payload changes shape
MAGIC = b"dts-cache"
RACY_SECONDS = 2.0  # a file modified this close to the save is re-hashed next time
ENV_DIR = "DTS_CACHE_DIR"
ENV_OFF = "DTS_NO_CACHE"

__all__ = ["Stamp", "sha1_hex", "stamp_of"]  # the stamp and the hash every cache uses


# ---------------------------------------------------------------- where


def cache_root(explicit: Path | None = None) -> Path:
    if explicit is not None:
        return explicit
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dts"


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "") in ("", "0")


_resolved: dict[tuple[str, str], Path] = {}


def folder_for(data_dir: Path, explicit: Path | None = None) -> Path:
    """One folder per data directory, named after it (zlib: no hashlib on the fast path).
    The data directory is resolved once per process: a warm list asks for a dozen files."""
    key = ("" if data_dir.is_absolute() else os.getcwd(), str(data_dir))
    if key not in _resolved:
        _resolved[key] = data_dir.resolve()
    absolute = _resolved[key]
    return cache_root(explicit) / f"{absolute.name}-{zlib.crc32(str(absolute).encode()):08x}"


# ---------------------------------------------------------------- which code


_fingerprints: dict[str, str] = {}


def code_fingerprint() -> str:
    """Changes whenever any code of the package may have changed: every module and compiled
    catalog of dtscli, found by walking the package (nothing to keep up to date by hand), by
    size and modification time; and the language of the run, since cached findings hold
    their messages. Computed once per process and language."""
    key = language()
    if key not in _fingerprints:
        package = os.path.dirname(os.path.dirname(__file__))
        parts = [__version__, str(FORMAT), key]
        pending = [package]
        while pending:
            folder = pending.pop()
            with contextlib.suppress(OSError), os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.endswith((".py", ".mo", ".j2")):  # code, catalogs, templates
                        stat = entry.stat()
                        relative = entry.path[len(package) :]
                        parts.append(f"{relative}:{stat.st_size}:{stat.st_mtime_ns}")
                    elif entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                        pending.append(entry.path)
        text = "|".join(parts[:3] + sorted(parts[3:]))
        _fingerprints[key] = f"{zlib.crc32(text.encode()):08x}{len(text):x}"
    return _fingerprints[key]


# ---------------------------------------------------------------- one file format


def _checksum(body: bytes) -> bytes:
    return b"%08x" % zlib.crc32(body)  # catches damage; a few ms for a national state


def dump(path: Path, payload: Any) -> None:
    """Write a cache file (marshal of plain values, under the header); raises OSError or
    ValueError (a value marshal cannot write), which callers ignore: no cache is no error."""
    body = marshal.dumps(payload)
    header = b"%s %d %s %s\n" % (MAGIC, FORMAT, code_fingerprint().encode(), _checksum(body))
    write_cache_file(path, header + body)


def load(path: Path) -> Any:
    """What `dump` wrote, or None when the file is missing, damaged, of another format or
    of other code. The caller still checks the payload's shape (a cache file is input)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read()  # marshal.load would read a file in small pieces
    except OSError:
        return None
    header, newline, body = raw.partition(b"\n")
    expected = b"%s %d %s " % (MAGIC, FORMAT, code_fingerprint().encode())
    if not newline or not header.startswith(expected):
        return None
    if header[len(expected) :] != _checksum(body):
        return None
    try:
        return marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file atomically (a temporary file beside it, then a rename), so that a
    reader never sees half of it; raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


# ---------------------------------------------------------------- when a file is unchanged


def is_racy(mtime_ns: int, since: float | None = None) -> bool:
    """Whether a time read at `since` (default: now) may not move on a change made after:
    the file system keeps times to a resolution (coarse on some), so a recent one cannot
    be trusted."""
    return (time.time() if since is None else since) - mtime_ns / 1e9 < RACY_SECONDS


def digest_of(path: Path | str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return sha1_hex(handle.read())
    except OSError:
        return None


def unchanged(
    path: Path | str, now: Stamp | None, saved: Any, digest: str | None, racy: bool
) -> bool:
    """The one rule: a file is unchanged when its stamp is the saved one and that stamp was
    not racy; otherwise (a racy stamp, or only the times moved) when its size and content
    hash are the saved ones."""
    if now is None or saved is None or len(saved) != 4:
        return False
    if tuple(saved) == now and not racy:
        return True
    return now[0] == saved[0] and digest is not None and digest_of(path) == digest


def stamp_file(path: Path | str) -> Stamp | None:
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return None
