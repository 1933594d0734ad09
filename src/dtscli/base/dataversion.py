"""The version of a data directory: its git commit, and whether files changed since."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any


def data_version(data_dir: Path) -> dict[str, Any] | None:
    """The git commit of the data directory, and whether it has uncommitted changes."""

    def git(*args: str) -> subprocess.CompletedProcess[str] | None:
        try:
            return subprocess.run(
                ["git", "-C", str(data_dir), *args],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None

    head = git("rev-parse", "--short", "HEAD")
    if head is None or head.returncode != 0 or not head.stdout.strip():
        return None
    status = git("status", "--porcelain", "--", ".")
    modified = bool(status and status.returncode == 0 and status.stdout.strip())
    return {"commit": head.stdout.strip(), "modified": modified}
