"""One language per output: French by default, English when the locale asks for it.

The commands run as the user runs them (a process each), with LANG=fr_FR.UTF-8, with no
locale at all (French, the default) and with LANG=en_US.UTF-8; the French output must hold
no English leftovers, the English none of the French. The catalogs must be complete and
compiled. (The other test files run in English: see conftest.py.)
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dtscli.util import i18n
from tests.conftest import LOCALE_VARIABLES, ROOT, SHIPPED, copy_shipped, set_language

FRENCH = "fr_FR.UTF-8"
ENGLISH = "en_US.UTF-8"
DEFAULT = None  # no locale variable at all
NBSP, NNBSP = "\u00a0", "\u202f"

BAD_CLS = """\
id: cls-test
type: CLS
name: CLS de test
territory: commune:06088
status: active
signed_on: 2023-05-01
sources:
  - document: ars-paca-webinaire-sante-mentale-qpv-2025
    as_of: 2025-04-22
status_basis: stated
"""

# Words of English prose that a French output must not hold (data and codes excepted:
# the tests look at the outputs below, whose data is French).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|with|of|is|are|not|for|this|from|must|should|scheme|schemes|error|errors|"
    r"warning|warnings|hint|file|files|checked|Usage|Show|Print|Commands|default|required|"
    r"unknown|did you mean|types are|Scope|Covering|Share|Name|Status|Territory|Population "
    r"living|instances|Counts|Held|Gap|inhabitants|without)\b"
)
FRENCH_WORDS = re.compile(
    r"\b(le|la|les|des|du|une|est|sont|pour|avec|erreurs?|avertissements?|"
    r"conseil|fichiers?|vérifiés?|Utilisation|Afficher|Commandes|défaut|inconnue?|Statut|"
    r"actif|février|Périmètre|Statuts|couvrants|Part)\b"
)


# The console script, as a user runs it (its name is the program name help shows).
DTS = str(Path(sys.executable).with_name("dts"))


def dts(*args: str, lang: str | None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    set_language(env, lang)
    return subprocess.run(
        [DTS, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or ROOT,
        timeout=300,
    )


def prose(text: str) -> str:
    """The text without what is no prose: `code`, paths, codes, options and identifiers
    (data/schemes/cls/…, commune:06088, --status, cls-without-clsm)."""
    text = re.sub(r"`[^`]*`", " ", text)
    return " ".join(word for word in text.split() if not re.search(r"[/:_]|^-|\w-\w", word))


def english_leftovers(text: str) -> list[str]:
    return sorted(set(ENGLISH_WORDS.findall(prose(text))))


def french_leftovers(text: str) -> list[str]:
    return sorted(set(FRENCH_WORDS.findall(prose(text))))


@pytest.fixture(scope="module")
def bad_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped base with a CLS signed after the 3DS law and no mental-health
    axis: one error."""
    root = tmp_path_factory.mktemp("i18n")
    data = copy_shipped(root / "data")
    (data / "schemes" / "cls" / "cls-test.yaml").write_text(BAD_CLS, encoding="utf-8")
    return root


# ---------------------------------------------------------------- the language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "fr"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_GB"}, "en"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LANGUAGE": "en", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "de:en", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "de", "LANG": "en_US.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"),
    ],
)
def test_the_language_comes_from_the_locale(monkeypatch, environ, expected):
    set_language(monkeypatch, None)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == expected


def test_messages_follow_the_language_of_each_call(monkeypatch):
    set_language(monkeypatch, FRENCH)
    assert i18n._("Show this message and exit.") == "Afficher cette aide et quitter."
    assert i18n.counted("{count} scheme", "{count} schemes", 1) == "1 démarche"
    assert i18n.counted("{count} scheme", "{count} schemes", 0) == "0 démarche"
    assert i18n.counted("{count} scheme", "{count} schemes", 2500) == f"2{NNBSP}500 démarches"
    set_language(monkeypatch, ENGLISH)
    assert i18n._("Show this message and exit.") == "Show this message and exit."
    assert i18n.counted("{count} scheme", "{count} schemes", 0) == "0 schemes"
    assert i18n.counted("{count} scheme", "{count} schemes", 2500) == "2,500 schemes"


def test_one_label_per_status_for_the_command_line_and_the_sheets(monkeypatch):
    from dtscli.base.labels import STATUSES, status_label
    from dtscli.sheets import environment as render

    set_language(monkeypatch, ENGLISH)
    assert [status_label(s) for s in STATUSES] == list(STATUSES)
    assert render.status_label("in_preparation") == "en préparation"  # sheets stay French
    set_language(monkeypatch, FRENCH)
    labels = [status_label(s) for s in STATUSES]
    assert labels == [
        "intention",
        "en préparation",
        "en renouvellement",
        "actif",
        "échu",
        "inconnu",
    ]
    assert [render.status_label(s) for s in STATUSES] == labels
    assert status_label("active", feminine=True) == render.status_label("active", True) == "active"
    assert status_label("expired", feminine=True) == "échue"
    with pytest.raises(ValueError):
        status_label("actif")


# ---------------------------------------------------------------- dates and numbers


