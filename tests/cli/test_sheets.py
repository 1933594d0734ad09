"""`dts sheet`: the French fact sheets, through the CLI and through the library.

Snapshots live in tests/snapshots/; after an intended change, regenerate them with
`DTS_UPDATE_SNAPSHOTS=1 python -m pytest tests/cli/test_sheets.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import os
import re
import subprocess
from pathlib import Path

import pytest

from dtscli.base.kb import KnowledgeBase
from dtscli.data import models
from dtscli.sheets import context as sheets
from dtscli.sheets import environment as render
from dtscli.util.errors import DtsError

from ..conftest import ROOT, SHIPPED, MiniBase

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"
DAY = "2025-05-01"
NBSP = "\u00a0"
NNBSP = "\u202f"
TEN_CLSM_06 = (
    "Menton",
    "Grasse",
    "Carros",
    "Vence",
    "Valbonne",
    "Roquebrune-Cap-Martin",
    "Cannes",
    "Cagnes-sur-Mer",
    "Antibes",
    "Nice",
)


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def shipped_kb() -> KnowledgeBase:
    return KnowledgeBase.load(SHIPPED)


@pytest.fixture
def sheet(invoke):
    """Run `dts sheet …` on the shipped data with a fixed date; return the result."""

    def run(*args: str, data: Path | None = SHIPPED):
        return invoke("sheet", *args, "--date", DAY, data=data)

    return run


def section(markdown: str, heading: str) -> str:
    """The text of the section that starts with `heading` (up to the next heading of its
    level or above)."""
    level = len(heading) - len(heading.lstrip("#")) or 6  # a paragraph: up to any heading
    start = markdown.index(heading + "\n")
    rest = markdown[start + len(heading) + 1 :]
    stop = re.search(rf"^#{{1,{level}}} ", rest, flags=re.MULTILINE)
    return rest[: stop.start()] if stop else rest


def table_rows(text: str) -> list[list[str]]:
    """Body rows of the Markdown tables in `text`, as lists of cells."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("| ") or re.match(r"^\| -", line):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append(cells)
    return [r for r in rows if r[0] not in ("Démarche", "Département", "Territoire")]


def assert_clean_markdown(text: str) -> None:
    """Our own structural checks (markdownlint runs separately)."""
    lines = text.split("\n")
    assert text.endswith("\n") and not text.endswith("\n\n"), "one final newline"
    assert "\n\n\n" not in text, "no run of blank lines"
    assert not [n for n, line in enumerate(lines, 1) if line != line.rstrip()], "trailing spaces"
    levels = [len(m.group(1)) for m in re.finditer(r"^(#+) ", text, flags=re.MULTILINE)]
    assert levels[0] == 1 and levels.count(1) == 1, "exactly one H1, first"
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), f"skipped level: {levels}"
    for line in lines:
        if line.startswith("|"):
            assert line.endswith("|"), line
    for block in re.split(r"\n(?!\|)", text):
        table = [line for line in block.split("\n") if line.startswith("|")]
        if table:
            widths = {len(re.split(r"(?<!\\)\|", line)) for line in table}
            assert len(widths) == 1, f"ragged table:\n{block}"


def markdownlint(text: str) -> list[str]:
    from pymarkdown.api import PyMarkdownApi

    api = PyMarkdownApi().configuration_file_path(str(ROOT / ".pymarkdown.json"))
    result = api.enable_strict_configuration().scan_string(text)
    assert not result.critical_errors and not result.pragma_errors
    return [
        f"{f.line_number}:{f.column_number} {f.rule_id} {f.rule_description}"
        f"{f.extra_error_information or ''}"
        for f in result.scan_failures
    ]


def check_sources(markdown: str) -> None:
    """Every note call points at a source, every source is cited, none is listed twice."""
    body, _, sources = markdown.partition("\n## Sources\n")
    assert sources, "a « Sources » section closes the sheet"
    entries = re.findall(r"^(\d+)\. (.*)$", sources, flags=re.MULTILINE)
    numbers = [int(n) for n, _ in entries]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = {int(n) for call in re.findall(r"\[([\d, ]+)\]", body) for n in call.split(", ")}
    assert cited == set(numbers), f"cited {sorted(cited)} vs listed {numbers}"
    firsts = [text.split(" Passages cités")[0] for _, text in entries]
    assert len(firsts) == len(set(firsts)), "a source is listed twice"


