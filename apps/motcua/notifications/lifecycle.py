"""What the lifecycle calls inside every recorded transition (one call, in its transaction).

It brings the persisted due state up to date (:func:`motcua.dossiers.due_state.due_state_apply`)
and writes the citizen's notice of the event to the outbox (:mod:`motcua.integrations.handlers`),
so both exist if and only if the transition committed; an apology completes the draft form 04.
"""

from __future__ import annotations

from motcua.dossiers.due_state import due_state_apply
from motcua.dossiers.states import Action
from motcua.integrations.handlers import citizen_notice_emit
from motcua.notifications.letters import apology_drafts_complete


def dossier_transition_recorded(*, dossier, event) -> None:
    """Update the due columns of *dossier* and queue the applicant's notice of *event*."""
    due_state_apply(dossier=dossier, now=event.created_at)
    citizen_notice_emit(dossier=dossier, event=event)
    if event.action == Action.APOLOGIZE:
        apology_drafts_complete(dossier=dossier, now=event.created_at)
