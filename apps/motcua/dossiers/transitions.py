"""The one table of allowed dossier transitions (DESIGN §2 rule 2), testable without a database.

Each action names the states it may start from and the state it leads to. ``SAME`` keeps the state
(a step change inside ``in_progress``); ``BACK`` returns to the state the dossier was paused from
(a supplement can be requested at intake, so after the citizen supplements it goes back to
``submitted``; inside processing it goes back to ``in_progress``).

Who may act is decided elsewhere (``permissions.py``): this table only says what is possible.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.dossiers.states import Action, Status

S = Status
SAME = "same"
BACK = "back"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: str  # a Status value, SAME or BACK
    pauses_clock: bool = False
    resumes_clock: bool = False


def _t(action, sources, target, **kw) -> Transition:
    return Transition(action, frozenset(sources), target, **kw)


_ACTIVE = {S.RECEIVED, S.IN_PROGRESS}
_OPEN_NOT_READY = {S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.SUSPENDED}

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        # Reception: a new dossier at the counter is born ``received`` (source: none, see below).
        _t(Action.RECEIVE, set(), S.RECEIVED),
        _t(Action.ACCEPT, {S.SUBMITTED}, S.RECEIVED),
        _t(Action.REFUSE_INTAKE, {S.SUBMITTED}, S.REJECTED),
        _t(Action.START, {S.RECEIVED}, S.IN_PROGRESS),
        # Processing inside the ISO workflow.
        _t(Action.FORWARD, {S.IN_PROGRESS}, SAME),
        _t(Action.RETURN_PREVIOUS, {S.IN_PROGRESS}, SAME),
        _t(Action.CONSULT, {S.IN_PROGRESS}, SAME),
        _t(Action.ANSWER_CONSULTATION, {S.IN_PROGRESS}, SAME),
        _t(Action.APPROVE, {S.IN_PROGRESS}, SAME),
        _t(Action.TRANSFER, {S.IN_PROGRESS}, SAME),
        _t(Action.ISSUE_RESULT, {S.IN_PROGRESS}, S.RESULT_READY),
        # Pauses: the clock stops (DESIGN §4).
        _t(
            Action.REQUEST_SUPPLEMENT,
            {S.SUBMITTED, *_ACTIVE},
            S.SUPPLEMENT_REQUESTED,
            pauses_clock=True,
        ),
        _t(Action.SUPPLEMENT, {S.SUPPLEMENT_REQUESTED}, BACK, resumes_clock=True),
        _t(Action.SUSPEND, {S.IN_PROGRESS}, S.SUSPENDED, pauses_clock=True),
        _t(Action.RESUME, {S.SUSPENDED}, S.IN_PROGRESS, resumes_clock=True),
        # Endings.
        _t(Action.REFUSE, _ACTIVE, S.REJECTED),
        _t(Action.STOP, {S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.SUSPENDED}, S.STOPPED),
        _t(Action.WITHDRAW, _OPEN_NOT_READY, S.WITHDRAWN),
        _t(
            Action.APOLOGIZE, {S.RECEIVED, S.IN_PROGRESS, S.SUSPENDED, S.SUPPLEMENT_REQUESTED}, SAME
        ),
        _t(Action.RETURN_RESULT, {S.RESULT_READY}, S.RETURNED),
        _t(Action.CLOSE_TRAINING, _OPEN_NOT_READY | {S.RESULT_READY}, S.STOPPED),
        # Facts about the applicant that change no state (audited all the same).
        _t(Action.SET_DELIVERY, _OPEN_NOT_READY | {S.RESULT_READY}, SAME),
        _t(Action.LINK_ACCOUNT, _OPEN_NOT_READY | {S.RESULT_READY}, SAME),
        # Written by the deadline recomputation after a calendar change, never by an officer.
        _t(Action.RECALCULATE, _OPEN_NOT_READY, SAME),
    )
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


def transition_target(*, action: Action, status: str | None, paused_from: str = "") -> Status:
    """Return the state *action* leads to from *status*, or raise :class:`TransitionNotAllowed`."""
    rule = TRANSITIONS[action]
    if status is None:
        if rule.sources:
            raise TransitionNotAllowed(action, "new")
        return Status(rule.target)
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