def compare_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("DTS_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; create it with DTS_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"snapshots/{name}",
                tofile="rendered",
            )
        )
        pytest.fail(f"{name} differs from its snapshot (DTS_UPDATE_SNAPSHOTS=1 to accept):\n{diff}")


# ---------------------------------------------------------------- a small base for snapshots

SCHEME_TYPE = """\
id: CLSM
name: Conseil local de santé mentale
family: sante-mentale
scale:
  kinds: [commune, epci]
  label: commune ou EPCI
pilotage: [élus, psychiatrie publique, usagers et familles]
public: Les habitants de la commune.
themes: [santé mentale, inclusion sociale]
created_year: 1972
legal_basis: [loi-test]
published_counts:
  - territory: region:93
    count: 19
    label: CLSM en PACA
    source:
      document: doc-test
      as_of: 2024-01-01
      locator: p. 10
description: Lieu de concertation entre élus, psychiatrie et usagers.
sources:
  - document: doc-test
    as_of: 2024-01-01
    locator: p. 2
"""
LEGAL = """\
id: loi-test
kind: loi
short_name: TEST
number: "2022-217"
date: 2022-02-21
title: LOI n° 2022-217 du 21 février 2022 relative aux essais
url: https://www.legifrance.gouv.fr/loda/id/JORFTEXT000045197395
in_force_on: 2022-02-23
scheme_types: [CLSM]
requires:
  - scheme_type: CLSM
    summary: Un CLSM rend compte de ses travaux chaque année.
description: Loi d'essai ; elle dit ce que le CLSM doit faire.
sources:
  - document: doc-test
    as_of: 2024-01-01
"""
ORGANISATION = """\
id: ars-test
kind: organisation
name: Agence régionale de santé d'essai
role: Pilote régional.
website: https://www.example.org/
scheme_types: [CLSM]
territory: region:93
verified_on: 2024-03-01
sources:
  - document: doc-test
    as_of: 2024-01-01
"""
PERSON = """\
id: jeanne-test
kind: person
name: Jeanne Essai
organisation: ars-test
role: Référente santé mentale
email: jeanne.essai@example.org
scheme_types: [CLSM]
territory: region:93
verified_on: 2024-03-01
sources:
  - document: doc-test
    as_of: 2024-01-01
"""
READING = """\
id: guide-test
kind: guide
title: "Guide des CLSM : créer un conseil ?"
authors: [DUPONT Marie]
publisher: Centre de ressources
date: "2023-03"
pages: 40 p.
url: https://www.example.org/guide.pdf
scheme_types: [CLSM]
sources:
  - document: doc-test
    as_of: 2024-01-01
"""


def snapshot_base(mini: MiniBase) -> MiniBase:
    mini.write("schemes/CLSM.yaml", SCHEME_TYPE)
    mini.write("legal/loi-test.yaml", LEGAL)
    mini.write("contacts/ars-test.yaml", ORGANISATION)
    mini.write("contacts/jeanne-test.yaml", PERSON)
    mini.write("documents/guide-test.yaml", READING)
    mini.scheme("clsm-menton", "CLSM", "commune:06083", name="CLSM de Menton")
    mini.scheme(
        "clsm-nice",
        "CLSM",
        "commune:06088",
        status="in_preparation",
        name="CLSM de Nice",
        signed_on="2023-06-01",
        coordinator="jeanne-test",
    )
    mini.scheme("clsm-toulon", "CLSM", "commune:83137", status="unknown", name="CLSM de Toulon")
    return mini


@pytest.fixture
def snap(mini: MiniBase, monkeypatch: pytest.MonkeyPatch) -> MiniBase:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(mini.root.parent))
    return snapshot_base(mini)


