"""The outside clients some tests run (npm packages under tests/tools/, installed by .ci/run
with `npm ci`): found, or the test is skipped on a developer's machine and fails in CI."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent / "tools"
MODULES = TOOLS / "node_modules"
SARIF_MULTITOOL = MODULES / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"


def require(what: str, present: bool) -> None:
    """Skip when a client is missing, except in CI (CI=true), where that is a failure."""
    if present:
        return
    message = f"{what} is not installed: npm ci --prefix tests/tools"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def node_module(name: str) -> Path:
    require(f"node and the npm package {name}", bool(shutil.which("node")))
    require(f"the npm package {name}", (MODULES / name).is_dir())
    return MODULES / name


def sarif_multitool() -> Path:
    """The SARIF Multitool binary (its npm package's postinstall, which sets the executable
    bit, may not have run: npm may hold back install scripts)."""
    require("the SARIF Multitool (@microsoft/sarif-multitool)", SARIF_MULTITOOL.is_file())
    mode = SARIF_MULTITOOL.stat().st_mode
    if not mode & stat.S_IXUSR:
        SARIF_MULTITOOL.chmod(mode | stat.S_IXUSR)
    return SARIF_MULTITOOL
