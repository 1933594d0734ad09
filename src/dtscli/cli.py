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
from dtscli.errors import DtsError

app = typer.Typer(
    name="dts",
    help="A knowledge base of French démarches territoriales de santé "
    "(CLS, CLSM, ASV, PTSM, CPTS, DAC): query, check and publish it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="DTS_DATA",
        help="Knowledge base folder (default: the first data/ found from here upwards).",
        show_default=False,
    ),
]
Format = Annotated[str, typer.Option("--format", "-f", help="table, json, csv or md.")]
# The filters of `dts list`, shared by the commands that select schemes the same way.
TypeFilter = Annotated[
    list[str] | None, typer.Option("--type", "-t", help="Scheme type (repeatable): CLS, CLSM…")
]
DeptFilter = Annotated[
    list[str] | None, typer.Option("--dept", "-d", help="Department code, e.g. 06 (repeatable).")
]
RegionFilter = Annotated[
    list[str] | None, typer.Option("--region", "-r", help="Region code, e.g. 93 (repeatable).")
]
StatusFilter = Annotated[
    list[str] | None, typer.Option("--status", "-s", help="Status (repeatable), e.g. active.")
]
TerritoryFilter = Annotated[
    str | None,
    typer.Option(help="Schemes whose territory overlaps this one: commune:06088, or a name."),
]
TextFilter = Annotated[
    str | None, typer.Option(help="Search names and notes (accents and case ignored).")
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dts {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            envvar="DTS_CACHE_DIR",
            file_okay=False,
            help="Keep caches here (default: $XDG_CACHE_HOME/dts or ~/.cache/dts).",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", envvar="DTS_NO_CACHE", help="Read every file, save nothing."),
    ] = False,
) -> None:
    """dts: démarches territoriales de santé."""
    import os

    # The caches read these variables wherever they are (cachedir.py): set them once here.
    if cache_dir is not None:
        os.environ["DTS_CACHE_DIR"] = str(cache_dir)
    if no_cache:
        os.environ["DTS_NO_CACHE"] = "1"


def _load(data_dir: Path | None):
    from dtscli.kb import KnowledgeBase
    from dtscli.paths import find_data_dir

    return KnowledgeBase.load(find_data_dir(data_dir))


def _run(action) -> None:
    """Run a command body; a DtsError becomes one line on stderr and its exit code."""
    try:
        action()
    except DtsError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(error.exit_code) from None


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise DtsError(f"unknown format {fmt!r}; choose one of: {', '.join(allowed)}")


@app.command("list")
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
    """List scheme instances, filtered.

    Examples: dts list --type CLSM --dept 06 · dts list --territory Nice --format json
    """
    from dtscli import listing
    from dtscli.paths import find_data_dir

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


