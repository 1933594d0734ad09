"""Error paths: one clear line, a non-zero exit, never a traceback."""

import subprocess
import sys


def test_missing_data_dir(invoke, tmp_path):
    result = invoke("list", data=tmp_path / "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_no_knowledge_base_found(runner, tmp_path, monkeypatch):
    from dtscli.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DTS_DATA", raising=False)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 2
    assert "no knowledge base found" in result.stderr


def test_env_var_chooses_the_base(runner, mini, monkeypatch):
    from dtscli.cli import app

    mini.scheme("cls-nice", "CLS", "commune:06088")
    monkeypatch.setenv("DTS_DATA", str(mini.root))
    result = runner.invoke(app, ["list", "-f", "json"])
    assert result.exit_code == 0 and '"cls-nice"' in result.stdout


def test_file_that_does_not_parse(invoke, mini):
    mini.scheme("cls-nice", "CLS", "commune:06088")
    mini.write("schemes/cls/cls-bad.yaml", "id: cls-bad\nname: a: b\n")
    result = invoke("list", data=mini.root)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "cls-bad.yaml:2:" in line and "YAML syntax error" in line
    assert len(line.splitlines()) == 1


def test_schema_error_names_the_line(invoke, mini):
    mini.write(
        "schemes/cls/cls-typo.yaml",
        "id: cls-typo\ntype: CLS\nname: x\nterritory: commune:06088\nstauts: active\n"
        "sources: [{document: doc-test, as_of: 2024-01-01}]\n",
    )
    result = invoke("list", data=mini.root)
    assert result.exit_code == 1
    assert "cls-typo.yaml:5:1: unknown key 'stauts' (did you mean 'status'?)" in result.stderr


def test_unquoted_code_is_a_warning_not_a_failure(invoke, mini):
    mini.write(
        "territories/local/pays.yaml",
        "id: pays\nname: Pays\nkind: pays\ncommunes: [06088]\n"
        "sources: [{document: doc-test, as_of: 2024-01-01}]\n",
    )
    mini.scheme("cls-pays", "CLS", "local:pays")
    result = invoke("list", "--dept", "06", data=mini.root)
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "'06088'" in result.stderr
    assert "cls-pays" in result.stdout


def test_duplicate_ids(invoke, mini):
    mini.scheme("cls-nice", "CLS", "commune:06088")
    mini.write(
        "schemes/cls/cls-nice-2.yaml",
        (mini.root / "schemes/cls/cls-nice.yaml").read_text(encoding="utf-8"),
    )
    result = invoke("list", data=mini.root)
    assert result.exit_code == 1 and "already used" in result.stderr


def test_python_dash_m_and_version():
    result = subprocess.run(
        [sys.executable, "-m", "dtscli", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("dts ")
