"""French typography of the field catalog: the typographic apostrophe (issue 10, point 12);
names typed in templates and DMS headers match with either apostrophe."""

from __future__ import annotations

import pytest

from app.dms.fields import FileKind, fields_for, suggest_mapping
from app.dms.normalise import parse_enum
from app.export.word.fields import HELPERS, resolve_field_name
from app.query.catalog import ENTITY_LABELS, FIELDS, GROUPS


def french_labels() -> list[str]:
    labels = [f.fr for f in FIELDS.values()]
    labels += [v.fr for f in FIELDS.values() for v in f.enum_values]
    labels += [g.fr for g in GROUPS] + [fr for fr, _en in ENTITY_LABELS.values()]
    labels += [h.fr for h in HELPERS]
    return labels


def test_french_labels_use_the_typographic_apostrophe() -> None:
    labels = french_labels()
    assert any("’" in label for label in labels)  # the check below looks at real labels
    assert [label for label in labels if "'" in label] == []


def apostrophe_labels() -> list[tuple[str, str]]:
    return [(f.key, f.fr) for f in FIELDS.values() if "’" in f.fr and f.displayable] + [
        (h.key, h.fr) for h in HELPERS if "’" in h.fr
    ]


@pytest.mark.parametrize(("key", "label"), apostrophe_labels())
def test_merge_field_names_match_with_either_apostrophe(key: str, label: str) -> None:
    assert resolve_field_name(label) == key
    assert resolve_field_name(label.replace("’", "'")) == key
    assert resolve_field_name(label.replace("’", "'").upper()) == key


def test_dms_headers_and_values_match_with_either_apostrophe() -> None:
    for header in ("Fin d’extension de garantie", "Fin d'extension de garantie"):
        mapping = suggest_mapping(["Immatriculation", header], FileKind.VEHICLES)
        assert mapping.get(1) == "vehicle.extended_warranty_end", header
    words = fields_for(FileKind.INVOICES)["invoice.line_category"].enum_words
    for cell in ("Main d’œuvre", "Main d'oeuvre", "MAIN D'ŒUVRE"):
        assert parse_enum(cell, words)[0] == "labour", cell
