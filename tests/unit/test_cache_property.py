"""Property: through any sequence of edits (random ones, and same-size ones whose modification
time is put back), every command that reads a cache answers warm exactly as cold: check,
list, show, export, sheet and stats. The caches and the base live on from one example to
the next, as they do between a user's runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dtscli.cli import app

from ..checks.test_check_property import SAMPLES, mutated
from ..conftest import SHIPPED, copy_shipped

COMMANDS = [
    ("check", "--today", "2026-11-24"),
    ("list",),
    ("list", "--type", "CLS", "--dept", "13"),
    ("show", "cls-albi"),
    ("export", "--format", "csv"),
    ("sheet", "CLS", "--date", "2026-11-24", "--format", "json"),
    ("stats", "--format", "json"),
]
SAME_SIZE = [  # (file, text, a replacement of the same length)
    ("schemes/cls/cls-albi.yaml", "name: Contrat", "name: Contrit"),
    ("schemes/cls/cls-albi.yaml", "territory: commune:81004", "territory: commune:81018"),
    ("schemes/CLS.yaml", "name: ", "nome: "),
    ("contacts/evangeline-bonnerot.yaml", "@", "#"),
    ("territories/communes.yaml", '"code": "81004"', '"code": "81994"'),
    ("territories/local/pays-de-martigues.yaml", "13056", "13057"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the shipped base (with a real copy of communes.yaml, to edit) and the cache
    folder its warm runs share."""
    root = tmp_path_factory.mktemp("property")
    data = copy_shipped(root / "data")
    communes = data / "territories" / "communes.yaml"
    communes.unlink()
    shutil.copyfile(SHIPPED / "territories" / "communes.yaml", communes)
    return data, root / "cache"


def run(data: Path, cache: Path, command: tuple[str, ...], warm: bool) -> tuple:
    env = {"DTS_CACHE_DIR": str(cache), "DTS_NO_CACHE": "0" if warm else "1"}
    result = CliRunner().invoke(app, [*command, "--data-dir", str(data)], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    if command[0] == "check":  # its summary counts the files read again
        return result.exit_code, result.stdout
    return result.exit_code, result.stdout, result.stderr


@st.composite
def edits(draw) -> list[tuple[str, bytes, bool]]:
    """One to three edits: (file, new content, put the modification time back)."""
    found = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            relative, content = draw(mutated())
            found.append((relative, content, draw(st.booleans())))
        else:
            relative, old, new = draw(st.sampled_from(SAME_SIZE))
            found.append((relative, old.encode() + b"\0" + new.encode(), True))
    return found


def apply(data: Path, relative: str, content: bytes, keep_time: bool) -> None:
    path = data / relative
    before = path.stat()
    if b"\0" in content:  # a same-size replacement
        old, new = content.split(b"\0")
        text = path.read_bytes()
        if old not in text:
            return
        content = text.replace(old, new, 1)
    path.write_bytes(content)
    if keep_time:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits())
def test_every_command_answers_warm_as_cold(world, case):
    data, cache = world
    for command in COMMANDS:  # the caches as the last example left them, filled
        run(data, cache, command, warm=True)
    originals = {relative: (data / relative).read_bytes() for relative, _, _ in case}
    try:
        for relative, content, keep_time in case:
            apply(data, relative, content, keep_time)
        for command in COMMANDS:
            cold = run(data, cache, command, warm=False)
            assert run(data, cache, command, warm=True) == cold, command
            assert run(data, cache, command, warm=True) == cold, command  # from what it saved
    finally:
        for relative, original in originals.items():
            before = (data / relative).stat()
            (data / relative).write_bytes(original)
            os.utime(data / relative, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_the_samples_exist():
    for relative in SAMPLES:
        assert (SHIPPED / relative).is_file(), relative
    for relative, old, new in SAME_SIZE:
        assert old in (SHIPPED / relative).read_text(encoding="utf-8"), relative
        assert len(old.encode()) == len(new.encode())
