"""The `dts` command line: one thin function per command; the work is done in modules.

Heavy imports (pydantic models, rich, jinja2, the referential) happen inside commands, so
that `dts --help` stays quick.
"""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from dtscli import __version__
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _, counted, localise_typer, ngettext

localise_typer()

app = typer.Typer(
    name="dts",
    help=_(
        "A knowledge base of French démarches territoriales de santé "
        "(CLS, CLSM, ASV, PTSM, CPTS, DAC): query, check and publish it."
    ),
    no_args_is_help=True,
    add_completion=True,  # --install-completion: typer builds it without new imports
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="DTS_DATA",
        help=_("Knowledge base folder (default: the first data/ found from here upwards)."),
        show_default=False,
    ),
]
Format = Annotated[str, typer.Option("--format", "-f", help=_("table, json, csv or md."))]
# The filters of `dts list`, shared by the commands that select schemes the same way.
TypeFilter = Annotated[
    list[str] | None, typer.Option("--type", "-t", help=_("Scheme type (repeatable): CLS, CLSM…"))
]
DeptFilter = Annotated[
    list[str] | None, typer.Option("--dept", "-d", help=_("Department code, e.g. 06 (repeatable)."))
]
RegionFilter = Annotated[
    list[str] | None, typer.Option("--region", "-r", help=_("Region code, e.g. 93 (repeatable)."))
]
StatusFilter = Annotated[
    list[str] | None, typer.Option("--status", "-s", help=_("Status (repeatable), e.g. active."))
]
TerritoryFilter = Annotated[
    str | None,
    typer.Option(help=_("Schemes whose territory overlaps this one: commune:06088, or a name.")),
]
TextFilter = Annotated[
    str | None, typer.Option(help=_("Search names and notes (accents and case ignored)."))
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dts {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Print the version.")),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            envvar="DTS_CACHE_DIR",
            file_okay=False,
            help=_("Keep caches here (default: $XDG_CACHE_HOME/dts or ~/.cache/dts)."),
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", envvar="DTS_NO_CACHE", help=_("Read every file, save nothing.")),
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help=_(
                "The data folder, for every command (a command may name another after its name)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """dts: démarches territoriales de santé."""
    import os

    # The caches read these variables wherever they are (cachedir.py): set them once here.
    if cache_dir is not None:
        os.environ["DTS_CACHE_DIR"] = str(cache_dir)
    if no_cache:
        os.environ["DTS_NO_CACHE"] = "1"
    if data_dir is not None:  # read by every command's --data-dir (envvar): given after, it wins
        os.environ["DTS_DATA"] = str(data_dir)


def _load(data_dir: Path | None):
    from dtscli.base.kb import KnowledgeBase
    from dtscli.base.layout import find_data_dir

    return KnowledgeBase.load(find_data_dir(data_dir))


def _run(action) -> None:
    """Run a command body; a DtsError becomes one line on stderr and its exit code."""
    try:
        action()
    except DtsError as error:
        typer.echo(_("error: {message}").format(message=error.message), err=True)
        raise typer.Exit(error.exit_code) from None


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise DtsError(
            _("unknown format {fmt!r}; choose one of: {formats}").format(
                fmt=fmt, formats=", ".join(allowed)
            )
        )


@app.command(
    "list",
    help=_(
        "List scheme instances, filtered.\n"
        "\n"
        "Examples: dts list --type CLSM --dept 06 · dts list --territory Nice --format json"
    ),
)
def list_cmd(
    type_: TypeFilter = None,
    dept: DeptFilter = None,
    region: RegionFilter = None,
    status: StatusFilter = None,
    territory: TerritoryFilter = None,
    text: TextFilter = None,
    fmt: Format = "table",
    data_dir: DataDir = None,
) -> None:
    from dtscli.base.layout import find_data_dir
    from dtscli.cache import listindex as listing

    def action() -> None:
        _check_format(fmt, ("table", "json", "csv", "md"))

        code = listing.list_command(
            find_data_dir(data_dir),
            types=type_ or [],
            depts=dept or [],
            regions=region or [],
            statuses=status or [],
            territory=territory,
            text=text,
            fmt=fmt,
        )
        if code:
            raise typer.Exit(code)

    _run(action)


@app.command(
    help=_("Show one record with its references resolved, or what covers a territory."),
)
def show(
    record_id: Annotated[
        str,
        typer.Argument(
            help=_("A record id (clsm-nice, CLS, loi-2022-217) or a territory (commune:06088).")
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("text or json."))] = "text",
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import show as commands

    def action() -> None:
        _check_format(fmt, ("text", "json"))
        commands.show(_load(data_dir), record_id, fmt)

    _run(action)


# ---- dts check / dts rules (issue: the gate on data pull requests) ---- begin
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
    from dtscli.commands import check as checking

    def action() -> None:
        _check_format(fmt, ("text", "json", "github", "sarif"))
        code = checking.check_command(
            data_dir=data_dir,
            paths=paths or [],
            fmt=fmt,
            strict=strict,
            changed_since=changed_since,
            today=today,
            output=output,
            staged=staged,
        )
        raise typer.Exit(code)

    _run(action)


@app.command(
    help=_("List the rules of `dts check` with their severity, family and rationale."),
)
def rules(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=_("table, json, csv or md."))
    ] = "table",
) -> None:
    from dtscli.commands import check as checking

    def action() -> None:
        _check_format(fmt, ("table", "json", "csv", "md"))
        checking.list_rules(fmt)

    _run(action)


# ---- dts check / dts rules ---- end


# ---- dts sheet (issue: fact sheets) ---- begin
@app.command(
    help=_(
        "Render a French fact sheet (Markdown or HTML) to hand out.\n"
        "\n"
        "Examples: dts sheet CLS · dts sheet CLSM --dept 06 -o clsm-06.md ·\n"
        "dts sheet clsm-nice · dts sheet --territory Nice --format html -o nice.html"
    ),
)
def sheet(
    target: Annotated[
        str | None,
        typer.Argument(
            help=_("A scheme type (CLS, clsm…) or a scheme id (clsm-nice)."), show_default=False
        ),
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(
            help=_("What covers this territory: commune:06088, epci:…, or a name (Nice).")
        ),
    ] = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help=_(
                "Narrow a type sheet to a department (06); with --territory, disambiguate a name."
            ),
        ),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", "-r", help=_("Narrow a type sheet to a region (93)."))
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=_(
                "md, html or json (the templates' context); default: from -o's suffix, else md."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_(
                "Write to FILE (atomically; an identical file is "
                "left untouched) instead of standard output."
            ),
            show_default=False,
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            help=_("Your own Jinja template (sandboxed; *.html.j2 renders HTML)."),
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            envvar="DTS_TODAY",
            help=_("The sheet's date, YYYY-MM-DD (default: today)."),
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands.show import require_loadable
    from dtscli.sheets import context as sheets
    from dtscli.sheets import environment as render

    def action() -> None:
        chosen = render.output_format(fmt, output)
        kb = _load(data_dir)
        require_loadable(kb)
        context = sheets.build_sheet(
            kb,
            target,
            territory=territory,
            dept=dept,
            region=region,
            today=sheets.parse_day(date),
        )
        text = render.render_sheet(context, chosen, data_dir=kb.data_dir, template=template)
        if output is None:
            typer.echo(text, nl=False)
            return
        from dtscli.util.files import write_atomically

        try:
            changed = write_atomically(output, text)
        except OSError as error:
            raise DtsError(
                _("cannot write {path}: {problem}").format(
                    path=output, problem=error.strerror or error
                )
            ) from None
        message = _("wrote {path}") if changed else _("{path} is unchanged")
        typer.echo(message.format(path=output), err=True)

    _run(action)


# ---- dts sheet ---- end


# ---- dts stats (issue: steering figures) ---- begin
@app.command(
    help=(
        _(
            "Steering figures: counts by department and status, "
            "published counts against the base,\n"
            "population coverage, and the large communes without a CLS or a CLSM."
        )
        + "\n\n\b\n"
        + _(
            "Views:\n"
            "  counts        instances by department (or --by region) x type, "
            "one column per status\n"
            "  completeness  each published count (« 19 CLSM en PACA ») "
            "against what the base holds\n"
            "  coverage      population living in a commune a scheme of the type covers "
            "(once each)\n"
            "  gaps          communes of at least --min-population inhabitants "
            "with no CLS / no CLSM\n"
            "Schemes on a QPV cover part of a commune: left out of coverage and gaps."
        )
        + "\n\n\b\n"
        + _(
            "Examples:\n"
            "  dts stats --region 93                      all four views for PACA\n"
            "  dts stats completeness --type CLSM --region 93\n"
            "  dts stats coverage --type CLSM --dept 06\n"
            "  dts stats gaps --region 93 --format csv > gaps.csv\n"
            "  dts stats counts --by region --status active"
        )
    ),
)
def stats(
    view: Annotated[
        str,
        typer.Argument(
            help=_("summary (all four, compact), counts, completeness, coverage or gaps.")
        ),
    ] = "summary",
    type_: Annotated[
        list[str] | None,
        typer.Option("--type", "-t", help=_("Scheme type (repeatable): CLS, CLSM…")),
    ] = None,
    dept: Annotated[
        list[str] | None,
        typer.Option("--dept", "-d", help=_("Department code, e.g. 06 (repeatable).")),
    ] = None,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", "-r", help=_("Region code, e.g. 93 (repeatable).")),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help=_(
                "Statuses that count (repeatable). Default: counts show every status; coverage, "
                "gaps and published counts without a status use every status except intention "
                "and expired."
            ),
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        str, typer.Option(help=_("Group counts and coverage by dept or region."))
    ] = "dept",
    min_population: Annotated[
        int, typer.Option(help=_("Gaps: communes with at least this many inhabitants."))
    ] = 10_000,
    fmt: Format = "table",
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import stats as steering

    def action() -> None:
        steering.check_view(view)
        _check_format(fmt, ("table", "json", "csv", "md"))
        steering.run(
            _load(data_dir),
            view,
            fmt=fmt,
            types=type_ or [],
            depts=dept or [],
            regions=region or [],
            statuses=status or [],
            by=by,
            min_population=min_population,
        )

    _run(action)


# ---- dts stats ---- end


# ---- authoring: schema, new, fmt, export ---- begin
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
    from dtscli.data import jsonschemas

    def action() -> None:
        chosen = [jsonschemas.check_kind(kind) for kind in kinds or []] or None
        if output is None:
            if check or chosen is None or len(chosen) != 1:
                raise DtsError(_("give one KIND to print (e.g. scheme), or -o DIR to write files"))
            typer.echo(jsonschemas.render(chosen[0]), nl=False)
            return
        if check:
            stale = jsonschemas.stale_schemas(output, chosen)
            for path in stale:
                typer.echo(_("out of date: {path}").format(path=path))
            if stale:
                typer.echo(
                    _("regenerate with: dts schema -o {folder}").format(folder=output), err=True
                )
                raise typer.Exit(1)
            typer.echo(_("the schemas are up to date"), err=True)
            return
        for path, changed in jsonschemas.write_schemas(output, chosen):
            typer.echo((_("wrote {path}") if changed else _("unchanged {path}")).format(path=path))

    _run(action)


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
    from dtscli.base.loader import display_path
    from dtscli.commands import new as authoring

    def action() -> None:
        kb = _load(data_dir)
        new = authoring.gather(
            kb,
            type_,
            name=name,
            territory=territory,
            dept=dept,
            status=status,
            source=source,
            as_of=as_of,
            record_id=record_id,
            ask=authoring.prompter() if authoring.interactive() else None,
        )
        shown = display_path(authoring.create(kb, new))
        typer.echo(_("wrote {path}").format(path=shown))
        typer.echo(
            _(
                "next: fill in what the sources give (the commented keys), then: dts check {path}"
            ).format(path=shown),
            err=True,
        )

    _run(action)


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
    from dtscli.base.layout import find_data_dir
    from dtscli.commands import fmt as formatting

    def action() -> None:
        try:
            base = find_data_dir(data_dir)
        except DtsError:
            if not paths:
                raise
            base = None
        files = formatting.select_files(base, paths or [])
        code = formatting.run_fmt(files, check=check, diff=diff, out=sys.stdout, err=sys.stderr)
        raise typer.Exit(code)

    _run(action)


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
    from dtscli.commands import export
    from dtscli.commands import show as commands

    def action() -> None:
        target = None if output is None or str(output) == "-" else output
        chosen = export.choose_format(fmt, target)
        if excel and chosen != "csv":
            raise DtsError(_("--excel is for the CSV format"))
        if metadata is not None and chosen != "sqlite":
            raise DtsError(_("--metadata goes with the sqlite format (Datasette)"))
        kb = _load(data_dir)
        commands.require_loadable(kb)
        query = commands.build_query(
            kb,
            types=type_ or [],
            depts=dept or [],
            regions=region or [],
            statuses=status or [],
            territory=territory,
            text=text,
        )
        dataset = export.collect(kb, query, personal=not no_personal)
        written, changed = export.export(dataset, chosen, target, excel=excel, types=query.types)
        if written is not None:
            sys.stdout.write(written)
            return
        if metadata is not None and target is not None:
            from dtscli.commands.datapackage import write_datasette_metadata

            write_datasette_metadata(dataset, target, metadata)
            typer.echo(_("wrote {path}").format(path=metadata), err=True)
        schemes = len(dataset.records["schemes"])
        message = (
            _("wrote {path} ({schemes}, {records})")
            if changed
            else _("unchanged: {path} ({schemes}, {records})")
        )
        typer.echo(
            message.format(
                path=target,
                schemes=counted("{count} scheme", "{count} schemes", schemes),
                records=counted("{count} record", "{count} records", dataset.count()),
            ),
            err=True,
        )

    _run(action)


# ---- authoring: schema, new, fmt, export ---- end


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
    from dtscli.about import REPOSITORY
    from dtscli.commands import init

    def action() -> None:
        source = None
        if not no_reference:
            source = reference
            if source is None:
                from dtscli.base.layout import find_data_dir

                try:
                    source = find_data_dir(data_dir)
                except DtsError:
                    source = None
        chosen = init.plan(
            title=title,
            hook_repo=hook_repo or REPOSITORY,
            rev=rev,
            branch=branch,
            reference=source,
        )
        written = init.write(directory, chosen)
        typer.echo(
            ngettext(
                "{count} file written in {path}", "{count} files written in {path}", len(written)
            ).format(count=len(written), path=directory),
            err=True,
        )
        if chosen.reference is not None:
            typer.echo(
                _("{count} reference records copied from {path}").format(
                    count=chosen.copied, path=chosen.reference
                ),
                err=True,
            )
        else:
            typer.echo(
                _(
                    "no reference record: add the territory referential "
                    "(dts init --from PATH/data) before dts check"
                ),
                err=True,
            )
        typer.echo(
            _("then: {command}").format(
                command=f"cd {directory} && git init && pip install pre-commit"
                " && pre-commit install"
            ),
            err=True,
        )

    _run(action)


def _exit_at_once(code: object) -> None:
    """End the process without the interpreter's teardown, which frees every object one by
    one: after a check of a national base that is time spent on nothing. Files are already
    closed (every write is atomic); the standard streams are flushed here."""
    status = code if isinstance(code, int) else (0 if code is None else 1)
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away: nothing more to say
        status = status or 1
    os._exit(status)


def main() -> None:
    """Console entry point: user errors become one line on stderr, never a traceback."""
    if sys.stderr.isatty():  # progress bars for long work, on a terminal only
        from dtscli.util.progress import enable

        enable()
    try:
        app()
    except SystemExit as done:
        _exit_at_once(done.code)
    except DtsError as error:
        typer.echo(_("error: {message}").format(message=error.message), err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # a bug, not bad data: say so in one line unless debugging
        if os.environ.get("DTS_DEBUG"):
            raise
        typer.echo(
            _(
                "internal error: {kind}: {error} (please report it; DTS_DEBUG=1 shows the details)"
            ).format(kind=type(error).__name__, error=error),
            err=True,
        )
        sys.exit(2)