@app.command()
def show(
    record_id: Annotated[
        str,
        typer.Argument(
            help="A record id (clsm-nice, CLS, loi-2022-217) or a territory (commune:06088)."
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    data_dir: DataDir = None,
) -> None:
    """Show one record with its references resolved, or what covers a territory."""
    from dtscli import commands

    def action() -> None:
        _check_format(fmt, ("text", "json"))
        commands.show(_load(data_dir), record_id, fmt)

    _run(action)


# ---- dts check / dts rules (issue: the gate on data pull requests) ---- begin
@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Only report on these files or folders (the whole base is loaded)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json, github or sarif.")
    ] = "text",
    strict: Annotated[bool, typer.Option(help="Exit 1 on warnings too.")] = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="Only report on files git says changed since this ref (e.g. origin/main)."
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(envvar="DTS_TODAY", help="Evaluate dates as of this day (YYYY-MM-DD)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Check the knowledge base: YAML, schema, identity, references, scale, law, dates,
    contacts, sources. Exit 0 when clean (warnings allowed unless --strict), 1 on errors,
    2 on usage errors.

    Examples: dts check · dts check --changed-since origin/main --format github ·
    dts check data/schemes/clsm/clsm-nice.yaml
    """
    from dtscli import checking

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
        )
        raise typer.Exit(code)

    _run(action)


@app.command()
def rules(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or md.")] = "table",
) -> None:
    """List the rules of `dts check` with their severity, family and rationale."""
    from dtscli import checking

    def action() -> None:
        _check_format(fmt, ("table", "json", "csv", "md"))
        checking.list_rules(fmt)

    _run(action)


# ---- dts check / dts rules ---- end


# ---- dts sheet (issue: fact sheets) ---- begin
@app.command()
def sheet(
    target: Annotated[
        str | None,
        typer.Argument(
            help="A scheme type (CLS, clsm…) or a scheme id (clsm-nice).", show_default=False
        ),
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(help="What covers this territory: commune:06088, epci:…, or a name (Nice)."),
    ] = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help="Narrow a type sheet to a department (06); with --territory, disambiguate a name.",
        ),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", "-r", help="Narrow a type sheet to a region (93).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="md, html, pdf (printed by a headless Chromium) or json (the templates' "
            "context); default: from -o's suffix, else md.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to FILE (atomically; an identical file is "
            "left untouched) instead of standard output.",
            show_default=False,
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            help="Your own Jinja template (sandboxed; *.html.j2 renders HTML).", show_default=False
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            envvar="DTS_TODAY",
            help="The sheet's date, YYYY-MM-DD (default: today).",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Render a French fact sheet (Markdown, HTML or PDF) with its map, to hand out.

    Examples: dts sheet CLS · dts sheet CLSM --dept 06 -o clsm-06.md ·
    dts sheet clsm-nice · dts sheet --territory Nice --format html -o nice.html
    """
    from dtscli import render, sheets
    from dtscli.commands import require_loadable

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
        text, written = sheets.run(kb, context, chosen, output=output, template=template)
        if output is None:
            typer.echo(text, nl=False)
            return
        for path, changed in written:
            typer.echo(f"wrote {path}" if changed else f"{path} is unchanged", err=True)

    _run(action)


# ---- dts sheet ---- end


# ---- dts map, dts site (issue 14: maps and a website) ---- begin
@app.command("map")
def map_cmd(
    types: TypeFilter = None,
    depts: DeptFilter = None,
    regions: Annotated[
        list[str] | None, typer.Option("--region", "-r", help="Region code, e.g. 93 (one).")
    ] = None,
    statuses: StatusFilter = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE (.svg or .png).", show_default=False),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="svg or png (png is drawn by a headless Chromium); default: from -o.",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", envvar="DTS_TODAY", help="The map's date, YYYY-MM-DD.", show_default=False
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Draw an SVG map of the communes covered by the schemes, coloured by status.

    Examples: dts map --type CLSM --dept 06 -o clsm-06.svg · dts map --type CLS --region 76
    -o cls-occitanie.svg · dts map --type CLSM -o clsm-france.png (France, overseas insets)
    """
    from dtscli.commands import require_loadable
    from dtscli.maps import command
    from dtscli.sheets import parse_day

    def action() -> None:
        command.map_format(fmt, output)
        kb = _load(data_dir)
        require_loadable(kb)
        data, changed = command.run(
            kb,
            output=output,
            fmt=fmt,
            types=types,
            depts=depts,
            regions=regions,
            statuses=statuses,
            today=parse_day(date),
        )
        if output is None:
            typer.echo(data, nl=False)
            return
        typer.echo(f"wrote {output}" if changed else f"{output} is unchanged", err=True)

    _run(action)


@app.command("site")
def site_cmd(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The folder to write the site in (e.g. public/)."),
    ] = Path("public"),
    personal: Annotated[
        bool,
        typer.Option(
            "--personal", help="Publish people's names, e-mail addresses and phones (off)."
        ),
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", envvar="DTS_TODAY", help="The site's date, YYYY-MM-DD.", show_default=False
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Write a static website of the whole base (French; works from file:// and any static
    host such as GitHub Pages): pages per type, region, département, scheme, legal text and
    local territory, maps, the bibliography and a search.

    Example: dts site -o public/ && open public/index.html
    """
    from dtscli.commands import require_loadable
    from dtscli.sheets import parse_day
    from dtscli.site import build

    def action() -> None:
        kb = _load(data_dir)
        broken = build.unloadable(kb)  # files that did not load: left out, then reported
        if not broken:
            require_loadable(kb)
        site = build.run(kb, output, personal=personal, today=parse_day(date))
        maps = "" if site.maps is not None else " (no map: the geometry is not installed)"
        typer.echo(f"wrote {site.pages} pages in {output}{maps}", err=True)
        if broken:
            raise DtsError(broken, exit_code=1)

    _run(action)


# ---- dts map, dts site ---- end


# ---- dts stats (issue: steering figures) ---- begin
@app.command()
def stats(
    view: Annotated[
        str,
        typer.Argument(help="summary (all four, compact), counts, completeness, coverage or gaps."),
    ] = "summary",
    type_: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Scheme type (repeatable): CLS, CLSM…")
    ] = None,
    dept: Annotated[
        list[str] | None,
        typer.Option("--dept", "-d", help="Department code, e.g. 06 (repeatable)."),
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", "-r", help="Region code, e.g. 93 (repeatable).")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help="Statuses that count (repeatable). Default: counts show every status; coverage, "
            "gaps and published counts without a status use every status except intention "
            "and expired.",
            show_default=False,
        ),
    ] = None,
    by: Annotated[str, typer.Option(help="Group counts and coverage by dept or region.")] = "dept",
    min_population: Annotated[
        int, typer.Option(help="Gaps: communes with at least this many inhabitants.")
    ] = 10_000,
    fmt: Format = "table",
    data_dir: DataDir = None,
) -> None:
    """Steering figures: counts by department and status, published counts against the base,
    population coverage, and the large communes without a CLS or a CLSM.

    \b
    Views:
      counts        instances by department (or --by region) x type, one column per status
      completeness  each published count (« 19 CLSM en PACA ») against what the base holds
      coverage      population living in a commune a scheme of the type covers (once each)
      gaps          communes of at least --min-population inhabitants with no CLS / no CLSM
    Schemes on a QPV cover part of a commune: left out of coverage and gaps.

    \b
    Examples:
      dts stats --region 93                      all four views for PACA
      dts stats completeness --type CLSM --region 93
      dts stats coverage --type CLSM --dept 06
      dts stats gaps --region 93 --format csv > gaps.csv
      dts stats counts --by region --status active
    """
    from dtscli import stats as steering

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
@app.command()
def schema(
    kinds: Annotated[
        list[str] | None,
        typer.Argument(
            help="Record kinds (default: all): scheme-type, scheme, contact, legal, document, "
            "qpv, local-territory.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write KIND.schema.json files into this folder.",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="With -o: exit 1 if the files are not up to date.")
    ] = False,
) -> None:
    """JSON Schemas (draft 2020-12) of the record files, generated from the models, for
    editors (autocompletion, errors as you type) and validators.

    Examples: dts schema -o schemas · dts schema scheme · dts schema -o schemas --check
    """
    from dtscli import jsonschemas

    def action() -> None:
        chosen = [jsonschemas.check_kind(kind) for kind in kinds or []] or None
        if output is None:
            if check or chosen is None or len(chosen) != 1:
                raise DtsError("give one KIND to print (e.g. scheme), or -o DIR to write files")
            typer.echo(jsonschemas.render(chosen[0]), nl=False)
            return
        if check:
            stale = jsonschemas.stale_schemas(output, chosen)
            for path in stale:
                typer.echo(f"out of date: {path}")
            if stale:
                typer.echo(f"regenerate with: dts schema -o {output}", err=True)
                raise typer.Exit(1)
            typer.echo("the schemas are up to date", err=True)
            return
        for path, changed in jsonschemas.write_schemas(output, chosen):
            typer.echo(f"{'wrote' if changed else 'unchanged'} {path}")

    _run(action)


@app.command("new")
def new_cmd(
    type_: Annotated[
        str, typer.Argument(metavar="TYPE", help="Scheme type: CLS, CLSM, ASV, PTSM, CPTS or DAC.")
    ],
    name: Annotated[
        str | None, typer.Option(help="Full name in French.", show_default=False)
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(help="A name (Nice, La Garde) or a code (commune:06088).", show_default=False),
    ] = None,
    dept: Annotated[
        str | None,
        typer.Option("--dept", "-d", help="Department that tells apart communes of the same name."),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", "-s", help="Status (default: unknown).", show_default=False),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(help="Id of the source document (a file of documents/).", show_default=False),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the source gives these facts (default: today).",
            show_default=False,
        ),
    ] = None,
    record_id: Annotated[
        str | None,
        typer.Option("--id", help="Id (default: from the type and territory, e.g. clsm-nice)."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Write a new scheme record in the right folder, with the right id, ready for `dts check`.

    On a terminal, missing options are asked for; elsewhere they are errors.

    \b
    Examples:
      dts new CLSM --territory Toulon --name "…" --source DOC --as-of 2025-04-22
      dts new CLS --territory "La Garde" --dept 83 --status active --name "…" --source DOC
    """
    from dtscli import authoring
    from dtscli.loader import display_path

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
        typer.echo(f"wrote {shown}")
        typer.echo(
            f"next: fill in what the sources give (the commented keys), then: dts check {shown}",
            err=True,
        )

    _run(action)


@app.command("fmt")
def fmt_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (default: every record file of the base)."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a file would change (CI).")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Change nothing; print what would change.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Rewrite record files in the canonical style, keeping every comment: key order, quoted
    codes, two-space indentation, ISO dates. Text is never re-wrapped.

    Exit 1 when a file does not parse (it is left as it is), or with --check when a file
    would change. Examples: dts fmt · dts fmt --check · dts fmt --diff data/schemes/cls
    """
    from dtscli import formatting
    from dtscli.paths import find_data_dir

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


@app.command("export")
def export_cmd(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="json, csv or sqlite (default: from -o).", show_default=False
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (json and csv: standard output if omitted)."
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
            "--no-personal", help="Leave out people (names, e-mails, phones): for open data."
        ),
    ] = False,
    excel: Annotated[
        bool,
        typer.Option("--excel", help="CSV for Excel in French: UTF-8 with BOM, `;` separators."),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Export the base for other tools: JSON (every record kind), CSV (one row per scheme,
    territories resolved) or SQLite (a table per kind, link tables, indexes). The filters
    narrow the schemes, as in `dts list`.

    Examples: dts export -o base.db · dts export --format csv --dept 06 -o clsm-06.csv ·
    dts export --format json --no-personal -o open-data.json
    """
    from dtscli import commands, export

    def action() -> None:
        target = None if output is None or str(output) == "-" else output
        chosen = export.choose_format(fmt, target)
        if excel and chosen != "csv":
            raise DtsError("--excel is for the CSV format")
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
        written, changed = export.export(dataset, chosen, target, excel=excel)
        if written is not None:
            sys.stdout.write(written)
            return
        schemes = len(dataset.records["schemes"])
        state = "wrote" if changed else "unchanged:"
        typer.echo(f"{state} {target} ({schemes} schemes, {dataset.count()} records)", err=True)

    _run(action)


# ---- authoring: schema, new, fmt, export ---- end


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
    try:
        app()
    except SystemExit as done:
        _exit_at_once(done.code)
    except DtsError as error:
        typer.echo(f"error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # a bug, not bad data: say so in one line unless debugging
        if os.environ.get("DTS_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(error).__name__}: {error} "
            "(please report it; DTS_DEBUG=1 shows the details)",
            err=True,
        )
        sys.exit(2)