def test_dates_and_numbers_through_babel():
    assert i18n.format_date(dt.date(2022, 2, 23), "fr") == "23 février 2022"
    assert i18n.format_date(dt.date(2022, 3, 1), "fr") == "1er mars 2022"
    assert i18n.format_date(dt.date(2022, 2, 23), "en") == "February 23, 2022"
    assert i18n.format_month(2018, 3, "fr") == "mars 2018"
    assert i18n.format_month(2018, 3, "en") == "March 2018"
    assert i18n.format_number(702348, "fr") == f"702{NNBSP}348"
    assert i18n.format_number(702348, "en") == "702,348"
    assert i18n.format_number(1234.56, "fr", decimals=1) == f"1{NNBSP}234,6"
    assert i18n.format_percent(0.622, "fr", decimals=1) == f"62,2{NBSP}%"
    assert i18n.format_percent(0.622, "en", decimals=1) == "62.2%"
    assert i18n.format_percent(0.42, "fr") == f"42{NBSP}%"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_counts_skip_babel_and_write_what_it_would(lang):
    """Integers are written without loading Babel's locale data (the quick commands print
    counts): Babel writes the same characters, separators included."""
    from babel.numbers import format_decimal

    numbers = [*range(-1100, 1100), *(10**k + d for k in range(3, 13) for d in (-1, 0, 7))]
    for number in numbers:
        assert i18n.format_number(number, lang) == format_decimal(number, locale=lang)


def test_the_sheets_write_their_dates_and_numbers_with_babel_in_french(monkeypatch):
    from dtscli.sheets import environment as render

    set_language(monkeypatch, ENGLISH)  # a sheet is French whatever the locale
    assert render.fr_date(dt.date(2022, 2, 21)) == "21 février 2022"
    assert render.fr_date("2018-03") == "mars 2018"
    assert render.fr_number(5218960) == f"5{NNBSP}218{NNBSP}960"
    assert render.fr_percent(42, 100) == f"42{NBSP}%"


# ---------------------------------------------------------------- the catalogs


def load_catalog_tools():
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_catalogs_are_complete_and_compiled():
    """Every marked message has a French translation (none fuzzy, the same {fields}), the
    template lists the messages of the code, and the .mo is compiled from the .po."""
    assert load_catalog_tools().problems() == []


def test_a_missing_translation_or_a_stale_mo_fails(tmp_path, monkeypatch):
    catalogs = load_catalog_tools()
    locale = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE, locale)
    monkeypatch.setattr(catalogs, "LOCALE", locale)
    assert catalogs.problems() == []
    po = catalogs.po_path("fr")
    text = po.read_text(encoding="utf-8")
    blank = text.replace('msgstr "Afficher cette aide et quitter."', 'msgstr ""')
    po.write_text(blank, encoding="utf-8")
    found = catalogs.problems()
    assert any("Show this message and exit." in line and "no French" in line for line in found)
    assert any("dts.mo is older than its .po" in line for line in found)
    po.write_text(text.replace("Afficher cette aide", "Montrer cette aide"), encoding="utf-8")
    assert any("dts.mo is older" in line for line in catalogs.problems())


def test_the_catalogs_ship_in_the_package():
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = package_data["tool"]["setuptools"]["package-data"]["dtscli"]
    assert "locale/*/LC_MESSAGES/*.mo" in shipped and "locale/*/LC_MESSAGES/*.po" in shipped
    assert Path(i18n.catalog_path("fr")).is_file()


# ---------------------------------------------------------------- the commands


@pytest.mark.parametrize("lang", [FRENCH, DEFAULT])
def test_help_in_french(lang):
    result = dts("--help", lang=lang)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Utilisation{NBSP}: dts" in out and f"Commandes{NBSP}:" in out
    assert "Afficher cette aide et quitter." in out and "Lister les démarches" in out
    unwrapped = re.sub(r" *\n *", " ", out)
    assert f"[variable d'environnement{NBSP}: DTS_CACHE_DIR]" in unwrapped
    assert english_leftovers(out) == []
    sub = dts("list", "--help", lang=lang).stdout
    assert "Type de démarche (répétable)" in sub and f"[par défaut{NBSP}: table]" in sub
    assert english_leftovers(sub) == []


def test_help_in_english():
    out = dts("--help", lang=ENGLISH).stdout
    assert "Usage: dts" in out and "Commands:" in out and "Show this message and exit." in out
    assert "List scheme instances, filtered." in out
    assert french_leftovers(out) == []


@pytest.mark.parametrize("lang", [FRENCH, DEFAULT])
def test_list_in_french(lang):
    result = dts("list", "--type", "CLSM", "--dept", "06", "--data-dir", str(SHIPPED), lang=lang)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0].split()[:3] == ["Identifiant", "Type", "Nom"]
    assert "  actif" in out and out.rstrip().endswith("10 démarches")
    assert english_leftovers(out) == []


