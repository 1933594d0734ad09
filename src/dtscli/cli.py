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
# ---- dts check / dts rules ---- end


# ---- dts sheet (issue: fact sheets) ---- begin
# ---- dts sheet ---- end


# ---- dts stats (issue: steering figures) ---- begin
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
