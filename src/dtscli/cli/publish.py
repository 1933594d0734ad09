"""The commands that publish a base for its readers: maps and the website. Their options,
parsed by typer, handed to the `run()` of their module in commands/."""

from pathlib import Path
from typing import Annotated

import typer

from dtscli.cli import DataDir, DeptFilter, StatusFilter, TypeFilter, _run, app
from dtscli.util.i18n import _


@app.command(
    "map",
    help=_(
        "Draw an SVG map of the communes covered by the schemes, coloured by status.\n"
        "\n"
        "Examples: dts map --type CLSM --dept 06 -o clsm-06.svg · dts map --type CLS --region 76\n"
        "-o cls-occitanie.svg · dts map --type CLSM -o clsm-france.png (France, overseas insets)\n"
    ),
)
def map_cmd(
    types: TypeFilter = None,
    depts: DeptFilter = None,
    regions: Annotated[
        list[str] | None, typer.Option("--region", "-r", help=_("Region code, e.g. 93 (one)."))
    ] = None,
    statuses: StatusFilter = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=_("Write to FILE (.svg or .png)."), show_default=False),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=_("svg or png (png is drawn by a headless Chromium); default: from -o."),
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", envvar="DTS_TODAY", help=_("The map's date, YYYY-MM-DD."), show_default=False
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import map as command

    _run(
        lambda: command.run(
            data_dir,
            output=output,
            fmt=fmt,
            types=types,
            depts=depts,
            regions=regions,
            statuses=statuses,
            date=date,
        )
    )


@app.command(
    "site",
    help=_(
        "Write a static website of the whole base (French; works from file:// and any static\n"
        "host such as GitHub Pages): pages per type, region, département, scheme, legal text and\n"
        "local territory, maps, the bibliography and a search.\n"
        "\n"
        "Example: dts site -o public/ && open public/index.html\n"
    ),
)
def site_cmd(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help=_("The folder to write the site in (e.g. public/).")),
    ] = Path("public"),
    personal: Annotated[
        bool,
        typer.Option(
            "--personal", help=_("Publish people's names, e-mail addresses and phones (off).")
        ),
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", envvar="DTS_TODAY", help=_("The site's date, YYYY-MM-DD."), show_default=False
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    from dtscli.commands import site as command

    _run(lambda: command.run(data_dir, output, personal=personal, date=date))
