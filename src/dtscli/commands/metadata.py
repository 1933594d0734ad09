"""What every export says about itself: the version of the data, where it comes from, and
the metadata (title, version, date, licence, source) built from the facts of data/about.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dtscli import __version__
from dtscli.data.about import (
    DATA_DESCRIPTION,
    DATA_LICENCE,
    DATA_TITLE,
)


def data_version(data_dir: Path) -> str:
    """The version of the data: the git commit of its folder (« +modifications » when files
    changed since), or « non-versionnée » outside git."""
    from dtscli.base.dataversion import data_version as commit_of

    found = commit_of(data_dir)
    if found is None:
        return "non-versionnée"
    return found["commit"] + ("+modifications" if found["modified"] else "")


def data_source(data_dir: Path) -> dict[str, str]:
    """Where the data comes from: the git remote of its repository (without credentials),
    else the folder; each record cites its own documents in `sources`."""
    import re
    import subprocess

    source = {"title": "Base de connaissances dts : fiches YAML, chacune avec ses sources"}
    try:
        remote = subprocess.run(
            ["git", "-C", str(data_dir), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        remote = ""
    source["path"] = re.sub(r"//[^/@]*@", "//", remote) if remote else data_dir.resolve().name
    return source


def export_metadata(data_dir: Path, today: dt.date | None = None) -> dict[str, Any]:
    """What every export says about itself: title, version of the data and of dts, the date
    it was made, its licence and where it comes from."""
    return {
        "title": DATA_TITLE,
        "description": DATA_DESCRIPTION,
        "version": data_version(data_dir),
        "created": (today or dt.date.today()).isoformat(),
        "licenses": [dict(DATA_LICENCE)],
        "sources": [data_source(data_dir)],
        "generator": f"dts {__version__}",
    }
