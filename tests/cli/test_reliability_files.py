"""Reliability (issue 17): files and folders — fmt on odd YAML, links, modes, special files.

Each test is named after its case of the adversarial run (F05, F06, F11, E07, E08, C15)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from tests.conftest import SHIPPED

SCHEME = """\
name: Contrat local de santé de Nice
id: cls-nice
type: CLS
territory: commune:06088
status: active
sources:
  - document: doc-test
    as_of: 2024-01-01
"""


def scheme_file(mini, text: str = SCHEME) -> Path:
    """A CLS record (and the CLS type, so that the mini base checks clean)."""
    type_file = SHIPPED / "schemes" / "CLS.yaml"
    mini.write("schemes/CLS.yaml", type_file.read_text(encoding="utf-8"))
    return mini.write("schemes/cls/cls-nice.yaml", text)


def test_F05_a_document_end_marker_is_formatted_like_check_reads_it(invoke, mini):
    last_key_moves = SCHEME.replace("id: cls-nice\n", "") + "id: cls-nice\n...\n"
    path = scheme_file(mini, last_key_moves)
    checked = invoke("check", data=mini.root).output
    assert "yaml-" not in checked and "internal" not in checked
    result = invoke("fmt", data=mini.root)
    assert "internal error" not in result.output
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("id: cls-nice\ntype: CLS\nname: Contrat")
    again = invoke("check", data=mini.root).output
    assert "yaml-" not in again and again.count("cls-nice.yaml:") == checked.count("cls-nice.yaml:")


def test_F06_fmt_refuses_to_change_what_a_file_means(invoke, mini):
    text = "id: cls-nice\ntype: CLS\nname: !!set {a, b}\nterritory: commune:06088\n"
    path = scheme_file(mini, text)
    result = invoke("fmt", data=mini.root)
    assert result.exit_code == 1
    assert "internal error" not in result.output
    assert "cls-nice.yaml:1: formatting would change what this file means" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_F11_a_linked_record_is_formatted_through_its_link(invoke, mini, tmp_path, monkeypatch):
    target = tmp_path / "elsewhere" / "cls-nice.yaml"
    target.parent.mkdir()
    target.write_text(SCHEME, encoding="utf-8")
    link = mini.root / "schemes" / "cls" / "cls-nice.yaml"
    scheme_file(mini).unlink()
    link.symlink_to(target)
    monkeypatch.chdir(mini.root)
    one = invoke("fmt", "--check", str(link), data=mini.root)
    every = invoke("fmt", "--check", data=mini.root)
    assert one.exit_code == every.exit_code == 1, (one.output, every.output)
    assert invoke("fmt", str(link), data=mini.root).exit_code == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("id: cls-nice\ntype: CLS\n")
    assert invoke("fmt", "--check", data=mini.root).exit_code == 0


@pytest.fixture
def strict_umask():
    old = os.umask(0o077)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_E07_new_files_honour_the_umask(invoke, mini, tmp_path, strict_umask):
    database, table = tmp_path / "base.db", tmp_path / "base.csv"
    assert invoke("export", "-o", str(database), data=mini.root).exit_code == 0
    assert invoke("export", "-o", str(table), data=mini.root).exit_code == 0
    assert mode(database) == mode(table) == 0o600


def test_E07_replaced_files_keep_their_mode(invoke, mini, tmp_path):
    database, table = tmp_path / "base.db", tmp_path / "base.csv"
    for path in (database, table):
        path.write_text("old", encoding="utf-8")
        path.chmod(0o640)
    assert invoke("export", "-o", str(database), data=mini.root).exit_code == 0
    assert invoke("export", "-o", str(table), data=mini.root).exit_code == 0
    assert mode(database) == mode(table) == 0o640
    assert table.read_text(encoding="utf-8").startswith("id,")


def test_E08_a_fifo_is_written_into_not_replaced(invoke, mini, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader holds the pipe open
    try:
        result = invoke("export", "--format", "csv", "-o", str(fifo), data=mini.root)
        received = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received.startswith(b"id,")


def test_E08_a_fifo_nobody_reads_is_an_error_not_a_hang(invoke, mini, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = invoke("export", "--format", "csv", "-o", str(fifo), data=mini.root)
    assert result.exit_code == 2
    assert "no program is reading from this pipe" in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_E08_a_device_is_written_into_not_read_nor_replaced(invoke, mini):
    # /dev/zero, not /dev/null: a regression run as root must not replace /dev/null.
    device = "/dev/zero"
    before = os.stat(device)
    result = invoke("export", "--format", "csv", "-o", device, data=mini.root)
    assert result.exit_code == 0, result.output
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_E08_sqlite_refuses_a_special_file(invoke, mini, tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    result = invoke("export", "--format", "sqlite", "-o", str(fifo), data=mini.root)
    assert result.exit_code == 2
    assert f"{fifo} is not a regular file" in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_E08_dev_stdout_is_written_directly(mini, tmp_path):
    import subprocess

    out = tmp_path / "out.csv"
    with out.open("wb") as handle:
        finished = subprocess.run(
            [sys.executable, "-m", "dtscli", "export", "--format", "csv", "-o", "/dev/stdout"],
            stdout=handle,
            stderr=subprocess.PIPE,
            env={**os.environ, "DTS_DATA": str(mini.root)},
            timeout=120,
            check=False,
        )
    assert finished.returncode == 0, finished.stderr
    assert out.read_bytes().startswith(b"id,")