def test_list_in_english():
    out = dts("list", "--type", "CLSM", "--dept", "06", "--data-dir", str(SHIPPED), lang=ENGLISH)
    assert out.stdout.splitlines()[0].split()[:3] == ["Id", "Type", "Name"]
    assert "  active" in out.stdout and out.stdout.rstrip().endswith("10 schemes")
    assert "actif" not in out.stdout


def test_check_in_both_languages_on_one_cache(bad_base):
    """The same data and cache, checked in French, in English, then in French again: the
    saved findings are kept per language."""
    case = "data/schemes/cls/cls-test.yaml"
    for lang in (FRENCH, ENGLISH, FRENCH):
        result = dts("check", case, lang=lang, cwd=bad_base)
        assert result.returncode == 1, result.stderr
        out = result.stdout
        if lang == FRENCH:
            assert f"{case}:6:1  erreur " in out
            assert "un CLS signé à partir du 23 février 2022 doit avoir un axe" in out
            assert f"conseil{NBSP}: ajoutez `- id: sante-mentale` sous `axes:`" in out
            assert "1 erreur, 0 avertissement, 0 info dans 1 fichier (" in out
            assert english_leftovers(out) == []
        else:
            assert f"{case}:6:1  error " in out
            assert "a CLS signed on or after February 23, 2022 must have a `sante-mentale`" in out
            assert "hint: add `- id: sante-mentale` under `axes:`" in out
            assert "1 error, 0 warnings, 0 infos in 1 file (" in out
            assert "février" not in out and french_leftovers(out) == []


def test_check_counts_are_grouped_for_the_language(bad_base):
    french = dts("check", lang=FRENCH, cwd=bad_base).stdout.splitlines()[-1]
    english = dts("check", lang=ENGLISH, cwd=bad_base).stdout.splitlines()[-1]
    assert re.search(r"\(\d{1,3} vérifiés\)\.$", french), french  # fewer than 1000 files
    assert re.search(r"\(\d{1,3} checked\)\.$", english), english


def test_show_in_both_languages():
    french = dts("show", "clsm-nice", "--data-dir", str(SHIPPED), lang=FRENCH).stdout
    english = dts("show", "clsm-nice", "--data-dir", str(SHIPPED), lang=ENGLISH).stdout
    assert "\nstatus: actif (déduit), source du 17 novembre 2021\n" in french
    assert "status: active" not in french and "status_basis: déduit\n" in french
    assert "\nstatus: active (inferred), source of November 17, 2021\n" in english


def test_stats_in_both_languages():
    args = ("stats", "coverage", "--type", "CLSM", "--dept", "06", "--data-dir", str(SHIPPED))
    french = dts(*args, lang=FRENCH).stdout
    assert f"62,2{NBSP}%" in french and f"702{NNBSP}348" in french
    assert f"Statuts couvrants{NBSP}: en préparation, en renouvellement, actif (" in french
    assert "Part" in french.split("\n\n")[1] and english_leftovers(french) == []
    english = dts(*args, lang=ENGLISH).stdout
    assert "62.2%" in english and "702,348" in english and "62,2" not in english
    assert "Covering statuses: in_preparation, renewal, active (default" in english
    assert french_leftovers(english) == []


def test_errors_in_both_languages():
    args = ("list", "--type", "CLMS", "--data-dir", str(SHIPPED))
    french = dts(*args, lang=DEFAULT)
    assert french.returncode == 2
    assert french.stderr.startswith(
        f"erreur{NBSP}: type de démarche «{NBSP}CLMS{NBSP}» inconnu (vouliez-vous dire CLSM{NBSP}?)"
    )
    assert english_leftovers(french.stderr) == []
    english = dts(*args, lang=ENGLISH)
    assert english.stderr.startswith("error: unknown scheme type 'CLMS' (did you mean CLSM?)")
    usage = dts("list", "--foo", lang=FRENCH)
    assert usage.returncode == 2
    assert f"Erreur{NBSP}: Option inconnue{NBSP}: --foo" in usage.stderr
    assert f"Essayez «{NBSP}dts list --help{NBSP}» pour l'aide." in usage.stderr
    assert "No such option: --foo" in dts("list", "--foo", lang=ENGLISH).stderr
    value = dts("stats", "--min-population", "abc", lang=DEFAULT)
    assert value.returncode == 2 and "n'est pas un nombre entier." in value.stderr


def test_rules_in_both_languages():
    french = dts("rules", lang=FRENCH).stdout
    assert "Raison d'être" in french and "cohérence" in french and "avertissement" in french
    assert "Depuis la loi 3DS, un CLS doit comporter un volet santé mentale" in french
    english = dts("rules", lang=ENGLISH).stdout
    assert "Rationale" in english and "Since the 3DS law a CLS must include" in english


def test_the_sheets_stay_french_in_english(tmp_path):
    out = dts("sheet", "CLSM", "--dept", "06", "--data-dir", str(SHIPPED), lang=ENGLISH).stdout
    assert "CLSM" in out and "actif" in out and " active " not in out


def test_no_variable_is_left_set_by_the_tests():
    assert os.environ.get("LANG") == ENGLISH  # the legacy tests' English (conftest.py)
    assert not any(os.environ.get(name) for name in LOCALE_VARIABLES if name != "LANG")
