"""The online form (tờ khai) of a procedure as a spreadsheet cell: see
:mod:`motcua.procedures.exchange`. One JSON object per field, with the field's stored values."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.portal.models import FormField
from motcua.procedures.exchange import json_list

FIELDS = (
    "key",
    "label",
    "kind",
    "required",
    "help_text",
    "choices",
    "pattern",
    "pattern_message",
    "min_value",
    "max_value",
    "show_if_field",
    "show_if_value",
    "columns",
)


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def form_text(procedure) -> str:
    rows = [
        {name: _plain(getattr(field, name)) for name in FIELDS}
        for field in procedure.form_fields.order_by("order", "pk")
    ]
    return json.dumps(rows, ensure_ascii=False) if rows else ""


def parse_form(value) -> list[FormField]:
    """Return unsaved fields from a cell, or raise ValueError with every problem in Vietnamese."""
    data = json_list(value, _("“Tờ khai trực tuyến”"))
    fields, problems = [], []
    for order, item in enumerate(data, start=1):
        values = {name: item[name] for name in FIELDS if name in item and item[name] is not None}
        for bound in ("min_value", "max_value"):
            if bound in values:
                try:
                    values[bound] = Decimal(str(values[bound]))
                except InvalidOperation:
                    problems.append(_("Trường %(n)s: giới hạn không phải là số.") % {"n": order})
                    values.pop(bound)
        field = FormField(order=order, **values)
        try:
            field.full_clean(exclude=["procedure"], validate_unique=False)
        except ValidationError as exc:
            problems += [
                _("Trường %(n)s (%(key)s): %(msg)s") % {"n": order, "key": field.key, "msg": m}
                for m in exc.messages
            ]
        fields.append(field)
    keys = [f.key for f in fields]
    if len(keys) != len(set(keys)):
        problems.append(_("Tờ khai có hai trường trùng mã."))
    if problems:
        raise ValueError(" ".join(str(p) for p in problems))
    return fields


def form_replace(procedure, fields: list[FormField]) -> None:
    procedure.form_fields.all().delete()
    for field in fields:
        field.procedure = procedure
    FormField.objects.bulk_create(fields)
