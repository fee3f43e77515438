"""The ``postal_code`` field kind of the procedure form builder (hook ``form_field_kinds``).

Vietnam's national postal codes have five digits since 2018 (Quyết định 2475/QĐ-BTTTT ngày
29/12/2017 of the Ministry of Information and Communications; the text is not quoted in this
repository: the five-digit rule is the one printed on VNPost's published code list).
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _


def postal_code_field(spec) -> forms.Field:
    """A five-digit postal code; the portal's builder adds label and "required"."""
    return forms.CharField(
        **spec.common,
        max_length=5,
        validators=[
            RegexValidator(
                r"^\d{5}$",
                message=_("“%(label)s” phải gồm đúng 5 chữ số (mã bưu chính quốc gia).") % spec.lit,
            )
        ],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
