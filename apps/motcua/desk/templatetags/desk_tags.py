"""Template filters of the desk: dates in the site's time zone, state and action labels, names."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.people import person_name
from motcua.core.selectors import site_time_zone
from motcua.core.timeunits import duration_text
from motcua.dossiers.states import Action, Status

register = template.Library()


@register.filter
def desk_dt(value: datetime | None) -> str:
    """Return "dd/mm/YYYY HH:MM" in the site's time zone (Asia/Ho_Chi_Minh), or ""."""
    if not value:
        return ""
    return timezone.localtime(value, site_time_zone()).strftime("%d/%m/%Y %H:%M")


@register.filter
def desk_date(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value, site_time_zone()).date()
    return value.strftime("%d/%m/%Y")


@register.filter
def desk_iso(value: datetime | None) -> str:
    """Return the value for a ``<time datetime="…">`` attribute."""
    return timezone.localtime(value, site_time_zone()).isoformat() if value else ""


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value or ""


@register.filter
def action_label(value: str) -> str:
    try:
        return Action(value).label
    except ValueError:
        return value or ""


@register.filter
def event_label(event) -> str:
    """What an event records; an online submission is the citizen's, not a reception.

    Both are ``receive`` events (the dossier is created), but only the counter's "Tiếp nhận" is
    an officer receiving it; an online dossier is received later, by "Tiếp nhận hồ sơ trực tuyến".
    """
    if event.action == Action.RECEIVE and event.to_status == Status.SUBMITTED:
        return str(_("Nộp hồ sơ trực tuyến"))
    return action_label(event.action)


@register.filter
def person(user) -> str:
    return person_name(user)


@register.filter
def duration(snapshot_procedure: dict) -> str:
    """Return "15 ngày làm việc" from a version snapshot's ``procedure`` part."""
    if not isinstance(snapshot_procedure, dict):
        return ""
    return duration_text(
        snapshot_procedure.get("processing_amount"), snapshot_procedure.get("processing_unit", "")
    )


@register.filter
def form_rows(dossier) -> list[tuple[str, object]]:
    """The dossier's form data with the labels of the form it was submitted under."""
    from motcua.portal.snapshot import form_rows as rows

    return rows(dossier.procedure_version.snapshot, dossier.form_data or {})
