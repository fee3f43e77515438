"""The ``postal_code`` field kind in the procedure form builder and the portal's form."""

import pytest
from django.conf import settings

from motcua.portal.forms import build_field
from motcua.portal.forms.builders import field_kind_choices

if "motcua_postal" not in settings.INSTALLED_APPS:
    pytest.skip("the postal plugin is not enabled", allow_module_level=True)


def test_the_form_builder_offers_the_postal_code_kind():
    assert ("postal_code", "Mã bưu chính") in field_kind_choices()


@pytest.mark.parametrize(("typed", "ok"), [("04000", True), ("4000", False), ("0400a", False)])
def test_a_postal_code_has_five_digits(typed, ok):
    field = build_field(
        {
            "key": "ma_buu_chinh",
            "label": "Mã bưu chính nơi nhận",
            "kind": "postal_code",
            "required": True,
        }
    )
    if ok:
        assert field.clean(typed) == typed
    else:
        with pytest.raises(Exception, match="5 chữ số"):
            field.clean(typed)


def test_a_missing_postal_code_gets_the_vietnamese_required_message():
    field = build_field(
        {"key": "m", "label": "Mã bưu chính", "kind": "postal_code", "required": True}
    )
    with pytest.raises(Exception, match="Vui lòng nhập “Mã bưu chính”"):
        field.clean("")
