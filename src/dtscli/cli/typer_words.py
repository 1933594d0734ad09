"""Typer's own words (usage lines, section titles, usage errors) in the language of each run.

Only the command line imports typer: this module is part of it."""

from __future__ import annotations

import re
from typing import Any, cast

from dtscli.util.i18n import N_, _, ngettext

# ---------------------------------------------------------------- Typer's own words

# What Typer (and the Click it is built on) prints itself: usage lines, section titles,
# the help option, the usage errors. Its older versions pass these through gettext; the
# version this package pins writes them out in English (a copy of Click inside Typer):
# `localise_typer` rebinds the former and wraps the latter.
TYPER_WORDS = (
    N_("Usage: "),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("required"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)

# Typer's usage errors (pattern of the English message, our message); compiled only when
# one is shown.
USAGE_ERRORS: tuple[tuple[str, str], ...] = (
    (  # a mistyped command: the first part is in the language already
        r"(?P<message>.+)\. Did you mean (?P<suggestions>.+)\?",
        N_("{message}. Did you mean {suggestions}?"),
    ),
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)",
        N_("No such option: {name} (possible options: {options})"),
    ),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing parameter (?P<name>.+)\.", N_("Missing parameter {name}.")),
    (r"Option (?P<name>.+) requires an argument\.", N_("Option {name} requires a value.")),
    (r"Option (?P<name>.+) does not take a value\.", N_("Option {name} takes no value.")),
    (
        r"Got unexpected extra arguments?(?:\(s\))? \((?P<values>.*)\)",
        N_("Unexpected extra arguments ({values})"),
    ),
    (
        r"Invalid value for (?P<name>.+?): (?P<value>.+) is not a valid int(?:eger)?\.",
        N_("Invalid value for {name}: {value} is not a whole number."),
    ),
    (
        r"Invalid value for (?P<name>.+?): (?P<value>.+) is not a valid float\.",
        N_("Invalid value for {name}: {value} is not a number."),
    ),
    (
        r"Invalid value for (?P<name>.+?): (?P<problem>.*)",
        N_("Invalid value for {name}: {problem}"),
    ),
)


def usage_error(message: str) -> str:
    """A usage error of Typer's in the current language (the English when it is unknown)."""
    for pattern, template in USAGE_ERRORS:
        found = re.fullmatch(pattern, message)
        if found:
            return _(template).format(**found.groupdict())
    return message


def localise_typer() -> None:
    """Have Typer print its own words in the language of each run (see TYPER_WORDS)."""
    import gettext
    import sys

    for name, module in list(sys.modules.items()):
        if module is None or name.partition(".")[0] not in ("typer", "click"):
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        from typer._click import core, exceptions, formatting
        from typer._click._compat import get_text_stderr
        from typer._click.utils import echo
    except ImportError:  # Typer on an outside Click, which asks gettext: rebound above
        return
    if getattr(formatting.HelpFormatter.write_usage, "localised", False):
        return

    write_usage = formatting.HelpFormatter.write_usage

    def localised_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    get_help_option = core.Command.get_help_option

    def localised_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    def show(self: Any, file: Any = None) -> None:
        file = file or get_text_stderr()
        color = getattr(self, "show_color", None)
        context = getattr(self, "ctx", None)
        if context is not None:
            color = context.color
            hint = ""
            if context.command.get_help_option(context) is not None:
                hint = _("Try '{command} {option}' for help.").format(
                    command=context.command_path, option=context.help_option_names[0]
                )
                hint += "\n"
            echo(f"{context.get_usage()}\n{hint}", file=file, color=color)
        message = usage_error(self.format_message())
        echo(_("Error: {message}").format(message=message), file=file, color=color)

    from typer import main as typer_main

    completion_options = typer_main.get_install_completion_arguments

    def localised_completion_options() -> Any:
        install, show = (cast(Any, option) for option in completion_options())
        install.help = _("Install completion for the current shell.")
        show.help = _(
            "Show completion for the current shell, to copy it or customize the installation."
        )
        return install, show

    typer_main.get_install_completion_arguments = localised_completion_options  # type: ignore[assignment]
    localised_usage.localised = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = localised_usage  # type: ignore[method-assign]
    core.Command.get_help_option = localised_help_option  # type: ignore[method-assign]
    exceptions.ClickException.show = show  # type: ignore[method-assign]
    exceptions.UsageError.show = show  # type: ignore[method-assign]
