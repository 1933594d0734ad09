import json


def test_show_scheme_resolves_references(invoke):
    result = invoke("show", "clsm-nice", "--format", "json")
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["id"] == "clsm-nice"
    territory = view["resolved"]["territory"]
    assert territory["name"] == "Nice" and territory["population"] > 300_000
    assert territory["depts"] == [{"code": "06", "name": "Alpes-Maritimes"}]
    assert view["resolved"]["type"]["label"] == "Conseil local de santé mentale"
    source = view["resolved"]["sources"][0]
    assert source["id"] == "ars-paca-dynamiques-territoriales-2021"
    assert source["label"].startswith("Les dynamiques territoriales en santé")
    assert view["file"].endswith("data/schemes/clsm/clsm-nice.yaml")


def test_show_text_and_related(invoke):
    result = invoke("show", "cls-pays-cevennes")
    assert result.exit_code == 0
    assert "Atelier santé ville du Pays Cévennes" in result.stdout  # related scheme resolved
    assert "RESEDA" in result.stdout  # coordinator contact resolved


def test_show_scheme_type_and_territory(invoke):
    assert "Contrat local de santé" in invoke("show", "CLS").stdout
    assert "Contrat local de santé" in invoke("show", "cls").stdout
    covering = json.loads(invoke("show", "commune:06157", "-f", "json").stdout)
    assert {s["id"] for s in covering["schemes"]} == {"cls-vence", "clsm-vence", "ptsm-06"}


def test_show_unknown_id_suggests(invoke):
    result = invoke("show", "clsm-nic")
    assert result.exit_code == 2
    assert "no record has the id 'clsm-nic' (did you mean 'clsm-nice'?)" in result.stderr
