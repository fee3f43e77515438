"""The ledger request (form 07): a unit in the officer's scope, a date range and the book."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.roles import STAFF_ROLES
from motcua.core.widgets import DayInput
from motcua.printing.context import LEDGER_MAX_DAYS
from motcua.units.models import Unit
from motcua.units.selectors import units_in_scope

INPUT = "border border-base-200 rounded-default px-3 py-2 bg-white dark:bg-base-900"


class UnitField(forms.ModelChoiceField):
    """A unit given by agency code (``000.00.31.H27``) or primary key."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = "pk" if str(value).isdigit() else "agency_code"
        try:
            return self.queryset.get(**{key: value})
        except (Unit.DoesNotExist, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.agency_code})"


class LedgerForm(forms.Form):
    """``?unit=&from=&to=&book=``; the fields are named as the query string (``from`` is a
    keyword). ``book`` is ``received`` (sổ nhận, the default) or ``returned`` (sổ trả)."""

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["unit"] = UnitField(
            queryset=units_in_scope(user=user, roles=STAFF_ROLES).order_by("path"),
            label=_("Đơn vị tiếp nhận"),
            widget=forms.Select(attrs={"class": INPUT}),
        )
        self.fields["from"] = forms.DateField(
            label=_("Từ ngày"), widget=DayInput(attrs={"class": INPUT})
        )
        self.fields["to"] = forms.DateField(
            label=_("Đến ngày"), widget=DayInput(attrs={"class": INPUT})
        )
        self.fields["book"] = forms.ChoiceField(
            label=_("Sổ"),
            choices=[
                ("received", _("Sổ nhận hồ sơ (theo ngày tiếp nhận)")),
                ("returned", _("Sổ trả kết quả (theo ngày trả)")),
            ],
            required=False,
            widget=forms.Select(attrs={"class": INPUT}),
        )

    def clean_book(self) -> str:
        return self.cleaned_data.get("book") or "received"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end:
            if end < start:
                raise ValidationError(_("Ngày kết thúc không được trước ngày bắt đầu."))
            if (end - start).days >= LEDGER_MAX_DAYS:
                raise ValidationError(
                    _("Mỗi lần in sổ tối đa %(days)s ngày; hãy chia nhỏ khoảng ngày.")
                    % {"days": LEDGER_MAX_DAYS}
                )
        return cleaned
