"""The release: `python -m build` gives a wheel and an sdist that `twine check` accepts,
holding the JSON Schemas, the sheet templates and the `dts init` files; the wheel installed
in a fresh virtual environment sets up a data repository, checks it and renders a sheet."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from dtscli import __version__
from dtscli.data import jsonschemas

from ..conftest import ROOT, SHIPPED


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_twine_accepts_the_wheel_and_the_sdist(dist):
    files = sorted(dist.iterdir())
    assert [f.name for f in files] == [
        f"dtscli-{__version__}-py3-none-any.whl",
        f"dtscli-{__version__}.tar.gz",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_the_wheel_holds_the_package_data(dist):
    wheel = zipfile.ZipFile(dist / f"dtscli-{__version__}-py3-none-any.whl")
    names = set(wheel.namelist())
    for kind in jsonschemas.KINDS:
        assert f"dtscli/schemas/{jsonschemas.file_name(kind)}" in names
    assert "dtscli/schemas/check-report.schema.json" in names
    for template in ("type.md.j2", "scheme.md.j2", "territory.md.j2", "macros.md.j2"):
        assert f"dtscli/sheets/templates/{template}" in names
    assert "dtscli/commands/skeleton/workflow-dts.yml" in names
    info = f"dtscli-{__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    metadata = wheel.read(f"{info}/METADATA").decode()
    assert f"Version: {__version__}" in metadata  # from dtscli.__version__, one place
    assert "License-Expression: MIT" in metadata
    with tarfile.open(dist / f"dtscli-{__version__}.tar.gz") as sdist:
        members = {
            Path(m).relative_to(f"dtscli-{__version__}").as_posix() for m in sdist.getnames()[1:]
        }
    assert {"LICENSE", "README.md", "pyproject.toml", "src/dtscli/schemas/scheme.schema.json"} <= (
        members
    )


def test_the_wheel_works_in_a_fresh_venv(dist, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = dist / f"dtscli-{__version__}-py3-none-any.whl"
    install = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    dts = str(venv / "bin/dts")
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}

    def run(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [dts, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
        )
        assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
        return result

    assert run("--version").stdout.strip() == f"dts {__version__}"
    run("init", "base", "--from", str(SHIPPED))
    base = tmp_path / "base"
    assert (base / "schemas/scheme.schema.json").is_file()
    assert "Rien à signaler" in run("check", cwd=base).stdout  # French: C asks for no language
    assert "Contrat local de santé" in run("sheet", "CLS", cwd=base).stdout
    assert run("schema", "-o", "schemas", "--check", cwd=base).returncode == 0
