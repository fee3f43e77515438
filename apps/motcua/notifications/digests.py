"""The daily digests (officers, leaders) and the monthly reminder of open training dossiers.

* Each officer with open work: their dossiers due today, due soon and overdue (read from the
  persisted due columns), in the desk and by e-mail, every working day at the opening.
* Each unit leader: the overdue dossiers of their units (their subtree), grouped by officer.
* On the first of each month, each unit's administrators: the unit's training dossiers still open
  after ``training_reminder_days`` days (site data, 30 by default), to close them.

Every message's key holds the day (or month), so a job that runs twice sends nothing twice; each
recipient is written in its own transaction, so a failure stops nobody else's digest.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.people import person_name
from motcua.core.roles import Role
from motcua.core.selectors import site_calendar
from motcua.dossiers.due_fields import DueState
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import urgency_expression
from motcua.dossiers.states import OPEN, Status
from motcua.notifications.models import ChannelKind
from motcua.notifications.services import notification_create
from motcua.units.models import Membership, Unit

log = logging.getLogger(__name__)

LINES_PER_GROUP = 50
DIGEST_CHANNELS = (ChannelKind.DESK, ChannelKind.EMAIL)
DEFAULT_TRAINING_DAYS = 30


def _line(dossier) -> str:
    due = timezone.localtime(dossier.watch_due_at).strftime("%H:%M %d/%m/%Y")
    return f"{dossier.code} — {dossier.applicant_name} ({dossier.procedure.name}), hạn {due}"


def _send(*, key: str, event: str, user, context: dict, now: datetime) -> int:
    sent = 0
    with transaction.atomic():
        for channel in DIGEST_CHANNELS:
            if notification_create(
                key=f"{key}:{channel}",
                event=event,
                channel=channel,
                recipient=user,
                context=context,
                now=now,
            ):
                sent += 1
    return sent


def officer_digests(*, now: datetime | None = None) -> int:
    """Send each officer with open urgent work their digest for today; return messages written."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if not site_calendar().is_working_day(today):
        return 0
    labels = {
        "due_today": _("Đến hạn hôm nay"),
        "due_soon": _("Sắp đến hạn"),
        "overdue": _("Quá hạn"),
    }
    open_rows = (
        Dossier.objects.filter(
            status__in=list(OPEN - {Status.SUBMITTED}),
            current_step__assignee__isnull=False,
            current_step__assignee__is_active=True,
        )
        .exclude(due_state__in=[DueState.PAUSED, DueState.NONE])
        .annotate(urgency=urgency_expression(now))
        .filter(urgency__in=list(labels))
    )
    officers = open_rows.order_by().values_list("current_step__assignee", flat=True).distinct()
    written = 0
    for officer in get_user_model().objects.filter(pk__in=list(officers)):
        mine = open_rows.filter(current_step__assignee=officer).select_related("procedure")
        groups = []
        for key, label in labels.items():
            rows = mine.filter(urgency=key).order_by("watch_due_at")
            count = rows.count()
            if count:
                lines = [_line(d) for d in rows[:LINES_PER_GROUP]]
                groups.append({"label": label, "count": count, "lines": lines})
        written += _send(
            key=f"digest:officer:{officer.pk}:{today:%Y%m%d}",
            event="digest_officer",
            user=officer,
            context={"today": today, "groups": groups},
            now=now,
        )
    return written


def leader_digests(*, now: datetime | None = None) -> int:
    """Send each unit leader the overdue dossiers of their units, grouped by officer."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if not site_calendar().is_working_day(today):
        return 0
    written = 0
    leaders = defaultdict(list)
    for user_id, path in Membership.objects.filter(
        role__name=Role.UNIT_LEADER, is_active=True, user__is_active=True
    ).values_list("user_id", "unit__path"):
        leaders[user_id].append(path)
    for leader in get_user_model().objects.filter(pk__in=list(leaders)):
        units = Unit.objects.none()
        for path in leaders[leader.pk]:
            units = units | Unit.objects.filter(path__startswith=path)
        rows = (
            Dossier.objects.filter(due_state=DueState.OVERDUE, current_unit__in=units.values("pk"))
            .select_related("procedure", "current_step__assignee")
            .order_by("current_step__assignee", "watch_due_at")
        )
        by_officer = defaultdict(list)
        for dossier in rows[: LINES_PER_GROUP * 20]:
            step = dossier.current_step
            by_officer[
                person_name(step.assignee if step else None, empty=_("Chưa phân công"))
            ].append(_line(dossier))
        if not by_officer:
            continue
        groups = [
            {"label": name, "count": len(lines), "lines": lines[:LINES_PER_GROUP]}
            for name, lines in by_officer.items()
        ]
        written += _send(
            key=f"digest:leader:{leader.pk}:{today:%Y%m%d}",
            event="digest_leader",
            user=leader,
            context={"today": today, "groups": groups},
            now=now,
        )
    return written


def daily_digests() -> dict[str, int]:
    """The scheduled job: officers' and leaders' digests of today."""
    return {"officers": officer_digests(), "leaders": leader_digests()}


def training_reminders(*, now: datetime | None = None) -> int:
    """Remind each unit's administrators of its training dossiers open for more than N days."""
    now = now or timezone.now()
    days = int(settings.SITE.extra.get("training_reminder_days", DEFAULT_TRAINING_DAYS))
    old = Dossier.objects.filter(
        is_training=True,
        status__in=list(OPEN),
        received_at__lt=now - timedelta(days=days),
    )
    month = timezone.localtime(now).strftime("%Y%m")
    written = 0
    for unit in Unit.objects.filter(pk__in=old.values("unit_id")):
        rows = old.filter(unit=unit).order_by("received_at")
        admins = [
            m.user
            for m in Membership.objects.filter(
                unit_id__in=[int(pk) for pk in unit.path.strip("/").split("/") if pk],
                role__name=Role.ADMINISTRATOR,
                is_active=True,
                user__is_active=True,
            ).select_related("user")
        ]
        context = {
            "unit": unit.name,
            "count": rows.count(),
            "days": days,
            "lines": [f"{d.code} — {d.applicant_name}" for d in rows[:LINES_PER_GROUP]],
        }
        for admin in admins:
            written += _send(
                key=f"training:{unit.pk}:{admin.pk}:{month}",
                event="training_reminder",
                user=admin,
                context=context,
                now=now,
            )
    return written
