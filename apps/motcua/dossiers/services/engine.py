"""The one transition path: every dossier change, its creation included, goes through here.

:func:`_perform` locks the dossier row, checks optimistic concurrency (the version the officer
saw), then :func:`_record` checks the actor's right (``permissions.dossier_action_check``) and the
transition (``transitions.transition_target``, derived from ``core/lifecycle.py``), applies the
action's change, appends a :class:`DossierEvent` and, in the same transaction, updates the due
state and writes the applicant's notice to the outbox (delivered after the commit). :func:`_perform_create` does the same for a dossier being born (the
``receive`` action). The public services say only what changes for their action. Files the
change writes (documents, results) are deleted again if the transaction fails
(``core/stored_files.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from motcua.core.lifecycle import LIFECYCLE, Clock
from motcua.core.people import person_name
from motcua.core.selectors import calendar_revision_held
from motcua.core.stored_files import files_kept_on_success
from motcua.dossiers.guards import GuardFailed, guard_check
from motcua.dossiers.models import Channel, Dossier, DossierEvent
from motcua.dossiers.permissions import Actor, dossier_action_check
from motcua.dossiers.states import Action, Status
from motcua.dossiers.transitions import transition_target
from motcua.notifications.lifecycle import dossier_transition_recorded
from motcua.reports.summaries import summary_refresh
from motcua.reports.timing import processing_time_record
from motcua.units.selectors import roles_remembered

#: An action's change: (locked dossier, actor, moment) -> the event's data (or None).
Change = Callable[[Dossier, Actor, datetime], "dict | None"]


class DossierError(Exception):
    """A lifecycle request that cannot be carried out; the message is for the officer."""


class GuardRefused(DossierError):
    """The declared action's guard does not hold for this dossier (``dossiers/guards.py``)."""


class DossierConflict(DossierError):
    """Somebody else changed the dossier since the officer loaded it."""


def _require(text: str, message: str) -> None:
    if not (text or "").strip():
        raise DossierError(message)


def _conflict_message(dossier: Dossier) -> str:
    who = person_name(dossier.updated_by, empty="?")
    when = time_format(timezone.localtime(dossier.updated_at), "H:i")
    return _("Hồ sơ này đã được %(who)s thay đổi lúc %(when)s, vui lòng tải lại.") % {
        "who": who,
        "when": when,
    }


def _record(
    d: Dossier,
    *,
    action: Action,
    user,
    moment: datetime,
    note: str = "",
    change: Change | None = None,
    settle: bool = True,
    born: bool = False,
) -> DossierEvent:
    """Check, apply and audit one action on *d* (locked, or new and unsaved); save it.

    Must run inside a transaction: a refused check or a failing change leaves nothing behind.
    *settle* False leaves the summaries and the due state, computed from the dossier as it is,
    to the action that follows in the same transaction (:func:`_perform_create`); *born* says
    the dossier was created in this transaction (its summaries have nothing stored to read).
    """
    actor = dossier_action_check(user=user, dossier=d, action=action)
    try:
        guard_check(dossier=d, action=action)
    except GuardFailed as exc:
        raise GuardRefused(str(exc)) from exc
    is_new = d.pk is None
    from_status = "" if is_new else d.status
    target = transition_target(
        action=action,
        status=None if is_new else from_status,
        paused_from=d.paused_from,
        online=d.channel == Channel.ONLINE,
    )
    step_before = None if is_new else d.current_step
    if is_new:  # the change saves a new dossier (its documents need its key): in its final state
        d.status, d.updated_by = target, user
    data = (change(d, actor, moment) if change else None) or {}
    if not is_new or d.pk is None:
        d.status = target
        if LIFECYCLE[action].clock == Clock.ENDS:
            d.finished_at = d.finished_at or moment
        d.updated_by = user
        d.save()
    if target == Status.RESULT_READY:
        processing_time_record(dossier=d)  # QĐ 766 §2.2 average, kept by the lifecycle
    event = DossierEvent.objects.create(
        dossier=d,
        action=action,
        actor=user,
        on_behalf_of=actor.on_behalf_of,
        from_status=from_status,
        to_status=target,
        step=step_before,
        to_step=d.current_step if d.current_step != step_before else None,
        unit=d.current_unit,
        note=note,
        data=data,
        created_at=moment,
    )
    # the monthly indicators and officer figures (which count this event), same transaction
    if settle:
        summary_refresh(dossier_ids=[d.pk], now=moment, born=born)
    # Due state and the citizen's notice, in this transaction (overdue tracking, outbox): what
    # runs after the commit is the outbox's delivery, never a callback of the change.
    dossier_transition_recorded(dossier=d, event=event, due=settle)
    return event


def _perform(
    *,
    dossier: Dossier | int,
    action: Action,
    user,
    expected_version: int | None,
    note: str = "",
    change: Change | None = None,
) -> Dossier:
    """Apply *action* to an existing dossier atomically; see the module docstring for the steps."""
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic(), files_kept_on_success(), calendar_revision_held():
        # Lock only the dossier row (MariaDB has no FOR UPDATE OF; a join would lock units too),
        # then read it with its relations inside the same transaction.
        list(Dossier.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
        locked = Dossier.objects.select_related(
            "current_step", "current_unit", "unit", "procedure_version", "updated_by"
        ).get(pk=pk)
        if expected_version is not None and locked.version != expected_version:
            raise DossierConflict(_conflict_message(locked))
        locked.version += 1
        _record(locked, action=action, user=user, moment=timezone.now(), note=note, change=change)
    return locked


def _perform_create(
    new: Dossier,
    *,
    user,
    change: Change,
    then: tuple[tuple[Action, Change | None], ...] = (),
) -> Dossier:
    """Create *new* (unsaved) by the ``receive`` action, then take the actions *then* at once.

    *change* fills and saves the dossier (code, documents). The creation and the actions that
    follow it share one moment and one transaction; the dossier is born at version 1, since
    nobody can have seen it in between. The actor's roles are read once per unit for all of
    them (``units.selectors.roles_remembered``), and the calendar's revision once.
    """
    actions = ((Action.RECEIVE, change), *then)
    with (
        transaction.atomic(),
        files_kept_on_success(),
        roles_remembered(),
        calendar_revision_held(),
    ):
        moment = timezone.now()
        for k, (action, follow) in enumerate(actions, 1):
            # summaries and due state once, after the last action (they read the final rows)
            _record(
                new,
                action=action,
                user=user,
                moment=moment,
                change=follow,
                settle=k == len(actions),
                born=True,
            )
    return new
