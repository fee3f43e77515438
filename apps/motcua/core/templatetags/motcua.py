"""Template filters shared by the desk, the portal and printed forms: ``{% load motcua %}``."""

from django import template

from motcua.core.formats import date_long, money_vnd, number_vn
from motcua.core.people import person_name

register = template.Library()

register.filter("vnd", money_vnd)
register.filter("date_long", date_long)
register.filter("number_vn", number_vn)
register.filter("person", person_name)


@register.inclusion_tag("core/admin/recompute_progress.html")
def recompute_progress_panel():
    """The calendar page's panel: the latest deadline recomputations and their progress."""
    from django.urls import reverse

    from motcua.core.recompute_jobs import recompute_recent

    runs = recompute_recent()
    return {
        "runs": runs,
        "active": any(p.active for p in runs),
        "progress_url": reverse("admin:core_workingcalendar_recompute_progress"),
    }
