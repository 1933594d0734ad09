"""The `dts` command line: one thin function per command; the work is done in modules.

Heavy imports (pydantic models, rich, jinja2, the referential) happen inside commands, so
that `dts --help` stays quick.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from typer.main import get_command_name  # Typer's rule for a command's name

from dtscli import __version__
from dtscli.cli.typer_words import localise_typer
from dtscli.util.errors import DtsError
from dtscli.util.i18n import _

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


def _run(action: Callable[[], int | None]) -> None:
    """Run a command body; a DtsError becomes one line on stderr and its exit code."""
    try:
        code = action()
    except DtsError as error:
        typer.echo(_("error: {message}").format(message=error.message), err=True)
        raise typer.Exit(error.exit_code) from None
    if code:
        raise typer.Exit(code)


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
    from dtscli.util.output import check_format

    def action() -> int:
        check_format(fmt, ("table", "json", "csv", "md"))
        return listing.list_command(
            find_data_dir(data_dir),
            types=type_ or [],
            depts=dept or [],
            regions=region or [],
            statuses=status or [],
            territory=territory,
            text=text,
            fmt=fmt,
        )

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
    from dtscli.commands import show as command

    _run(lambda: command.run(data_dir, record_id, fmt))


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
    from dtscli.commands import sheet as command

    _run(
        lambda: command.run(
            data_dir,
            target,
            territory=territory,
            dept=dept,
            region=region,
            fmt=fmt,
            output=output,
            template=template,
            date=date,
        )
    )


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
            help=_(
                "summary (all four, compact), counts, completeness, coverage, gaps or "
                "freshness (age of the facts)."
            )
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
    years: Annotated[
        int, typer.Option(help=_("Freshness: facts older than this many years are listed."))
    ] = 3,
    fmt: Format = "table",
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import stats as command

    _run(
        lambda: command.run(
            data_dir,
            view,
            fmt=fmt,
            types=type_ or [],
            depts=dept or [],
            regions=region or [],
            statuses=status or [],
            by=by,
            min_population=min_population,
            years=years,
        )
    )


# The commands that keep a base register themselves on `app` when imported.
from dtscli.cli import maintain, publish  # noqa: E402, F401


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


ROOT_OPTIONS_WITH_VALUE = ("--cache-dir", "--data-dir")


def invoked_command(args: list[str]) -> str | None:
    """The word after the root options (`dts --no-cache list …` → `list`), or None."""
    at = 0
    while at < len(args):
        arg = args[at]
        if arg in ROOT_OPTIONS_WITH_VALUE:
            at += 2
        elif arg == "--no-cache" or arg.startswith(tuple(f"{o}=" for o in ROOT_OPTIONS_WITH_VALUE)):
            at += 1
        else:
            return arg
    return None


def keep_only_the_invoked_command(args: list[str]) -> None:
    """Before it runs one command, Typer builds the options of all of them (each signature
    and its type hints read): a few milliseconds of every run, a tenth of a warm `dts list`.
    When the command line names a command, only that one is registered in this process, as
    click's lazy groups do; the root's help, shell completion and a mistyped name still see
    every command."""
    if any(key.endswith("_COMPLETE") for key in os.environ):
        return
    name = invoked_command(args)
    chosen = [
        command
        for command in app.registered_commands
        if name == (command.name or get_command_name(command.callback.__name__))  # type: ignore[union-attr]
    ]
    if chosen:
        app.registered_commands = chosen


def main() -> None:
    """Console entry point: user errors become one line on stderr, never a traceback."""
    keep_only_the_invoked_command(sys.argv[1:])
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
