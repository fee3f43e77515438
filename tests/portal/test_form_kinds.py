"""The generated form's builder table covers every field kind an administrator can choose."""

import pytest

from motcua.portal.forms import BUILDERS, build_field
from motcua.portal.forms.builders import EXTRA_KINDS, field_kind_choices
from motcua.portal.models import FieldKind


def test_every_field_kind_has_a_builder():
    """The core's kinds and the enabled plugins' (``form_field_kinds``), each with its builder."""
    assert set(BUILDERS) == set(FieldKind.values) | set(EXTRA_KINDS)
    assert [value for value, _label in field_kind_choices()] == [*FieldKind.values, *EXTRA_KINDS]


@pytest.mark.parametrize("kind", FieldKind.values)
def test_each_kind_builds_a_field_with_its_label_and_vietnamese_required_message(kind):
    spec = {"key": "x", "label": "Diện tích 50%", "kind": kind, "required": True}
    field = build_field(spec)
    assert field.label == "Diện tích 50%"
    assert field.spec is spec
    assert "“Diện tích 50%”" in field.error_messages["required"]
    assert field.error_messages["required"].startswith("Vui lòng")


def test_an_unknown_kind_from_a_newer_snapshot_is_kept_as_text():
    from django import forms

    field = build_field({"key": "x", "label": "Mới", "kind": "signature"})
    assert type(field) is forms.CharField
