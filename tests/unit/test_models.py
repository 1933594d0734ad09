import datetime as dt

import pytest
from pydantic import ValidationError

from dtscli.data.models import Contact, Document, LegalText, Scheme, Status

VALID_SCHEME = {
    "id": "clsm-nice",
    "type": "CLSM",
    "name": "Conseil local de santé mentale de Nice",
    "territory": "commune:06088",
    "status": "active",
    "sources": [{"document": "doc", "as_of": "2021-11-17"}],
}


def test_valid_scheme_parses_dates_and_status():
    scheme = Scheme.model_validate({**VALID_SCHEME, "signed_on": "2023-03-01"})
    assert scheme.status is Status.active
    assert scheme.signed_on == dt.date(2023, 3, 1)
    assert scheme.axes == [] and scheme.related == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stauts": "active"}, "stauts"),  # unknown key
        ({"type": "CLSX"}, "type"),  # not an enumerated type
        ({"status": "actif"}, "status"),
        ({"territory": "commune:6088"}, "territory"),  # code lost its leading zero
        ({"territory": "nice"}, "territory"),
        ({"territory": 6088}, "territory"),
        ({"signed_on": "2023-02-30"}, "signed_on"),  # not a real date
        ({"id": "CLSM Nice"}, "id"),
        ({"sources": []}, "sources"),
    ],
)
def test_invalid_scheme_is_refused_at_the_field(change, field):
    with pytest.raises(ValidationError) as caught:
        Scheme.model_validate({**VALID_SCHEME, **change})
    assert field in {str(part) for error in caught.value.errors() for part in error["loc"]}


def test_missing_required_key():
    data = dict(VALID_SCHEME)
    del data["status"]
    with pytest.raises(ValidationError) as caught:
        Scheme.model_validate(data)
    assert caught.value.errors()[0]["type"] == "missing"


def test_axes_and_mental_health():
    scheme = Scheme.model_validate(
        {**VALID_SCHEME, "type": "CLS", "axes": [{"id": "sante-mentale"}]}
    )
    assert scheme.has_axis("sante-mentale")
    assert not scheme.has_axis("prevention")


def test_contact_and_legal_and_document():
    contact = Contact.model_validate(
        {
            "id": "jane-doe",
            "kind": "person",
            "name": "Jane Doe",
            "email": "jane@example.org",
            "verified_on": "2025-04-22",
            "sources": [{"document": "doc", "as_of": "unknown"}],
        }
    )
    assert contact.sources[0].as_of == "unknown"
    legal = LegalText.model_validate(
        {
            "id": "loi-2022-217",
            "kind": "loi",
            "title": "LOI n° 2022-217",
            "date": "2022-02-21",
            "in_force_on": "2022-02-23",
            "description": "x",
            "sources": [{"document": "doc", "as_of": "2024-04-23"}],
        }
    )
    assert legal.in_force_on == dt.date(2022, 2, 23)
    document = Document.model_validate({"id": "d", "kind": "article", "title": "t", "date": 2021})
    assert document.date == "2021"
    with pytest.raises(ValidationError):
        Document.model_validate({"id": "d", "kind": "article", "title": "t", "date": "21/09/2021"})
