"""The layers hold: `lint-imports` keeps the contracts of [tool.importlinter] in
pyproject.toml (a layer imports only the ones below it, data imports nothing else of the
package, only the command line imports typer, the caches import no pydantic)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import ROOT


def test_the_import_contracts_are_kept():
    command = Path(sys.executable).with_name("lint-imports")
    executable = str(command) if command.exists() else shutil.which("lint-imports")
    assert executable, "lint-imports is missing: pip install -e '.[test]'"
    result = subprocess.run(
        [executable, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout
