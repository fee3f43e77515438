"""The one table of allowed dossier transitions, testable without a database.

Each action names the states it may start from and the state it leads to. ``SAME`` keeps the state
(a step change inside ``in_progress``); ``BACK`` returns to the state the dossier was paused from
(a supplement can be requested at intake, so after the citizen supplements it goes back to
``submitted``; inside processing it goes back to ``in_progress``).

The table is derived from the lifecycle declarations in ``motcua.core.lifecycle``; who may act is
decided elsewhere (``permissions.py``): this table only says what is possible.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.lifecycle import BACK, LIFECYCLE, SAME, Clock
from motcua.dossiers.states import Action, Status

__all__ = ["BACK", "SAME", "TRANSITIONS", "Transition", "TransitionNotAllowed"]


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: str  # a Status value, SAME or BACK
    pauses_clock: bool = False
    resumes_clock: bool = False


#: Derived from the lifecycle declarations (``core/lifecycle.py``); never edited here.
TRANSITIONS: dict[Action, Transition] = {
    action: Transition(
        action,
        rule.sources,
        rule.target,
        pauses_clock=rule.clock == Clock.PAUSES,
        resumes_clock=rule.clock == Clock.RESUMES,
    )
    for action, rule in LIFECYCLE.items()
}


class TransitionNotAllowed(Exception):
    """The action cannot start from the dossier's current state (message for the officer)."""

    def __init__(self, action: Action, status: str):
        self.action, self.status = action, status
        label = Status(status).label if status in Status.values else status
        super().__init__(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”; hãy tải lại trang.")
            % {"action": Action(action).label, "status": label}
        )


def transition_target(
    *, action: Action, status: str | None, paused_from: str = "", online: bool = False
) -> Status:
    """Return the state *action* leads to from *status*, or raise :class:`TransitionNotAllowed`.

    ``status=None`` is a dossier being created; *online* says it was submitted on the portal.
    """
    rule = TRANSITIONS[action]
    if status is None:
        if rule.sources:
            raise TransitionNotAllowed(action, "new")
        born = LIFECYCLE[action].online_target if online else ""
        return Status(born or rule.target)
    if status not in rule.sources:
        raise TransitionNotAllowed(action, status)
    if rule.target == SAME:
        return Status(status)
    if rule.target == BACK:
        return Status(paused_from or Status.IN_PROGRESS)
    return Status(rule.target)


def actions_from(status: str) -> list[Action]:
    """Return the actions that the table allows from *status* (before any permission check)."""
    return [action for action, rule in TRANSITIONS.items() if status in rule.sources]
