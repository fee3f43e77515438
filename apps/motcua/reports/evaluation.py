"""Officer evaluation (đánh giá mức độ hoàn thành nhiệm vụ): what one officer did in a period.

Per step name: steps finished, on time / late (finished after the step's due moment, which
already excludes paused time), average office time per step; plus the supplements they asked
for. The same rule, summed per month, is the officer summary the dashboard ranks officers by
(:mod:`motcua.reports.officer_summaries`). Only the officer, their unit leaders and supervisors
(whose scope covers a unit where the officer has an active membership) and superusers may see
it: :func:`may_view`.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from motcua.core.roles import Role
from motcua.core.selectors import site_calendar
from motcua.dossiers.models import DossierEvent, DossierStep
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.states import Action
from motcua.reports.indicators import Window
from motcua.reports.officer_summaries import step_office_seconds
from motcua.units.models import Membership
from motcua.units.selectors import user_roles_in_unit

OVERSEERS = {Role.UNIT_LEADER, Role.SUPERVISOR}


def may_view(*, viewer, officer) -> bool:
    """Return whether *viewer* may see *officer*'s evaluation."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if viewer.is_superuser or viewer.pk == officer.pk:
        return True
    units = Membership.objects.filter(user=officer, is_active=True).select_related("unit")
    return any(OVERSEERS & user_roles_in_unit(user=viewer, unit=m.unit) for m in units)


def officer_evaluation(*, viewer, officer, w: Window) -> dict:
    """Return the officer's steps finished in *w* by step name, and supplements requested.

    Only steps of dossiers visible to *viewer* count (the scoped selector), training excluded.
    """
    visible = dossiers_visible(user=viewer).filter(is_training=False).values("pk")
    steps = DossierStep.objects.filter(
        assignee=officer,
        finished_at__gte=w.start,
        finished_at__lt=w.end,
        dossier__in=visible,
    ).values_list("name", "started_at", "finished_at", "due_at")
    calendar = site_calendar()
    groups: dict = defaultdict(lambda: {"steps": 0, "on_time": 0, "late": 0, "seconds": 0})
    for name, started, finished, due in steps.iterator(chunk_size=2000):
        g = groups[name]
        g["steps"] += 1
        late = bool(due and finished > due)
        g["late" if late else "on_time"] += 1
        g["seconds"] += step_office_seconds(calendar, started, finished)
    hour = Decimal(3600)
    rows = []
    for name, g in sorted(groups.items()):
        avg = (Decimal(g["seconds"]) / g["steps"] / hour).quantize(Decimal("0.1"), ROUND_HALF_UP)
        rows.append({"name": name, **g, "avg_hours": avg})
    supplements = DossierEvent.objects.filter(
        actor=officer,
        action=Action.REQUEST_SUPPLEMENT,
        created_at__gte=w.start,
        created_at__lt=w.end,
        dossier__in=visible,
    ).count()
    total = sum(r["steps"] for r in rows)
    on_time = sum(r["on_time"] for r in rows)
    return {
        "rows": rows,
        "steps": total,
        "on_time": on_time,
        "late": total - on_time,
        "on_time_rate": (Decimal(on_time * 100) / total).quantize(Decimal("0.01"))
        if total
        else None,
        "supplements": supplements,
    }
