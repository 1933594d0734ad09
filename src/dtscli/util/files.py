"""Writing files safely: atomically, and not at all when nothing changes.

A regular file is written through a temporary file and a rename: a reader never sees half a
file. A new file gets the mode the umask allows (like any program's), a replaced one keeps
its mode, and a symbolic link stays a link (its target is rewritten). Anything else — a
pipe, a terminal, a device such as /dev/null or /dev/stdout — is written straight into,
never read to compare and never renamed over.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from dtscli.util.i18n import _

STREAMS = frozenset({"/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty"})
READ_LIMIT = 64 * 1024 * 1024  # compare with a regular file only up to this size


def write_atomically(path: Path, text: str, encoding: str = "utf-8") -> bool:
    """Write `text` to `path`; return False (and leave the file untouched, modification time
    included) when it already holds exactly `text`."""
    return write_bytes_atomically(path, text.encode(encoding))


def write_bytes_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` as write_atomically does; False when nothing changed."""
    path = Path(path)
    if is_special(path):
        write_special(path, data)
        return True
    target = final_target(path)
    with contextlib.suppress(OSError):
        info = target.stat()
        if info.st_size == len(data) <= READ_LIMIT and target.read_bytes() == data:
            return False
    with atomic_path(target) as temporary, open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def final_target(path: Path) -> Path:
    """The file a write to `path` must change: the end of a chain of symbolic links (so the
    link stays a link), or `path` itself."""
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))


def is_special(path: Path) -> bool:
    """True for an existing file that is no regular file (pipe, device, socket, terminal),
    and for the names of the standard streams (/dev/stdout, /dev/fd/1, /proc/self/fd/1)."""
    text = str(path)
    if text in STREAMS or text.startswith(("/dev/fd/", "/proc/")):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_special(path: Path, data: bytes) -> None:
    """Write into a pipe or a device as it is: a pipe nobody reads is an error, not a hang."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a named pipe with no reader
            raise OSError(error.errno, _("no program is reading from this pipe")) from None
        raise
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
    finally:
        os.close(descriptor)


def new_file_mode() -> int:
    """The mode a new file gets: 0666 less the umask, as open() would give it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[str]:
    """A temporary path beside `path` to build the file in; renamed over `path` when the
    block ends without error (with the mode `path` had, or the umask's), removed otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = new_file_mode()
    temporary = _temporary_name(path)
    try:
        yield temporary
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _temporary_name(path: Path) -> str:
    """A new empty file beside `path` that only this process uses."""
    for attempt in range(100):
        name = os.path.join(path.parent, f".{path.name}.{os.getpid()}.{attempt}.tmp")
        try:
            descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(descriptor)
        return name
    raise OSError(errno.EEXIST, _("cannot create a temporary file beside it"), str(path))