def test_markdownlint_configuration_is_active():
    broken = "# Titre\n\n### Trop bas\n\n| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n"
    rules = {failure.split()[1] for failure in markdownlint(broken)}
    assert {"MD001", "MD056"} <= rules  # headings in order; tables checked (extension on)
    assert markdownlint("# Titre\n\n" + " ".join(["mot"] * 60) + "\n") == []  # MD013 is off


# ---------------------------------------------------------------- the shipped data


def test_cls_sheet_states_the_3ds_obligation(sheet):
    result = sheet("CLS")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Contrat local de santé (CLS)\n")
    legal = section(md, "## Cadre juridique")
    law = section(legal, f"### Loi n°{NBSP}2022-217 du 21 février 2022, dite «{NBSP}3DS{NBSP}»")
    assert "santé mentale" in section(law, f"Ce que ce texte impose aux CLS{NBSP}:")
    assert "En vigueur depuis le 23 février 2022" in law
    assert "<https://www.legifrance.gouv.fr/loda/id/JORFTEXT000045197395>" in law
    counts = section(md, "### Décomptes publiés")
    assert "| Occitanie | 33 | CLS signés en Occitanie (statut\u00a0: actif) |" in counts
    assert "23 avril 2024" in counts
    assert "RESEDA" in section(md, f"## Qui contacter{NBSP}?")
    check_sources(md)
    assert_clean_markdown(md)


def test_clsm_sheet_of_the_alpes_maritimes_lists_its_ten_clsm(sheet):
    result = sheet("CLSM", "--dept", "06")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Conseil local de santé mentale (CLSM) — Alpes-Maritimes (06)\n")
    listed = section(md, "## Les CLSM de la base, par département")
    rows = table_rows(listed)
    assert len(rows) == 10
    assert {row[1].removesuffix(" (commune)") for row in rows} == set(TEN_CLSM_06)
    assert all(row[0].startswith("Conseil local de santé mentale ") for row in rows)
    assert {row[3] for row in rows} == {"actif (déduit) (au 17 novembre 2021)"}
    assert "Marseille" not in listed and "Albi" not in listed
    assert "| Alpes-Maritimes (06) | 10 | 10 |" in section(md, "### Dans la base")
    assert "| Provence-Alpes-Côte d'Azur | 19 | CLSM en PACA |" in md
    contacts = section(md, f"## Qui contacter{NBSP}?")
    assert "Agence régionale de santé Provence-Alpes-Côte d'Azur" in contacts
    assert "Agence régionale de santé Occitanie" not in contacts  # narrowed to the territory
    # published by a deck, checked by no one: never called verified
    assert "publiées par la source le 22 avril 2025, non vérifiées depuis" in contacts
    assert "vérifiées le" not in contacts
    assert "Céline Mansour" not in contacts  # named in 2021, replaced in 2025
    assert "Cynthia Benkhoucha** (nom déduit de l'adresse électronique, à confirmer)" in contacts
    reading = section(md, "## Pour aller plus loin")
    assert reading.index("Les démarches territoriales de santé*. ") < reading.index(
        "*Historique et cadre législatif des CLSM*"
    )  # 2025 first, undated last
    check_sources(md)


@pytest.mark.parametrize("code", models.SCHEME_TYPES)
def test_every_scheme_type_renders_and_passes_markdownlint(shipped_kb, code):
    context = sheets.type_sheet(shipped_kb, code.lower(), today=dt.date(2025, 5, 1))
    md = render.render_sheet(context, data_dir=SHIPPED)
    assert md.startswith(f"# {context['type']['name']} ({code})\n")
    assert markdownlint(md) == []
    assert_clean_markdown(md)
    check_sources(md)


def test_scheme_sheet(sheet):
    result = sheet("clsm-nice")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Conseil local de santé mentale de Nice\n")
    brief = section(md, "## En bref")
    assert f"Nice, commune (Alpes-Maritimes), 357{NNBSP}737 habitants" in brief
    assert f"actif (déduit) (au 17 novembre 2021){NBSP}[" in brief
    assert "Projet territorial de santé mentale des Alpes-Maritimes" in section(
        md, "## Sur le même territoire"
    )
    assert "Les dynamiques territoriales en santé" in section(md, "## Sources")
    check_sources(md)
    assert markdownlint(md) == []


