"""The query parameters of the dossier list: parsed by a form, refused with a localised message.

Dates are local days in the site's time zone, typed dd/mm/yyyy or ISO (the project's input
formats); a range's end day is included. A parameter the API does not know is refused rather than
ignored, so a misspelt filter never returns every dossier.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.exceptions import ValidationError

from motcua.dossiers.due_fields import DueState
from motcua.dossiers.selectors import dossier_search_filter
from motcua.dossiers.states import Status

#: Parameters that belong to pagination, not to the filter.
PAGING = {"cursor", "page_size", "format"}


class DossierQuery(forms.Form):
    status = forms.MultipleChoiceField(
        label=_lazy("trạng thái"), choices=Status.choices, required=False
    )
    due_state = forms.ChoiceField(
        label=_lazy("tình trạng hạn"),
        choices=[c for c in DueState.choices if c[0]],
        required=False,
    )
    received_from = forms.DateField(label=_lazy("tiếp nhận từ ngày"), required=False)
    received_to = forms.DateField(label=_lazy("tiếp nhận đến ngày"), required=False)
    procedure = forms.CharField(label=_lazy("mã thủ tục"), required=False, max_length=60)
    unit = forms.CharField(label=_lazy("mã đơn vị"), required=False, max_length=40)
    q = forms.CharField(label=_lazy("từ khóa"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
        return data


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def dossier_query_apply(rows: QuerySet, params) -> QuerySet:
    """Narrow the (already scoped) *rows* by the request's *params*, or raise a 400."""
    unknown = sorted(set(params) - set(DossierQuery.base_fields) - PAGING)
    if unknown:
        raise ValidationError({name: [_("Tham số không được hỗ trợ.")] for name in unknown})
    form = DossierQuery(params)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        )
    data = form.cleaned_data
    if data["status"]:
        rows = rows.filter(status__in=data["status"])
    if data["due_state"]:
        rows = rows.filter(due_state=data["due_state"])
    if data["received_from"]:
        rows = rows.filter(received_at__gte=_local_midnight(data["received_from"]))
    if data["received_to"]:
        end = _local_midnight(data["received_to"] + timedelta(days=1))
        rows = rows.filter(received_at__lt=end)
    if data["procedure"]:
        rows = rows.filter(procedure__national_code=data["procedure"])
    if data["unit"]:
        code = data["unit"].upper()
        rows = rows.filter(Q(unit__agency_code=code) | Q(current_unit__agency_code=code))
    if data["q"]:
        rows = dossier_search_filter(rows, data["q"])
    return rows
