"""The commands that keep a base: check, rules, schema, new, fmt, export, init. Their options,
parsed by typer, handed to the `run()` of their module in commands/ (registered on the app
of dtscli.cli when it imports this module)."""

from pathlib import Path
from typing import Annotated

import typer

from dtscli.cli import (
    DataDir,
    DeptFilter,
    RegionFilter,
    StatusFilter,
    TerritoryFilter,
    TextFilter,
    TypeFilter,
    _run,
    app,
)
from dtscli.util.i18n import _


@app.command(
    help=_(
        "Check the knowledge base: YAML, schema, identity, references, scale, law, dates,\n"
        "contacts, sources. Exit 0 when clean (warnings allowed unless --strict), 1 on errors,\n"
        "2 on usage errors.\n"
        "\n"
        "Examples: dts check · dts check --changed-since origin/main --format github ·\n"
        "dts check data/schemes/clsm/clsm-nice.yaml"
    ),
)
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help=_("Only report on these files or folders (the whole base is loaded).")),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("text, json, github or sarif."))
    ] = "text",
    strict: Annotated[bool, typer.Option(help=_("Exit 1 on warnings too."))] = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            help=_("Only report on files git says changed since this ref (e.g. origin/main).")
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(envvar="DTS_TODAY", help=_("Evaluate dates as of this day (YYYY-MM-DD).")),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Write the report to this file."))
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help=_(
                "Report only the files staged for the next commit, and any reference broken "
                "by a deleted or renamed file (the pre-commit hook)."
            ),
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import check as command

    _run(
        lambda: command.run(
            data_dir,
            paths=paths or [],
            fmt=fmt,
            strict=strict,
            changed_since=changed_since,
            today=today,
            output=output,
            staged=staged,
        )
    )


@app.command(
    help=_("List the rules of `dts check` with their severity, family and rationale."),
)
def rules(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("table, json, csv or md."))
    ] = "table",
) -> None:
    from dtscli.commands import rules as command

    _run(lambda: command.run(fmt))


@app.command(
    help=_(
        "JSON Schemas (draft 2020-12) of the record files, generated from the models, for\n"
        "editors (autocompletion, errors as you type) and validators.\n"
        "\n"
        "Examples: dts schema -o schemas · dts schema scheme · dts schema -o schemas --check"
    ),
)
def schema(
    kinds: Annotated[
        list[str] | None,
        typer.Argument(
            help=_(
                "Record kinds (default: all): scheme-type, scheme, contact, legal, document, "
                "qpv, local-territory."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Write KIND.schema.json files into this folder."),
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help=_("With -o: exit 1 if the files are not up to date."))
    ] = False,
) -> None:
    from dtscli.commands import schema as command

    _run(lambda: command.run(kinds or [], output, check))


@app.command(
    "new",
    help=(
        _(
            "Write a new scheme record in the right folder, with the right id, "
            "ready for `dts check`.\n"
            "\n"
            "On a terminal, missing options are asked for; elsewhere they are errors."
        )
        + "\n\n\b\n"
        + _(
            "Examples:\n"
            '  dts new CLSM --territory Toulon --name "…" --source DOC --as-of 2025-04-22\n'
            '  dts new CLS --territory "La Garde" --dept 83 --status active --name "…" --source DOC'
        )
    ),
)
def new_cmd(
    type_: Annotated[
        str,
        typer.Argument(metavar="TYPE", help=_("Scheme type: CLS, CLSM, ASV, PTSM, CPTS or DAC.")),
    ],
    name: Annotated[
        str | None, typer.Option(help=_("Full name in French."), show_default=False)
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(
            help=_("A name (Nice, La Garde) or a code (commune:06088)."), show_default=False
        ),
    ] = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept", "-d", help=_("Department that tells apart communes of the same name.")
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", "-s", help=_("Status (default: unknown)."), show_default=False),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help=_("Id of the source document (a file of documents/)."), show_default=False
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help=_("Date the source gives these facts (default: today)."),
            show_default=False,
        ),
    ] = None,
    record_id: Annotated[
        str | None,
        typer.Option("--id", help=_("Id (default: from the type and territory, e.g. clsm-nice).")),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import new as command

    _run(
        lambda: command.run(
            data_dir,
            type_,
            name=name,
            territory=territory,
            dept=dept,
            status=status,
            source=source,
            as_of=as_of,
            record_id=record_id,
            prompt=_prompt,
        )
    )


def _prompt(question: str, default: str | None) -> str:
    return str(typer.prompt(question, default=default))


@app.command(
    "fmt",
    help=_(
        "Rewrite record files in the canonical style, keeping every comment: key order, quoted\n"
        "codes, two-space indentation, ISO dates. Text is never re-wrapped.\n"
        "\n"
        "Exit 1 when a file does not parse (it is left as it is), or with --check when a file\n"
        "would change. Examples: dts fmt · dts fmt --check · dts fmt --diff data/schemes/cls"
    ),
)
def fmt_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help=_("Files or folders (default: every record file of the base).")),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help=_("Change nothing; exit 1 if a file would change (CI)."))
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help=_("Change nothing; print what would change."))
    ] = False,
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import fmt as command

    _run(lambda: command.run(data_dir, paths or [], check=check, diff=diff))