def test_territory_sheet_by_code_and_by_name(sheet):
    by_code = sheet("--territory", "commune:06088")
    by_name = sheet("--territory", "Nice")
    assert by_code.exit_code == by_name.exit_code == 0
    assert by_code.stdout == by_name.stdout
    md = by_code.stdout
    assert md.startswith(f"# Démarches territoriales de santé{NBSP}: Nice (06088)\n")
    mental = section(md, "## Santé mentale")
    assert {row[0] for row in table_rows(mental)} == {
        "Conseil local de santé mentale de Nice",
        "Projet territorial de santé mentale des Alpes-Maritimes",
    }
    assert f"357{NNBSP}737 habitants (100{NBSP}%)" in mental
    assert "Contrat local de santé de Nice" in section(md, "## Santé globale")
    assert "Aucune démarche de parcours de soins" in section(md, "## Parcours de soins")
    check_sources(md)
    assert markdownlint(md) == []
    assert_clean_markdown(md)


def test_territory_sheet_population_covered_in_a_department(shipped_kb):
    context = sheets.territory_sheet(shipped_kb, "dept:06", today=dt.date(2025, 5, 1))
    mental = next(f for f in context["families"] if f["id"] == "sante-mentale")
    referential = shipped_kb.referential
    communes = [c for c in referential.communes_of_dept("06")]
    assert mental["covered_population"] == sum(referential.communes[c].population for c in communes)
    assert mental["covered_share"] == f"100{NBSP}%"  # the PTSM covers the whole department
    globale = next(f for f in context["families"] if f["id"] == "sante-globale")
    # the CLS of Nice and Vence are of unknown status since 2021: they cover no one
    assert {s["status"] for s in globale["schemes"]} == {"unknown"}
    assert globale["covered_population"] == 0


def test_expired_schemes_cover_no_one(snap):
    snap.scheme("clsm-antibes", "CLSM", "commune:06004", status="expired", name="CLSM d'Antibes")
    kb = KnowledgeBase.load(snap.root)
    context = sheets.territory_sheet(kb, "commune:06004", today=dt.date(2025, 5, 1))
    mental = next(f for f in context["families"] if f["id"] == "sante-mentale")
    assert [s["status_label"] for s in mental["schemes"]] == ["échu"]  # listed…
    assert mental["covered_population"] == 0  # …but covering no one, as in `dts stats`
    assert mental["covered_share"] == f"0{NBSP}%"


def test_sheet_states_date_and_data_version(sheet, invoke, monkeypatch):
    md = sheet("CLSM", "--dept", "06").stdout
    assert "Fiche établie le 1er mai 2025" in md
    inside_git = subprocess.run(
        ["git", "-C", str(SHIPPED), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        check=False,
    )
    if inside_git.returncode == 0:  # the commit may move on meanwhile: check it is one
        commit = re.search(rf"données{NBSP}: version ([0-9a-f]{{7,}})", md)
        assert commit, md[:400]
        known = subprocess.run(
            ["git", "-C", str(SHIPPED), "cat-file", "-e", f"{commit.group(1)}^{{commit}}"],
            check=False,
        )
        assert known.returncode == 0
    else:
        assert f"données{NBSP}: non versionnées" in md
    monkeypatch.setenv("DTS_TODAY", "2024-03-01")
    assert "Fiche établie le 1er mars 2024" in invoke("sheet", "ASV").stdout


def test_unknown_type_or_id_is_one_line_and_exit_2(sheet):
    for args, expected in [
        (("clsm-nic",), "(did you mean 'clsm-nice'?)"),
        (("CLZ",), "is neither a scheme type nor a scheme id"),
        (("CLSM", "--dept", "99"), "unknown department '99'"),
        ((), "say what the sheet is about"),
        (("CLS", "--format", "docx"), "unknown format 'docx'"),
        (("CLS", "--format", "pdf"), "a PDF sheet needs -o FILE.pdf"),
    ]:
        result = sheet(*args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
        assert result.stdout == ""


# ---------------------------------------------------------------- snapshots (small base)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("type-clsm.md", ("CLSM",)),
        ("type-clsm-dept-83.md", ("CLSM", "--dept", "83")),
        ("scheme-clsm-nice.md", ("clsm-nice",)),
        ("territory-nice.md", ("--territory", "Nice")),
        ("scheme-clsm-nice.html", ("clsm-nice", "--format", "html")),
    ],
)
def test_snapshots(sheet, snap, name, args):
    result = sheet(*args, data=snap.root)
    assert result.exit_code == 0, result.stderr
    compare_snapshot(name, result.stdout)
    if name.endswith(".md"):
        assert markdownlint(result.stdout) == []
        assert_clean_markdown(result.stdout)
        check_sources(result.stdout)
        assert f"données{NBSP}: non versionnées" in result.stdout


