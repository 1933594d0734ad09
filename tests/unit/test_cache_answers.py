"""The speed layer never changes an answer (issue 17, cache part): a warm command (with its
caches and the saved check state) answers as the cold one (`DTS_NO_CACHE=1`), whatever
happened to the data or to the cache files in between."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from ..conftest import SHIPPED

TODAY = dt.date(2026, 11, 24)


def age(data: Path) -> None:
    """Put every time of the base an hour back, so that the caches trust the saved stamps
    (a stamp this close to the save is not trusted, and its file is hashed again)."""
    past = dt.datetime.now().timestamp() - 3600
    for folder, _, files in os.walk(data):
        for name in files:
            os.utime(os.path.join(folder, name), (past, past), follow_symlinks=False)
        os.utime(folder, (past, past))


def edit_keeping_size_and_time(path: Path, old: str, new: str) -> None:
    """An edit of the same length, its modification time put back (`touch -r`)."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


@pytest.fixture
def warm(tmp_path, monkeypatch, invoke):
    """Run a command with the caches (`warm("list")`) or without (`warm.cold("list")`)."""
    cache = tmp_path / "cache"

    class Runner:
        data = tmp_path / "data"

        def __call__(self, *args: str):
            monkeypatch.setenv("DTS_CACHE_DIR", str(cache))
            monkeypatch.delenv("DTS_NO_CACHE", raising=False)
            return self._run(args)

        def cold(self, *args: str):
            monkeypatch.setenv("DTS_NO_CACHE", "1")
            try:
                return self._run(args)
            finally:
                monkeypatch.delenv("DTS_NO_CACHE")

        def _run(self, args):
            result = invoke(*args, data=self.data)
            return result.exit_code, result.stdout, result.stderr

        cache_dir = cache

    return Runner()


def base_copy(tmp_path: Path) -> Path:
    from ..conftest import copy_shipped

    return copy_shipped(tmp_path / "data")


# ---------------------------------------------------------------- C03: the referential


def test_c03_a_same_size_edit_of_the_referential_is_seen(tmp_path, monkeypatch, warm):
    data = base_copy(tmp_path)
    communes = data / "territories" / "communes.yaml"
    communes.unlink()
    shutil.copyfile(SHIPPED / "territories" / "communes.yaml", communes)
    age(data)
    assert warm("check", "--today", "2026-11-24")[0] == 0
    edit_keeping_size_and_time(communes, '"code": "81004"', '"code": "81994"')
    code, out, _ = warm("check", "--today", "2026-11-24")
    cold = warm.cold("check", "--today", "2026-11-24")
    assert cold[0] == 1 and cold[1].count("ref-territory") == 2, cold
    assert (code, out) == cold[:2]


# ---------------------------------------------------------------- C02: a record


COMMANDS = [
    ("show", "clsm-albi"),
    ("show", "clsm-albi", "--format", "json"),
    ("list",),
    ("list", "--type", "CLSM"),
    ("list", "--format", "json"),
    ("export", "--format", "csv"),
    ("export", "--format", "json"),
    ("sheet", "clsm-albi", "--date", "2026-11-24"),
    ("sheet", "CLSM", "--date", "2026-11-24", "--format", "json"),
    ("stats", "--format", "json"),
]


def test_c02_a_same_size_edit_of_a_record_is_served(tmp_path, warm):
    data = base_copy(tmp_path)
    age(data)
    for command in COMMANDS:
        warm(*command)
    warm("check", "--today", "2026-11-24")
    albi = data / "schemes" / "clsm" / "clsm-albi.yaml"
    edit_keeping_size_and_time(albi, "mentale d'Albi", "mentale d'Alby")
    warm("check", "--today", "2026-11-24")  # itself right: it must not hide the edit
    for command in COMMANDS:
        answer = warm(*command)
        assert answer == warm.cold(*command), command
    assert "d'Alby" in warm("show", "clsm-albi")[1]


# ---------------------------------------------------------------- C18-C20: `dts list`


def test_c18_a_record_filed_in_another_types_folder_is_listed(tmp_path, warm):
    data = base_copy(tmp_path)
    misfiled = data / "schemes" / "clsm" / "cls-misfiled.yaml"
    text = (data / "schemes" / "cls" / "cls-albi.yaml").read_text(encoding="utf-8")
    misfiled.write_text(text.replace("id: cls-albi", "id: cls-misfiled"), encoding="utf-8")
    cold = warm.cold("list", "--type", "CLS")
    assert "cls-misfiled" in cold[1]
    warm("list")
    assert warm("list", "--type", "CLS") == cold
    assert warm("list", "--type", "CLS") == cold


