"""The command line as a person meets it: "did you mean" by a typo-aware distance,
`--data-dir` before the command, shell completion, `dts show` as YAML."""

from __future__ import annotations

import io
import json

import pytest
from ruamel.yaml import YAML

from dtscli.commands.show import readable
from dtscli.util.suggest import closest, distance

from ..conftest import SHIPPED

TYPES = ["CLS", "CLSM", "ASV", "PTSM", "CPTS", "DAC"]


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("CLMS", TYPES, "CLSM"),  # a swap: nearer than the deletion that gives CLS
        ("clms", TYPES, "CLSM"),
        ("CLSS", TYPES, "CLS"),  # a letter too many
        ("CLSMM", TYPES, "CLSM"),
        ("PTMS", TYPES, "PTSM"),
        ("cpst", TYPES, "CPTS"),
        ("XYZ", TYPES, None),
        ("actif", ["intention", "in_preparation", "active", "expired", "unknown"], "active"),
        ("stauts", ["status", "signed_on", "end_on"], "status"),
        ("clsm-nic", ["clsm-nice", "cls-nice", "clsm-vence"], "clsm-nice"),
        ("renouvellement", ["renewal", "active"], None),
    ],
)
def test_closest_choice(word, choices, expected):
    assert closest(word, choices) == expected


def test_distance_counts_a_swap_as_half_an_edit():
    assert distance("CLMS", "CLSM") == 0.5
    assert distance("CLMS", "CLS") == 1
    assert distance("abc", "abc") == 0
    assert distance("", "abc") == 3
    assert distance("kitten", "sitting") == 3


def test_type_typo_proposes_clsm(invoke):
    result = invoke("list", "--type", "CLMS")
    assert result.exit_code == 2
    assert "(did you mean CLSM?)" in result.stderr


def test_data_dir_before_the_command(runner, tmp_path, monkeypatch):
    from dtscli.cli import app

    monkeypatch.chdir(tmp_path)  # no base here: only the option can find it
    result = runner.invoke(
        app,
        ["--data-dir", str(SHIPPED), "list", "--type", "PTSM", "--format", "json"],
        env={"DTS_DATA": None},
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 6
    # given after the command too, that one wins
    elsewhere = runner.invoke(
        app,
        ["--data-dir", str(tmp_path), "list", "--data-dir", str(SHIPPED), "--type", "PTSM"],
        env={"DTS_DATA": None},
    )
    assert elsewhere.exit_code == 0, elsewhere.output


def test_shell_completion_is_offered(runner):
    from dtscli.cli import app

    help_text = runner.invoke(app, ["--help"]).stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="dts")
    assert script.exit_code == 0 and "_DTS_COMPLETE" in script.stdout


@pytest.mark.parametrize("target", ["clsm-nice", "CLS", "loi-2022-217", "commune:06157"])
def test_show_text_is_yaml_of_the_json_view(invoke, target):
    text = invoke("show", target).stdout
    view = json.loads(invoke("show", target, "--format", "json").stdout)
    assert YAML(typ="safe", pure=True).load(io.StringIO(text)) == readable(view)


# ---------------------------------------------------------------- progress


def test_progress_bar_only_when_enabled_and_slow(monkeypatch):
    from dtscli.util import progress

    items = list(range(100))
    progress.disable()
    assert progress.track(items, "Lecture") is items  # off: the items themselves
    screen = io.StringIO()
    progress.enable(screen)
    try:
        assert list(progress.track(items, "Lecture", delay=3600)) == items
        assert screen.getvalue() == ""  # quick work: no bar
        assert list(progress.track(items, "Lecture de la base", delay=0)) == items
    finally:
        progress.disable()
    drawn = screen.getvalue()
    assert "Lecture de la base" in drawn and "/100" in drawn


def test_no_progress_bar_in_a_pipe(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DTS_CACHE_DIR": str(tmp_path / "cache")}  # a cold check
    result = subprocess.run(
        [sys.executable, "-m", "dtscli", "check", "--data-dir", str(SHIPPED)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    assert "Lecture de la base" not in result.stderr and "\x1b[" not in result.stderr


def test_a_truncated_id_is_completed():
    ids = ["ars-paca-webinaire-sante-mentale-qpv-2025", "ars-paca-dynamiques-2021", "cls-nice"]
    assert closest("ars-paca-webinaire", ids) == ids[0]
    assert closest("ar", ids) is None