def test_empty_sections_say_so(sheet, mini):
    head, _, _ = SCHEME_TYPE.replace("id: CLSM", "id: DAC").partition("legal_basis:")
    _, _, tail = SCHEME_TYPE.partition("\ndescription:")
    mini.write("schemes/DAC.yaml", f"{head}description:{tail}")  # no texts, no counts
    md = sheet("DAC", "--dept", "06", data=mini.root).stdout
    assert "Aucun texte fondateur n'est enregistré" in md
    assert "Aucun décompte publié n'est enregistré pour ce territoire." in md
    assert "Aucun DAC n'est enregistré dans la base pour ce territoire." in md
    assert "Aucun contact enregistré pour ce territoire." in md
    assert "Aucun document enregistré pour ce type de démarche." in md
    assert markdownlint(md) == []
    assert_clean_markdown(md)


def test_reading_list_most_recent_first(shipped_kb):
    context = sheets.type_sheet(shipped_kb, "CLSM", today=dt.date(2025, 5, 1))
    dated = [d["date"] for d in context["reading"] if d["date"]]
    assert len(dated) > 10 and dated == sorted(dated, reverse=True)
    assert all(d["date"] is None for d in context["reading"][len(dated) :])  # undated last


# ---------------------------------------------------------------- escaping


def test_html_escapes_record_text(sheet, snap):
    snap.scheme("clsm-evil", "CLSM", "commune:06004", name='"Démarche <script>alert(1)</script>"')
    html = sheet("CLSM", "--format", "html", data=snap.root).stdout
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>" not in html
    assert "Démarche &lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = sheet("CLSM", data=snap.root).stdout
    assert "Démarche \\<script\\>alert(1)\\</script\\>" in md
    assert markdownlint(md) == []


def test_markdown_tables_survive_pipes_and_newlines(sheet, snap):
    snap.scheme("clsm-pipe", "CLSM", "commune:06004", name='"A | B *gras*\\nsuite"')
    md = sheet("CLSM", data=snap.root).stdout
    assert "| A \\| B \\*gras\\* suite | Antibes (commune) |" in md
    assert_clean_markdown(md)
    assert markdownlint(md) == []


def test_markdown_escaping_and_typography_units():
    assert render.md_text("a | b\nc") == "a \\| b c"
    assert render.md_text("# titre") == "\\# titre"
    assert render.md_text("2022. Bilan") == "2022\\. Bilan"
    assert render.md_text("x &amp; y") == "x \\&amp; y"
    typo = render.french_typography("Note : « oui » ? non ! 5 % n° 12\n| --- | :--: |")
    expected = f"Note{NBSP}: «{NBSP}oui{NBSP}»{NBSP}? non{NBSP}! 5{NBSP}% n°{NBSP}12"
    assert typo == expected + "\n| --- | :--: |"  # a table rule keeps its spaces


def test_markdown_environment_escapes_values_not_template_text():
    env = render.make_environment([ROOT / "src" / "dtscli" / "sheets" / "templates"])
    template = env.from_string("l'**ARS** {{ \"d'accord\" }} {{ x }} {{ x|lien }}")
    out = template.render(x="https://a.fr/?q=<b>|")
    assert out == "l'**ARS** d'accord https://a.fr/?q=\\<b\\>\\| <https://a.fr/?q=%3Cb%3E%7C>"