@app.command(
    "export",
    help=_(
        "Export the base for other tools: JSON (every record kind), CSV (one row per scheme,\n"
        "territories resolved) or SQLite (a table per kind, link tables, indexes). The filters\n"
        "narrow the schemes, as in `dts list`.\n"
        "\n"
        "Examples: dts export -o base.db · dts export --format csv --dept 06 -o clsm-06.csv ·\n"
        "dts export --format json --no-personal -o open-data.json"
    ),
)
def export_cmd(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=_(
                "json, csv, sqlite, datapackage (a folder: CSV and datapackage.json), "
                "csl-json, ris or bibtex (the documents; --type keeps those about a type). "
                "Default: from -o."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=_("File to write (json and csv: standard output if omitted).")
        ),
    ] = None,
    type_: TypeFilter = None,
    dept: DeptFilter = None,
    region: RegionFilter = None,
    status: StatusFilter = None,
    territory: TerritoryFilter = None,
    text: TextFilter = None,
    no_personal: Annotated[
        bool,
        typer.Option(
            "--no-personal", help=_("Leave out people (names, e-mails, phones): for open data.")
        ),
    ] = False,
    excel: Annotated[
        bool,
        typer.Option("--excel", help=_("CSV for Excel in French: UTF-8 with BOM, `;` separators.")),
    ] = False,
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata",
            help=_(
                "With --format sqlite: also write this metadata.json for Datasette (titles, "
                "descriptions, licence, source)."
            ),
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import export as command

    _run(
        lambda: command.run(
            data_dir,
            fmt=fmt,
            output=output,
            personal=not no_personal,
            excel=excel,
            metadata=metadata,
            types=type_ or [],
            depts=dept or [],
            regions=region or [],
            statuses=status or [],
            territory=territory,
            text=text,
        )
    )


@app.command(
    "init",
    help=_(
        "Create a data repository checked by dts: folders, contributors' README, pre-commit\n"
        "hook, GitHub workflow (check and SARIF), JSON Schemas for the editor, .editorconfig.\n"
        "Overwrites no file.\n"
        "\n"
        "Examples: dts init my-base · dts init my-base --from ../dts/data"
    ),
)
def init_cmd(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help=_("Folder of the new data repository."))
    ],
    reference: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help=_(
                "Base to copy the territory referential, the scheme types, the legal texts and "
                "their documents from (default: the base found as usual)."
            ),
            show_default=False,
        ),
    ] = None,
    no_reference: Annotated[
        bool,
        typer.Option("--no-reference", help=_("Copy no record: the folders only.")),
    ] = False,
    title: Annotated[
        str, typer.Option(help=_("Title of the README."))
    ] = "Base des démarches territoriales de santé",
    hook_repo: Annotated[
        str | None,
        typer.Option(help=_("Git repository of dts for pre-commit (default: the official one).")),
    ] = None,
    rev: Annotated[
        str | None,
        typer.Option(help=_("Tag of dts for pre-commit (default: this version's).")),
    ] = None,
    branch: Annotated[str, typer.Option(help=_("Main branch of the repository."))] = "main",
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import init as command

    _run(
        lambda: command.run(
            directory,
            reference=reference,
            no_reference=no_reference,
            title=title,
            hook_repo=hook_repo,
            rev=rev,
            branch=branch,
            data_dir=data_dir,
        )
    )
