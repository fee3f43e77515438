"""What the lifecycle calls inside every recorded transition (one call, in its transaction).

It brings the persisted due state up to date (:func:`motcua.dossiers.due_state.due_state_apply`)
and writes the citizen's notice of the event to the outbox (:mod:`motcua.integrations.handlers`),
so both exist if and only if the transition committed; an apology completes the draft form 04;
staff flags (``staff_flags.py``) are written in the same transaction.
"""

from __future__ import annotations

from motcua.dossiers.due_state import due_state_apply
from motcua.dossiers.states import Action
from motcua.integrations.handlers import citizen_notice_emit
from motcua.notifications.letters import apology_drafts_complete
from motcua.notifications.staff_flags import delegator_tell, unstaffed_step_flag


def dossier_transition_recorded(*, dossier, event, due: bool = True) -> None:
    """Update the due columns of *dossier* and queue the applicant's notice of *event*.

    Staff are told too: the delegator when a delegate acted for them, the unit's administrators
    when the step the event opened has nobody who can work it. *due* False leaves the due columns
    to the next transition of the same transaction (a reception and its start: one update).
    """
    if due:
        due_state_apply(dossier=dossier, now=event.created_at)
    citizen_notice_emit(dossier=dossier, event=event)
    if event.action == Action.APOLOGIZE:
        apology_drafts_complete(dossier=dossier, now=event.created_at)
    if event.on_behalf_of_id:
        delegator_tell(dossier=dossier, event=event)
    if event.to_step_id:
        unstaffed_step_flag(dossier=dossier, step=event.to_step, now=event.created_at)
