"""What the lifecycle calls inside every recorded transition (one call, in its transaction).

It brings the persisted due state up to date (:func:`motcua.dossiers.due_state.due_state_apply`)
and writes the citizen's notice of the event to the outbox (:mod:`motcua.integrations.handlers`),
so both exist if and only if the transition committed.
"""

from __future__ import annotations

from motcua.dossiers.due_state import due_state_apply
from motcua.integrations.handlers import citizen_notice_emit


def dossier_transition_recorded(*, dossier, event) -> None:
    """Update the due columns of *dossier* and queue the applicant's notice of *event*."""
    due_state_apply(dossier=dossier, now=event.created_at)
    citizen_notice_emit(dossier=dossier, event=event)