def test_french_formatting_filters():
    assert render.fr_date(dt.date(2022, 2, 21)) == "21 février 2022"
    assert render.fr_date(dt.date(2025, 5, 1)) == "1er mai 2025"
    assert render.fr_date("2018-03") == "mars 2018"
    assert render.fr_date("2014") == "2014"
    assert render.fr_date("unknown") == "date inconnue"
    assert render.fr_number(5218960) == f"5{NNBSP}218{NNBSP}960"
    assert render.fr_number(999) == "999"
    assert render.fr_percent(1, 3) == f"33{NBSP}%"
    assert render.fr_percent(1, 1000) == f"moins de 1{NBSP}%"
    assert render.status_label("active") == "actif"
    assert render.status_label("active", feminine=True) == "active"
    assert render.status_label("in_preparation") == "en préparation"
    assert render.status_label("unknown") == "inconnu"
    assert render.family_label("sante-globale") == "Santé globale"
    assert render.fr_join(["a", "b", "c"]) == "a, b et c"
    with pytest.raises(ValueError):
        render.fr_date(None)


# ---------------------------------------------------------------- user templates


def test_user_template_with_shipped_macros(sheet, tmp_path):
    mine = tmp_path / "mine.md.j2"
    mine.write_text(
        '{% import "macros.md.j2" as m %}\n# {{ type.name }}\n\n'
        "{{ instances.total|nombre }} démarches.\n\n{{ m.sources(sources) }}\n",
        encoding="utf-8",
    )
    result = sheet("CLSM", "--dept", "06", "--template", str(mine))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Conseil local de santé mentale\n\n10 démarches.\n")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{{ nope }}", "mine.md.j2, line 3: undefined variable: 'nope' is undefined"),
        ("{{ type.nope }}", "line 3: undefined variable: 'dict object' has no attribute 'nope'"),
        ("{{ ''.__class__.__mro__ }}", "line 3: refused by the template sandbox: access to "),
        ("{{ cycler.__init__.__globals__.os }}", "refused by the template sandbox"),
        ("{% for %}", "line 3: template syntax error"),
        ("{{ scope }}", "line 3: missing data: a value printed by the template is empty"),
    ],
)
def test_user_template_errors_are_one_line(sheet, tmp_path, body, expected):
    mine = tmp_path / "mine.md.j2"
    mine.write_text(f"# Essai\n\n{body}\n", encoding="utf-8")
    result = sheet("CLS", "--template", str(mine))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_missing_data_in_shipped_templates_is_an_error(shipped_kb):
    context = sheets.scheme_sheet(shipped_kb, "clsm-nice", today=dt.date(2025, 5, 1))
    del context["neighbours"]
    undefined = r"scheme\.md\.j2, line \d+: undefined variable: .*neighbours"
    with pytest.raises(DtsError, match=undefined):
        render.render_sheet(context, data_dir=SHIPPED)
    context = sheets.scheme_sheet(shipped_kb, "clsm-nice", today=dt.date(2025, 5, 1))
    context["type"]["scale"] = None
    with pytest.raises(DtsError, match=r"line \d+: missing data"):
        render.render_sheet(context, data_dir=SHIPPED)


