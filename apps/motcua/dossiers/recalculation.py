"""What a calendar change does to the dossiers whose due moment moved (QĐ 766: the applicant is
told of the appointment date, the dossier's log shows why it changed).

Called by the dossier deadline source once per batch of the recomputation, inside that batch's
transaction, set-based: one statement writes the new due moments of the batch with the due
columns they lead to (:func:`~motcua.dossiers.due_state.due_states_refresh`), one multi-row
``INSERT`` (no model instances) the :attr:`~motcua.dossiers.states.Action.RECALCULATE` events
(status unchanged, old and new due moment in the event), one the citizen notices in the outbox
(one per dossier, delivered after the commit), and the monthly summaries follow for the dossiers
whose verdict of an ended month can change (their pending verdicts depend on ``due_at``). It
changes no state, so it does not go through the lifecycle's transition function; the event is its
audit record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from motcua.core.rows_update import rows_insert
from motcua.dossiers.due_state import due_states_refresh
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import Action
from motcua.integrations.handlers import CITIZEN_EVENTS, citizen_notices_emit
from motcua.reports.summaries import horizon, month_end, summary_refresh


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else "—"


def dossier_due_moves_apply(updates: Sequence[tuple[int, datetime]]) -> list[int]:
    """Set the new due moments of one batch (and the due states they lead to), log them,
    notify; return the event ids."""
    if not updates:
        return []
    new = dict(updates)
    rows = list(
        Dossier.objects.filter(pk__in=list(new)).values_list(
            "pk", "due_at", "status", "current_unit_id", "is_training"
        )
    )
    now = timezone.now()
    due_states_refresh(dossier_ids=list(new), now=now, dossier_due=new)
    # one multi-row INSERT, no model instances; the ids come back from it in the rows' order
    event_ids = rows_insert(
        DossierEvent,
        ("dossier", "action", "from_status", "to_status", "unit", "note", "data", "created_at"),
        [
            (
                pk,
                Action.RECALCULATE,
                status,
                status,
                unit_id,
                f"{_local(old)} → {_local(new[pk])}",
                {"old_due": old.isoformat() if old else None, "new_due": new[pk].isoformat()},
                now,
            )
            for pk, old, status, unit_id, _training in rows
        ],
        returning=True,
    )
    # The applicant's notice of the new appointment goes through the outbox, in this batch's
    # transaction, like every other notice (one outbox row per dossier, written in one INSERT).
    # (training dossiers tell nobody, as for every other notice)
    told = {pk for pk, *_rest, training in rows if not training}
    pairs = [(event_id, row[0]) for event_id, row in zip(event_ids, rows, strict=True)]
    citizen_notices_emit(
        [(event_id, dossier_id) for event_id, dossier_id in pairs if dossier_id in told],
        notice=CITIZEN_EVENTS[Action.RECALCULATE],
    )
    # A moved due moment can change the verdicts of the months already ended (the entry's
    # overdue_from), never when both moments lie after the last of them: judged at a month end
    # before both, the dossier is late under either deadline or under neither (QĐ 766 §2.1). The
    # step rows hold no dossier deadline.
    ended = month_end(horizon(now))
    summary_refresh(
        dossier_ids=[pk for pk, old, *_rest in rows if old is None or min(old, new[pk]) < ended],
        steps=False,
    )
    return [event_id for event_id, dossier_id in pairs if dossier_id in told]
