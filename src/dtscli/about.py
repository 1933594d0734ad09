"""What dts says about itself and about the data it publishes: where the tool lives, the
licences, and the metadata every export carries (title, version, date, licence, source).

One place for these facts, read by the exports, the SARIF report and `dts init`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dtscli import __version__

# The tool's repository (its pre-commit hook, the documentation of its rules). Set here once
# for every output that links to it; `dts init --hook-repo` overrides it for a fork or mirror.
REPOSITORY = "https://github.com/dtscli/dtscli"
DOCUMENTATION = f"{REPOSITORY}#readme"
RULES_DOCUMENTATION = f"{REPOSITORY}#checking-the-data-dts-check"
DISTRIBUTION = "dtscli"  # the name on PyPI
# The `$id` of the JSON Schemas: where the repository publishes them (src/dtscli/schemas/).
SCHEMA_BASE = f"{REPOSITORY}/raw/main/src/dtscli/schemas/"

CODE_LICENCE = "MIT"
# The data: Licence Ouverte / Open Licence 2.0 (Etalab), the licence of French public data.
DATA_LICENCE: dict[str, str] = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
DATA_TITLE = "Démarches territoriales de santé (CLS, CLSM, ASV, PTSM, CPTS, DAC)"
DATA_DESCRIPTION = (
    "Base de connaissances des démarches territoriales de santé : contrats locaux de santé, "
    "conseils locaux de santé mentale, ateliers santé ville, projets territoriaux de santé "
    "mentale, communautés professionnelles territoriales de santé et dispositifs d'appui à "
    "la coordination, avec leurs territoires, contacts, textes juridiques et documents."
)


def data_version(data_dir: Path) -> str:
    """The version of the data: the git commit of its folder (« +modifications » when files
    changed since), or « non-versionnée » outside git."""
    from dtscli.sheets.context import data_version as commit_of

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
