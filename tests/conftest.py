"""Shared fixtures: the shipped knowledge base, and small hand-made ones built per test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dtscli.cli import app

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data"
REFERENTIAL = ("regions.yaml", "departements.yaml", "epci.yaml", "communes.yaml")

DOCUMENT = """\
id: doc-test
kind: rapport
title: Document de test
date: 2024-01-01
"""


class MiniBase:
    """A data directory in tmp_path with the real referential and hand-written records."""

    def __init__(self, root: Path) -> None:
        self.root = root
        territories = root / "territories"
        territories.mkdir(parents=True)
        for name in REFERENTIAL:
            (territories / name).symlink_to(SHIPPED / "territories" / name)
        (root / "schemes").mkdir()
        self.write("documents/doc-test.yaml", DOCUMENT)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def scheme(
        self, id_: str, type_: str, territory: str, status: str = "active", **extra: str
    ) -> Path:
        lines = [
            f"id: {id_}",
            f"type: {type_}",
            f"name: {extra.pop('name', 'Démarche ' + id_)}",
            f"territory: {territory}",
            f"status: {status}",
        ]
        if status != "unknown" and "status_basis" not in extra:  # a status says where from
            lines.append("status_basis: stated")
        lines += [f"{key}: {value}" for key, value in extra.items()]
        lines += ["sources:", "  - document: doc-test", "    as_of: 2024-01-01"]
        return self.write(f"schemes/{type_.lower()}/{id_}.yaml", "\n".join(lines) + "\n")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests use a cache folder of their own, never the user's."""
    import os

    os.environ["DTS_CACHE_DIR"] = str(tmp_path_factory.mktemp("dts-cache"))
    yield


LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def set_language(environ, lang: str | None) -> None:
    """Make `environ` (os.environ, or a monkeypatch) ask for `lang`: "en_US.UTF-8",
    "fr_FR.UTF-8", or None for no locale at all (French, the default)."""
    for name in LOCALE_VARIABLES:
        if hasattr(environ, "delenv"):
            environ.delenv(name, raising=False)
        else:
            environ.pop(name, None)
    if lang is not None:
        if hasattr(environ, "setenv"):
            environ.setenv("LANG", lang)
        else:
            environ["LANG"] = lang


@pytest.fixture(autouse=True, scope="session")
def _english_messages():
    """The tests written before the French interface assert English messages: they run with
    an English locale (and so do the commands they start). The tests of the two languages
    (test_i18n.py) choose theirs explicitly."""
    import os

    set_language(os.environ, "en_US.UTF-8")
    yield


def copy_shipped(target: Path) -> Path:
    """A copy of the shipped base (tests never touch data/); the generated referential
    files are linked, not copied."""
    import shutil

    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns(*REFERENTIAL))
    for name in REFERENTIAL:
        (target / "territories" / name).symlink_to(SHIPPED / "territories" / name)
    return target


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    return copy_shipped(tmp_path / "data")


@pytest.fixture
def mini(tmp_path: Path) -> MiniBase:
    return MiniBase(tmp_path / "data")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner):
    def run(*args: str, data: Path | None = SHIPPED):
        extra = ["--data-dir", str(data)] if data is not None else []
        return runner.invoke(app, [*args, *extra], catch_exceptions=False)

    return run