def test_c19_a_broken_scheme_type_fails_the_warm_list(tmp_path, warm):
    data = base_copy(tmp_path)
    warm("list")
    warm("list")
    with (data / "schemes" / "CLSM.yaml").open("a", encoding="utf-8") as handle:
        handle.write("bad_key: 1\n")
    cold = warm.cold("list")
    assert cold[0] == 1 and "bad_key" in cold[2], cold
    assert warm("list") == cold
    assert warm("list") == cold


def test_c20_two_files_with_one_id_fail_every_warm_list(tmp_path, warm):
    data = base_copy(tmp_path)
    shutil.copyfile(
        data / "schemes" / "clsm" / "clsm-albi.yaml", data / "schemes" / "clsm" / "clsm-zz.yaml"
    )
    cold = warm.cold("list")
    assert cold[0] == 1 and "clsm-albi" in cold[2], cold
    assert warm("list") == cold
    assert warm("list") == cold
    assert warm("list", "--type", "CLSM", "--dept", "81") == warm.cold(
        "list", "--type", "CLSM", "--dept", "81"
    )


# ---------------------------------------------------------------- C06-C08: cache files


def cache_files(cache: Path, name: str) -> list[Path]:
    found = [path for path in cache.rglob(name) if path.is_file()]
    assert found, f"no {name} in {cache}"
    return found


def test_c06_a_damaged_byte_in_the_check_state_is_rebuilt(tmp_path, warm):
    data = base_copy(tmp_path)
    (data / "contacts" / "reseda.yaml").write_text("id: reseda\nname: 42\nbad: [\n")
    cold = warm.cold("check", "--today", "2026-11-24")
    assert cold[0] == 1
    assert warm("check", "--today", "2026-11-24")[:2] == cold[:2]
    for state in cache_files(warm.cache_dir, "check-state.marshal"):
        damaged = bytearray(state.read_bytes())
        for offset in range(len(damaged) // 3, len(damaged), max(len(damaged) // 7, 1)):
            damaged[offset] ^= 0x5A
        state.write_bytes(bytes(damaged))
    assert warm("check", "--today", "2026-11-24")[:2] == cold[:2]
    assert warm("check", "--today", "2026-11-24")[:2] == cold[:2]  # and saved again


def test_c07_a_state_with_its_findings_emptied_is_refused(tmp_path, warm):
    import marshal

    data = base_copy(tmp_path)
    (data / "contacts" / "reseda.yaml").write_text("id: reseda\nname: 42\n")
    cold = warm.cold("check", "--today", "2026-11-24")
    assert cold[0] == 1
    warm("check", "--today", "2026-11-24")
    for state in cache_files(warm.cache_dir, "check-state.marshal"):
        raw = state.read_bytes()
        start = raw.index(b"\n") + 1 if raw.startswith(b"dts-cache") else 0  # after a header
        version, values = marshal.loads(raw[start:])
        values["file_findings"] = [[] for _ in values["file_findings"]]
        values["base_findings"] = []
        state.write_bytes(raw[:start] + marshal.dumps((version, values)))
    assert warm("check", "--today", "2026-11-24")[:2] == cold[:2]


class Payload:
    """Unpickling this writes a file: the proof that a cache was executed."""

    def __init__(self, witness: Path) -> None:
        self.witness = witness

    def __reduce__(self):
        return (Path.write_text, (self.witness, "executed"))


def test_c08_a_pickle_placed_in_a_cache_is_never_executed(tmp_path, warm):
    import pickle

    base_copy(tmp_path)
    cold = warm.cold("show", "clsm-albi")
    warm("check", "--today", "2026-11-24")
    warm("show", "clsm-albi")
    witness = tmp_path / "witness"
    payload = pickle.dumps(Payload(witness))
    files = [path for path in warm.cache_dir.rglob("*") if path.is_file()]
    assert files
    for path in files:
        path.write_bytes(payload)
    for command in (("show", "clsm-albi"), ("list",), ("check", "--today", "2026-11-24")):
        warm(*command)
    assert not witness.exists()
    assert warm("show", "clsm-albi") == cold
    names = {path.name for path in warm.cache_dir.rglob("*") if path.is_file()}
    assert not any(name.endswith(".pickle") for name in names), names


# ---------------------------------------------------------------- the fast path stays fast


def test_a_warm_list_imports_neither_pydantic_nor_the_parser(tmp_path):
    """Keeping every answer exact must not cost the warm `dts list` the models: it reads
    the index, stats the files and imports no pydantic, no ruamel.yaml."""
    import subprocess
    import sys

    data = base_copy(tmp_path)
    env = {**os.environ, "DTS_CACHE_DIR": str(tmp_path / "cache"), "DTS_NO_CACHE": "0"}
    command = [sys.executable, "-X", "importtime", "-m", "dtscli", "list", "--type", "CLSM"]
    command += ["--dept", "06", "--data-dir", str(data)]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert "pydantic" in first.stderr  # the first list loads the base
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and again.stdout == first.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines()}
    assert not {name for name in imported if name.startswith(("pydantic", "ruamel"))}
