"""`dts init DIR`: set up a data repository that dts checks.

It writes, from the templates in `skeleton/` (package data) and the shipped JSON Schemas:

- the data folders (`data/schemes/<type>/`, `contacts/`, `legal/`, `documents/`,
  `territories/local/`, `territories/qpv/`) and a README for contributors, in French;
- `.pre-commit-config.yaml`: the dts hook at this version of dts;
- `.github/workflows/dts.yml`: installs this version, checks what a pull request changes
  (`--changed-since origin/<base> --format github`) and uploads a SARIF report;
- `schemas/*.schema.json` and `.vscode/settings.json` mapping each data folder to its schema;
- `.editorconfig`, `.gitignore` and the editor extensions to install.

With a reference base (`--from`, or the base found as usual), it also copies what every base
needs and nobody writes by hand: the territory referential, the scheme types, the legal texts
and the documents they cite. It never overwrites a file: when one exists, it names them and
writes nothing. Every file is written atomically.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dtscli import __version__
from dtscli.data import kinds
from dtscli.data.about import DISTRIBUTION, REPOSITORY
from dtscli.data.jsonschemas import file_name
from dtscli.data.vocab import SCHEME_TYPES
from dtscli.util.errors import DtsError
from dtscli.util.files import write_atomically

# template in skeleton/ -> where it goes in the new repository
SKELETON: dict[str, str] = {
    "README.md": "README.md",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workflow-dts.yml": ".github/workflows/dts.yml",
    "editorconfig": ".editorconfig",
    "gitignore": ".gitignore",
    "vscode-extensions.json": ".vscode/extensions.json",
}
DATA_FOLDERS: tuple[str, ...] = (
    *(f"schemes/{scheme_type.lower()}" for scheme_type in SCHEME_TYPES),
    "contacts",
    "legal",
    "documents",
    "territories/local",
    "territories/qpv",
)
REFERENTIAL = ("regions.yaml", "departements.yaml", "epci.yaml", "communes.yaml")
SCHEMAS_FOLDER = "schemas"
MARKER = re.compile(r"@([A-Z_]+)@")


@dataclass
class Plan:
    """What `dts init` writes: relative path -> text, and where the reference records come
    from (None: none copied)."""

    files: dict[str, str] = field(default_factory=dict)
    reference: Path | None = None
    copied: int = 0  # reference records among `files`


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every @NAME@ marker; a marker without a value is a bug, not a blank."""

    def value(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise KeyError(f"template marker @{match.group(1)}@ has no value")
        return values[match.group(1)]

    return MARKER.sub(value, template)


def schema_globs() -> dict[str, str]:
    """`./schemas/scheme.schema.json` -> `data/schemes/*/*.yaml`, for the YAML extension."""
    return {
        f"./{SCHEMAS_FOLDER}/{file_name(kind)}": re.sub(r"<[^>]+>", "*", folder)
        for kind, folder in ((k.name, f"data/{k.where}") for k in kinds.KINDS)
    }


def vscode_settings() -> str:
    settings = {
        "yaml.schemas": schema_globs(),
        "yaml.format.enable": False,  # `dts fmt` keeps the style and the comments
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def shipped_schemas() -> dict[str, str]:
    from dtscli.schemas import schema_files

    return {
        f"{SCHEMAS_FOLDER}/{entry.name}": entry.read_text(encoding="utf-8")
        for entry in schema_files()
    }


def plan(
    *,
    title: str,
    hook_repo: str = REPOSITORY,
    rev: str | None = None,
    branch: str = "main",
    reference: Path | None = None,
) -> Plan:
    """Everything `dts init` would write, without writing it."""
    values = {
        "TITLE": title,
        "REPOSITORY": hook_repo,
        "REV": rev or f"v{__version__}",
        "VERSION": __version__,
        "DISTRIBUTION": DISTRIBUTION,
        "BRANCH": branch,
    }
    result = Plan(reference=reference)
    skeleton = resources.files("dtscli.commands") / "skeleton"
    for template, target in SKELETON.items():
        result.files[target] = fill((skeleton / template).read_text(encoding="utf-8"), values)
    result.files[".vscode/settings.json"] = vscode_settings()
    result.files.update(shipped_schemas())
    if reference is not None:
        copied = reference_records(reference)
        result.files.update(copied)
        result.copied = len(copied)
    for folder in DATA_FOLDERS:  # git keeps no empty folder
        if not any(path.startswith(f"data/{folder}/") for path in result.files):
            result.files[f"data/{folder}/.gitkeep"] = ""
    return result


def reference_records(data_dir: Path) -> dict[str, str]:
    """The records a new base takes from a reference base, by path in the new repository:
    the territory referential, the scheme types, the legal texts, and the documents they
    cite (and the documents those cite)."""
    from dtscli.base.kb import KnowledgeBase

    kb = KnowledgeBase.load(data_dir, use_cache=False)
    missing = [name for name in REFERENTIAL if not (data_dir / "territories" / name).is_file()]
    if missing:
        raise DtsError(
            f"{data_dir}: pas de référentiel des territoires ({', '.join(missing)}) à copier"
        )
    paths = [data_dir / "territories" / name for name in REFERENTIAL]
    taken = kb.of_kind("scheme-type") + kb.of_kind("legal")
    wanted = {source.document for loaded in taken for source in _sources(loaded.record)}
    seen: set[str] = set()
    while wanted - seen:  # documents cite documents (a bibliography entry, its bibliography)
        document_id = sorted(wanted - seen)[0]
        seen.add(document_id)
        found = kb.find("document", document_id)
        if found is not None:
            taken.append(found)
            wanted |= {source.document for source in _sources(found.record)}
    paths += [Path.cwd() / loaded.path for loaded in taken]  # shown relative to here
    return {
        f"data/{Path(os.path.relpath(path, data_dir)).as_posix()}": path.read_text(encoding="utf-8")
        for path in paths
    }


def _sources(record: object) -> list:
    """A record's sources, with those of its published counts."""
    found = list(getattr(record, "sources", None) or [])
    found += [count.source for count in getattr(record, "published_counts", None) or []]
    return found


def write(target: Path, chosen: Plan) -> list[str]:
    """Write the plan under `target`; refuse, naming them, if any of its files exists."""
    if target.exists() and not target.is_dir():
        raise DtsError(f"{target} existe et n'est pas un dossier", exit_code=1)
    existing = sorted(path for path in chosen.files if (target / path).exists())
    if existing:
        shown = ", ".join(existing[:8]) + (
            f" et {len(existing) - 8} autres" if len(existing) > 8 else ""
        )
        raise DtsError(
            f"dts init n'écrase aucun fichier ; déjà présents dans {target} : {shown}",
            exit_code=1,
        )
    written = []
    for relative in sorted(chosen.files):
        try:
            write_atomically(target / relative, chosen.files[relative])
        except OSError as error:
            raise DtsError(
                f"impossible d'écrire {target / relative} : {error.strerror or error}"
            ) from None
        written.append(relative)
    return written


def schema_modeline(record: Path, data_dir: Path, kind: str) -> str:
    """The first line that tells the YAML language server which schema a record follows: a
    path relative to the record, to the schemas of the repository (`schemas/`, as `dts init`
    writes them, or the package's own in the dts repository), else the schema's `$id`."""
    from dtscli.data.about import SCHEMA_BASE

    root = data_dir.resolve().parent
    name = file_name(kind)
    for folder in (root / SCHEMAS_FOLDER, root / "src" / "dtscli" / "schemas"):
        if (folder / name).is_file():
            relative = os.path.relpath(folder / name, record.resolve().parent)
            return f"# yaml-language-server: $schema={Path(relative).as_posix()}\n"
    return f"# yaml-language-server: $schema={SCHEMA_BASE}{name}\n"


def run(
    directory: Path,
    *,
    reference: Path | None = None,
    no_reference: bool = False,
    title: str,
    hook_repo: str | None = None,
    rev: str | None = None,
    branch: str = "main",
    data_dir: Path | None = None,
) -> int:
    """`dts init`: plan the repository (reference records from --from, else the base found as
    usual, unless --no-reference), write it, and say what to do next."""
    import sys

    from dtscli.data.about import REPOSITORY
    from dtscli.util.errors import DtsError
    from dtscli.util.i18n import _, ngettext

    source = None
    if not no_reference:
        source = reference
        if source is None:
            from dtscli.base.layout import find_data_dir

            try:
                source = find_data_dir(data_dir)
            except DtsError:
                source = None
    chosen = plan(
        title=title, hook_repo=hook_repo or REPOSITORY, rev=rev, branch=branch, reference=source
    )
    written = write(directory, chosen)
    say = sys.stderr.write
    count = len(written)
    say(
        ngettext("{count} file written in {path}", "{count} files written in {path}", count).format(
            count=count, path=directory
        )
        + "\n"
    )
    if chosen.reference is not None:
        say(
            _("{count} reference records copied from {path}").format(
                count=chosen.copied, path=chosen.reference
            )
            + "\n"
        )
    else:
        say(
            _(
                "no reference record: add the territory referential "
                "(dts init --from PATH/data) before dts check"
            )
            + "\n"
        )
    command = f"cd {directory} && git init && pip install pre-commit && pre-commit install"
    say(_("then: {command}").format(command=command) + "\n")
    return 0
