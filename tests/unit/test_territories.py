import pytest
from hypothesis import given
from hypothesis import strategies as st

from dtscli.base.kb import KnowledgeBase
from dtscli.base.referential import Referential, fold
from dtscli.util.errors import DtsError

from ..conftest import SHIPPED


@pytest.fixture(scope="module")
def referential() -> Referential:
    return Referential.load(SHIPPED / "territories")


def test_referential_sizes(referential):
    assert len(referential.communes) > 34_000
    assert len(referential.epcis) > 1_200
    assert referential.departements["06"].name == "Alpes-Maritimes"
    assert referential.regions["93"].name == "Provence-Alpes-Côte d'Azur"


def test_commune_resolution(referential):
    nice = referential.resolve("commune:06088")
    assert nice.name == "Nice"
    assert nice.depts == {"06"} and nice.regions == {"93"}
    assert nice.population == referential.communes["06088"].population > 300_000
    assert referential.resolve("commune:99999") is None
    assert referential.resolve("epci:000000000") is None


def test_cross_department_epci(referential):
    dlva = referential.resolve("epci:200034700")  # Durance-Luberon-Verdon Agglomération
    assert dlva.depts == {"04", "83"}
    assert "04112" in dlva.communes  # Manosque
    assert dlva.population == sum(referential.communes[c].population for c in dlva.communes)


def test_department_and_region(referential):
    dept = referential.resolve("dept:06")
    assert dept.depts == {"06"} and len(dept.communes) == 163
    region = referential.resolve("region:93")
    assert region.depts == {"04", "05", "06", "13", "83", "84"}
    assert region.population == sum(referential.departements[d].population for d in region.depts)


def test_three_la_garde_need_a_department(referential):
    found = referential.find_by_name("La Garde")
    assert sorted(t.ref for t in found) == ["commune:04092", "commune:38177", "commune:83062"]
    with pytest.raises(DtsError, match="ambiguous"):
        referential.parse_territory("La Garde")
    assert referential.parse_territory("la garde", dept="83").ref == "commune:83062"
    assert referential.parse_territory("Hyeres").ref == "commune:83069"  # accents ignored
    with pytest.raises(DtsError, match="no commune"):
        referential.parse_territory("Atlantis")


def test_local_territory_resolves_through_the_base():
    kb = KnowledgeBase.load(SHIPPED)
    martigues = kb.territory("local:pays-de-martigues")
    assert martigues.communes == {"13056", "13077", "13098"}
    assert martigues.depts == {"13"}
    assert kb.territory("local:nowhere") is None


def test_qpv_resolves_to_its_communes(mini):
    mini.write(
        "territories/qpv/QN00601M.yaml",
        """\
        id: QN00601M
        name: Quartier de test
        communes: ['06088']
        qpv_list: '2024'
        sources:
          - document: doc-test
            as_of: 2024-01-01
        """,
    )
    kb = KnowledgeBase.load(mini.root)
    qpv = kb.territory("qpv:QN00601M")
    assert qpv.communes == {"06088"} and qpv.depts == {"06"}
    assert qpv.population is None  # a quarter is not its whole commune


def test_fold():
    assert fold("Saint-Mitre-les-Remparts") == "saint mitre les remparts"
    assert fold("L'Île-d'Yeu") == "l ile d yeu"
    assert fold("Œuvre « ÉCOLE »  ﬁn") == "œuvre « ecole » fin"


def slow_fold(text: str) -> str:
    """fold as first written: one call per character (the reference)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    for char in "-'’":
        plain = plain.replace(char, " ")
    return " ".join(plain.split())


@given(st.text())
def test_fold_matches_its_reference(text):
    assert fold(text) == slow_fold(text)


def test_the_cached_referential_is_the_one_read_from_yaml(referential, tmp_path):
    from dtscli.cache.referential import cached_referential

    first = cached_referential(SHIPPED / "territories", tmp_path)  # reads YAML, saves tables
    assert (tmp_path / "referential.marshal").exists()
    again = cached_referential(SHIPPED / "territories", tmp_path)  # from the tables
    assert again.tables() == first.tables() == referential.tables()
    assert type(again.communes["06088"]) is type(referential.communes["06088"])
    for ref in ("commune:06088", "epci:200030195", "dept:06", "region:93", "commune:2A004"):
        assert again.resolve(ref) == referential.resolve(ref)
    for name, dept in (("La Garde", None), ("La Garde", "83"), ("Nice", None), ("Métropole", None)):
        assert again.find_by_name(name, dept) == referential.find_by_name(name, dept)
    (tmp_path / "referential.marshal").write_bytes(b"\x00broken")
    assert cached_referential(SHIPPED / "territories", tmp_path).tables() == referential.tables()
