"""The console entry point registers only the command it runs (cli.keep_only_the_invoked_command):
what a person sees must not change for it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dtscli.cli import invoked_command

ENGLISH = {**os.environ, "LANGUAGE": "en", "DTS_NO_CACHE": "1"}


def dts(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtscli", *args],
        capture_output=True,
        text=True,
        env=ENGLISH,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list", "--type", "CLS"], "list"),
        (["--no-cache", "list"], "list"),
        (["--cache-dir", "/tmp/c", "--data-dir=data", "check"], "check"),
        (["--data-dir", "list", "show"], "show"),  # `list` is the value of --data-dir
        (["--help"], "--help"),
        ([], None),
    ],
)
def test_the_invoked_command_is_read_after_the_root_options(args, expected):
    assert invoked_command(args) == expected


def entry(function: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`dts ARGS` through `dtscli.cli.main` (the console entry) or `app` (every command)."""
    code = f"import sys; sys.argv = ['dts', *{list(args)!r}]; from dtscli.cli import {function}; "
    return subprocess.run(
        [sys.executable, "-c", code + f"{function}()"],
        capture_output=True,
        text=True,
        env=ENGLISH,
        check=False,
    )


@pytest.mark.parametrize(
    "args", [("list", "--help"), ("check", "--help"), ("list", "--bogus"), ("show",)]
)
def test_a_command_says_the_same_with_the_others_left_out(args):
    """Help and usage errors of a command from the console entry (one command registered)
    are those of the whole application."""
    alone, whole = entry("main", *args), entry("app", *args)
    assert (alone.returncode, alone.stdout, alone.stderr) == (
        whole.returncode,
        whole.stdout,
        whole.stderr,
    )
    assert alone.stdout or alone.stderr


def test_the_root_help_and_a_mistyped_command_still_see_every_command():
    listed = dts("--help").stdout
    for name in ("list", "show", "check", "sheet", "site", "map", "export", "init"):
        assert f" {name} " in listed
    mistyped = dts("lsit")
    assert mistyped.returncode == 2
    assert "list" in mistyped.stderr  # the suggestion needs the other commands