def test_templates_found_from_anywhere(sheet, snap, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # neither the data nor the templates are below here
    assert sheet("CLSM", data=snap.root).stdout.startswith("# Conseil local de santé mentale")
    own = tmp_path / "own"
    own.mkdir()
    (own / "type.md.j2").write_text("# Ma fiche {{ type.code }}\n", encoding="utf-8")
    monkeypatch.setenv("DTS_TEMPLATES", str(own))
    assert sheet("CLSM", data=snap.root).stdout == "# Ma fiche CLSM\n"


# ---------------------------------------------------------------- writing files


def test_output_file_is_written_atomically_and_left_alone_when_unchanged(sheet, snap, tmp_path):
    target = tmp_path / "out" / "clsm.md"
    target.parent.mkdir()
    svg = target.with_suffix(".svg")
    first = sheet("CLSM", "-o", str(target), data=snap.root)
    assert first.exit_code == 0 and first.stdout == ""
    assert first.stderr == f"wrote {svg}\nwrote {target}\n"
    written = target.read_text(encoding="utf-8")
    image = "![Conseils locaux de santé mentale (CLSM) — France](clsm.svg)\n\n"
    assert image in written
    assert written.replace(image, "") == sheet("CLSM", data=snap.root).stdout
    assert svg.read_text(encoding="utf-8").startswith("<svg ")
    os.utime(target, (1_000_000_000, 1_000_000_000))
    second = sheet("CLSM", "-o", str(target), data=snap.root)
    assert second.stderr == f"{svg} is unchanged\n{target} is unchanged\n"
    assert target.stat().st_mtime == 1_000_000_000
    third = sheet("CLSM", "--dept", "83", "-o", str(target), data=snap.root)
    assert third.stderr == f"wrote {svg}\nwrote {target}\n"
    assert "Toulon" in target.read_text(encoding="utf-8")
    names = sorted(p.name for p in target.parent.iterdir())
    assert names == ["clsm.md", "clsm.svg"]  # no temporary file


def test_sheets_carry_the_map_of_their_area(sheet, tmp_path):
    page = sheet("CLSM", "--dept", "06", "--format", "html").stdout
    assert page.count("<svg ") == 1 and "<figure" in page
    marked = set(re.findall(r'data-code="(\d+)" data-status="active"', page))
    assert len(marked) == 10
    assert page.index("<svg ") < page.index("Combien en compte-t-on")
    markdown = sheet("CLSM", "--dept", "06").stdout
    assert "Communes couvertes (10)" in markdown
    assert markdown.index("Combien en compte-t-on") < markdown.index("Qu'est-ce qu'un CLSM")
    assert markdown.index("Qui contacter") < markdown.index("## Cadre juridique")
    scheme = sheet("clsm-nice", "--format", "html").stdout
    assert 'data-code="06088" data-status="active"' in scheme


def test_output_format_follows_the_suffix(sheet, snap, tmp_path):
    page = tmp_path / "fiche.html"
    assert sheet("clsm-nice", "-o", str(page), data=snap.root).exit_code == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    context = tmp_path / "context.json"
    assert sheet("clsm-nice", "-o", str(context), data=snap.root).exit_code == 0
    assert '"sheet_kind": "scheme"' in context.read_text(encoding="utf-8")


def test_unwritable_output_is_one_line(sheet, snap, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = sheet("CLSM", "-o", str(blocker / "sub" / "out.md"), data=snap.root)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write ") and result.stderr.count("\n") == 1


# ---------------------------------------------------------------- the library on its own


def test_context_cites_every_fact(shipped_kb):
    context = sheets.type_sheet(shipped_kb, "CLS", dept="06", today=dt.date(2025, 5, 1))
    numbers = {s["number"] for s in context["sources"]}
    facts = [context["type"], *context["legal"]["basis"], *context["published_counts"]]
    facts += [s for g in context["instances"]["groups"] for s in g["schemes"]]
    facts += context["contacts"]
    assert all(f["refs"] and set(f["refs"]) <= numbers for f in facts)
    assert [s["title"] for s in context["sources"]].count(
        "Les dynamiques territoriales en santé : missions, état des lieux & politique régionale"
    ) == 1
    assert {s["id"] for g in context["instances"]["groups"] for s in g["schemes"]} == {
        "cls-nice",
        "cls-vence",
    }


def test_broken_reference_stops_the_sheet(mini):
    snapshot_base(mini)
    mini.write("legal/loi-test.yaml", LEGAL.replace("document: doc-test", "document: doc-absent"))
    kb = KnowledgeBase.load(mini.root)
    with pytest.raises(DtsError, match="cites the document 'doc-absent'"):
        sheets.type_sheet(kb, "CLSM")
