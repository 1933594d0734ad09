"""What tells that a file or a folder changed, as every cache compares it (cache/store.py):
the stamps git trusts. Light on purpose: the warm `dts list` reads it."""

from __future__ import annotations

import os

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
FolderStamp = tuple[int, int, int]  # mtime_ns, ctime_ns, inode: what moves when an entry does


def stamp_of(info: os.stat_result) -> Stamp:
    """What tells a file changed: an edit always moves the change time, even one that puts
    the modification time back."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def folder_stamp_of(info: os.stat_result) -> FolderStamp:
    """What tells a folder's entries changed: adding, removing or renaming one moves the
    folder's times (editing a file in it does not)."""
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
