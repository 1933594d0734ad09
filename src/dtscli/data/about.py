"""What dts says about itself and about the data it publishes: where the tool lives, the
licences, and the metadata every export carries (title, version, date, licence, source).

One place for these facts, read by the exports, the SARIF report and `dts init`.
"""

from __future__ import annotations

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
