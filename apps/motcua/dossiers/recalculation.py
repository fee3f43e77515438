"""What a calendar change does to the dossiers whose due moment moved (QĐ 766: the applicant is
told of the appointment date, the dossier's log shows why it changed).

Called by the dossier deadline source once per batch of the recomputation, inside that batch's
transaction: one ``UPDATE`` for the batch, one multi-row ``INSERT`` of
:attr:`~motcua.dossiers.states.Action.RECALCULATE` events (status unchanged, old and new due
moment in the event), and after the commit one notification per applicant with an e-mail
address. It changes no state, so it does not go through the lifecycle's transition function;
the event is its audit record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import Action


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else "—"


def dossier_due_moves_apply(updates: Sequence[tuple[int, datetime]]) -> list[int]:
    """Set the new due moments of one batch, log them, notify; return the event ids."""
    if not updates:
        return []
    new = dict(updates)
    rows = list(
        Dossier.objects.filter(pk__in=list(new)).values_list(
            "pk", "due_at", "status", "current_unit_id", "applicant_email"
        )
    )
    Dossier.objects.filter(pk__in=list(new)).update(
        due_at=Case(
            *[When(pk=pk, then=Value(due, output_field=DateTimeField())) for pk, due in updates],
            output_field=DateTimeField(),
        )
    )
    now = timezone.now()
    DossierEvent.objects.bulk_create(
        [
            DossierEvent(
                dossier_id=pk,
                action=Action.RECALCULATE,
                from_status=status,
                to_status=status,
                unit_id=unit_id,
                note=f"{_local(old)} → {_local(new[pk])}",
                data={
                    "old_due": old.isoformat() if old else None,
                    "new_due": new[pk].isoformat(),
                },
                created_at=now,
            )
            for pk, old, status, unit_id, _email in rows
        ]
    )
    with_email = [pk for pk, *_rest, email in rows if email]
    event_ids = list(
        DossierEvent.objects.filter(
            action=Action.RECALCULATE, created_at=now, dossier_id__in=with_email
        ).values_list("pk", flat=True)
    )
    if event_ids:
        from motcua.dossiers.effects import dossier_event_effects

        transaction.on_commit(
            lambda: [dossier_event_effects(event_id=pk) for pk in event_ids], robust=True
        )
    return event_ids
