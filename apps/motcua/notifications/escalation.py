"""The escalation ladder: each level fires once per dossier per crossing of its deadline.

A level of the dossier's policy (the procedure's, else the site's) is *crossed* when the dossier's
persisted due state reaches it: "due soon" (due soon or overdue), "overdue", or "overdue by N
working days" (N days of office time past the deadline). The sweep fires crossed levels that have
no open firing — one :class:`EscalationFiring` row and one notification per recipient and channel,
all in the sweep batch's transaction, so a crash repeats nothing. When a transition moves the
deadline back (resume after a pause, apology with a new date, recompute after a calendar change)
:func:`firings_clear_uncrossed` closes the firings of levels no longer crossed; the level fires
again only if it is crossed again.

No legal text prescribes the ladder: Nghị định 61/2018 Điều 19 and QĐ 766 only require the late
dossier to be apologised for (form 04) and reported, so the levels are desk data.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from motcua.core.people import person_name
from motcua.core.roles import Role
from motcua.core.selectors import site_calendar
from motcua.dossiers.due_fields import DueState
from motcua.dossiers.models import Dossier
from motcua.notifications.models import (
    Audience,
    EscalationFiring,
    EscalationLevel,
    EscalationPolicy,
    Trigger,
)
from motcua.notifications.services import notification_create
from motcua.units.models import Membership


def _day_seconds() -> int:
    return int(site_calendar().day_office_time.total_seconds())


def level_crossed_q(level: EscalationLevel, position_now: int) -> Q:
    """SQL condition: the dossier row has crossed *level* (read from the persisted columns)."""
    if level.trigger == Trigger.DUE_SOON:
        return Q(due_state__in=[DueState.DUE_SOON, DueState.OVERDUE])
    if level.trigger == Trigger.OVERDUE:
        return Q(due_state=DueState.OVERDUE)
    return Q(
        due_state=DueState.OVERDUE,
        due_position__lte=position_now - level.overdue_days * _day_seconds(),
    )


def policy_scope_q(policy: EscalationPolicy) -> Q:
    """SQL condition: the dossiers governed by *policy* (its procedure, or all without one)."""
    if policy.procedure_id is not None:
        return Q(procedure_id=policy.procedure_id)
    own = EscalationPolicy.objects.filter(procedure__isnull=False, levels__is_active=True)
    return ~Q(procedure_id__in=own.values("procedure_id"))


def _active_levels():
    return list(
        EscalationLevel.objects.filter(is_active=True).select_related("policy").order_by("pk")
    )


def firings_clear_uncrossed(*, dossier: Dossier, now: datetime) -> int:
    """Close the open firings of *dossier* whose level is no longer crossed; return how many."""
    from motcua.dossiers.due_state import office_seconds

    if dossier.due_state == DueState.PAUSED:  # the clock is stopped: nothing moved yet
        return 0
    open_firings = list(
        EscalationFiring.objects.filter(
            dossier_id=dossier.pk, cleared_at__isnull=True
        ).select_related("level")
    )
    if not open_firings:
        return 0
    position_now = office_seconds(now)
    stale = [
        f.pk
        for f in open_firings
        if not Dossier.objects.filter(
            level_crossed_q(f.level, position_now), pk=dossier.pk
        ).exists()
    ]
    return EscalationFiring.objects.filter(pk__in=stale).update(cleared_at=now)


def firings_clear_uncrossed_many(*, dossier_ids, now: datetime) -> int:
    """:func:`firings_clear_uncrossed` for a batch of dossiers: one UPDATE per level concerned."""
    from motcua.dossiers.due_state import office_seconds

    ids = list(dossier_ids)
    open_firings = EscalationFiring.objects.filter(dossier_id__in=ids, cleared_at__isnull=True)
    level_ids = set(open_firings.values_list("level_id", flat=True))
    if not level_ids:
        return 0
    position_now = office_seconds(now)
    cleared = 0
    for level in EscalationLevel.objects.filter(pk__in=level_ids):
        crossed = Dossier.objects.filter(
            level_crossed_q(level, position_now), pk__in=ids
        ) | Dossier.objects.filter(pk__in=ids, due_state=DueState.PAUSED)
        cleared += (
            open_firings.filter(level=level)
            .exclude(dossier_id__in=list(crossed.values_list("pk", flat=True)))
            .update(cleared_at=now)
        )
    return cleared


def _leaders(unit_id: int | None, role: str) -> list:
    if unit_id is None:
        return []
    return [
        m.user
        for m in Membership.objects.filter(
            unit_id=unit_id, role__name=role, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def _supervisors(unit) -> list:
    ancestor_ids = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    return [
        m.user
        for m in Membership.objects.filter(
            unit_id__in=ancestor_ids, role__name=Role.SUPERVISOR, is_active=True
        ).select_related("user")
    ]


def recipients(dossier: Dossier, audiences) -> list:
    """Return the people of *audiences* for *dossier*, without duplicates, in audience order."""
    people = []
    step = dossier.current_step
    for audience in audiences:
        if audience == Audience.ASSIGNEE:
            people += [step.assignee] if step is not None and step.assignee_id else []
        elif audience == Audience.UNIT_LEADER:
            people += _leaders(dossier.current_unit_id, Role.UNIT_LEADER)
        elif audience == Audience.PARENT_LEADER:
            people += _leaders(dossier.current_unit.parent_id, Role.UNIT_LEADER)
        elif audience == Audience.SUPERVISOR:
            people += _supervisors(dossier.current_unit)
    seen, unique = set(), []
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def _context(dossier: Dossier, level: EscalationLevel) -> dict:
    step = dossier.current_step
    return {
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure": dossier.procedure.name,
        "unit": dossier.current_unit.name,
        "step": step.name if step else "",
        "assignee": person_name(step.assignee if step else None, empty="—"),
        "due_at": dossier.watch_due_at,
        "overdue_days": level.overdue_days,
    }


def levels_fire(*, ids, now: datetime, position_now: int) -> int:
    """Fire every crossed level without an open firing for the dossiers *ids*.

    Runs inside the sweep batch's transaction: the firings are one bulk INSERT per level (a
    concurrent duplicate is ignored by the unique crossing key) and the notifications follow for
    the firings this run wrote. Returns the number of firings written.
    """
    fired = 0
    for level in _active_levels():
        open_firing = EscalationFiring.objects.filter(
            dossier=OuterRef("pk"), level=level, cleared_at__isnull=True
        )
        due = (
            Dossier.objects.filter(
                level_crossed_q(level, position_now),
                policy_scope_q(level.policy),
                pk__in=list(ids),
            )
            .filter(~Exists(open_firing))
            .values_list("pk", "watch_due_at", "current_step_id")
        )
        rows = [
            EscalationFiring(
                dossier_id=pk, level=level, due_at=due_at, step_id=step_id, fired_at=now
            )
            for pk, due_at, step_id in due
        ]
        if not rows:
            continue
        EscalationFiring.objects.bulk_create(rows, ignore_conflicts=True)
        written = EscalationFiring.objects.filter(
            level=level, fired_at=now, dossier_id__in=[r.dossier_id for r in rows]
        )
        fired += written.count()
        if set(level.audiences) <= {Audience.ASSIGNEE}:
            # only a dossier whose current step has an assignee has someone to tell: the
            # others are not read (most of a catch-up's firings)
            written = written.filter(dossier__current_step__assignee__isnull=False)
        for firing in written.select_related(
            "dossier__procedure",
            "dossier__current_unit",
            "dossier__current_step__assignee",
        ):
            _firing_notify(firing, level, now)
    return fired


def _firing_notify(firing: EscalationFiring, level: EscalationLevel, now: datetime) -> None:
    dossier = firing.dossier
    context = _context(dossier, level)
    link = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    for person in recipients(dossier, level.audiences):
        for channel in level.channels:
            notification_create(
                key=f"escalation:{firing.pk}:{person.pk}:{channel}",
                event=level.trigger,
                channel=channel,
                context=context,
                recipient=person,
                dossier_id=dossier.pk,
                firing_id=firing.pk,
                link=link,
                now=now,
            )
