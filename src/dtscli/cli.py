"""The `dts` command line: one thin function per command; the work is done in modules.

Heavy imports (pydantic models, rich, jinja2, the referential) happen inside commands, so
that `dts --help` stays quick.
"""

from __future__ import annotations

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
) -> None:
    """dts: démarches territoriales de santé."""


def _load(data_dir: Path | None):
    from dtscli.kb import KnowledgeBase, find_data_dir

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
        list[str] | None, typer.Option("--status", "-s", help="Status (repeatable), e.g. active.")
    ] = None,
    territory: Annotated[
        str | None,
        typer.Option(help="Schemes whose territory overlaps this one: commune:06088, or a name."),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="Search names and notes (accents and case ignored).")
    ] = None,
    fmt: Format = "table",
    data_dir: DataDir = None,
) -> None:
    """List scheme instances, filtered.

    Examples: dts list --type CLSM --dept 06 · dts list --territory Nice --format json
    """
    from dtscli import commands

    def action() -> None:
        _check_format(fmt, ("table", "json", "csv", "md"))
        commands.list_schemes(
            _load(data_dir),
            types=type_ or [],
            depts=dept or [],
            regions=region or [],
            statuses=status or [],
            territory=territory,
            text=text,
            fmt=fmt,
        )

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
            help="md, html or json (the templates' context); default: from -o's suffix, else md.",
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
    """Render a French fact sheet (Markdown or HTML) to hand out.

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
        text = render.render_sheet(context, chosen, data_dir=kb.data_dir, template=template)
        if output is None:
            typer.echo(text, nl=False)
            return
        from dtscli.fileio import write_atomically

        try:
            changed = write_atomically(output, text)
        except OSError as error:
            raise DtsError(f"cannot write {output}: {error.strerror or error}") from None
        typer.echo(f"wrote {output}" if changed else f"{output} is unchanged", err=True)

    _run(action)


# ---- dts sheet ---- end


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


def main() -> None:
    """Console entry point: user errors become one line on stderr, never a traceback."""
    try:
        app()
    except DtsError as error:
        typer.echo(f"error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
