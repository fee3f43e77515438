"""The whole transition table, asserted pair by pair (docs/architecture.md, Lifecycle); no database needed."""

import pytest

from motcua.dossiers.states import OPEN, TERMINAL, Action, Status
from motcua.dossiers.transitions import (
    TRANSITIONS,
    TransitionNotAllowed,
    actions_from,
    transition_target,
)

S = Status
A = Action
_ = None  # refused

# Rows: action; columns: the source states in this order. Cell: target state, or None if refused.
COLUMNS = [
    S.SUBMITTED,
    S.RECEIVED,
    S.IN_PROGRESS,
    S.SUPPLEMENT_REQUESTED,
    S.SUSPENDED,
    S.RESULT_READY,
    S.RETURNED,
    S.REJECTED,
    S.WITHDRAWN,
    S.STOPPED,
]
#: A state-keeping action allowed while the dossier is open or its result waits at the counter.
KEEPS_UNTIL_THE_END = [
    S.SUBMITTED,
    S.RECEIVED,
    S.IN_PROGRESS,
    S.SUPPLEMENT_REQUESTED,
    S.SUSPENDED,
    S.RESULT_READY,
    _,
    _,
    _,
    _,
]
EXPECTED = {
    #                      submitted     received      in_progress   suppl.        suspended     result_ready  returned rejected withdrawn stopped
    A.ACCEPT: [S.RECEIVED, _, _, _, _, _, _, _, _, _],
    A.REFUSE_INTAKE: [S.REJECTED, _, _, _, _, _, _, _, _, _],
    A.START: [_, S.IN_PROGRESS, _, _, _, _, _, _, _, _],
    A.FORWARD: [_, _, S.IN_PROGRESS, _, _, _, _, _, _, _],
    A.RETURN_PREVIOUS: [_, _, S.IN_PROGRESS, _, _, _, _, _, _, _],
    A.CONSULT: [_, _, S.IN_PROGRESS, _, _, _, _, _, _, _],
    A.ANSWER_CONSULTATION: [_, _, S.IN_PROGRESS, _, _, _, _, _, _, _],
    A.APPROVE: [_, _, S.IN_PROGRESS, _, _, _, _, _, _, _],
    A.TRANSFER: [_, _, S.IN_PROGRESS, _, _, _, _, _, _, _],
    A.ISSUE_RESULT: [_, _, S.RESULT_READY, _, _, _, _, _, _, _],
    A.REQUEST_SUPPLEMENT: [
        S.SUPPLEMENT_REQUESTED,
        S.SUPPLEMENT_REQUESTED,
        S.SUPPLEMENT_REQUESTED,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
    ],
    A.SUSPEND: [_, _, S.SUSPENDED, _, _, _, _, _, _, _],
    A.RESUME: [_, _, _, _, S.IN_PROGRESS, _, _, _, _, _],
    A.REFUSE: [_, S.REJECTED, S.REJECTED, _, _, _, _, _, _, _],
    A.STOP: [_, _, S.STOPPED, S.STOPPED, S.STOPPED, _, _, _, _, _],
    A.WITHDRAW: [S.WITHDRAWN, S.WITHDRAWN, S.WITHDRAWN, S.WITHDRAWN, S.WITHDRAWN, _, _, _, _, _],
    A.APOLOGIZE: [_, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.SUSPENDED, _, _, _, _, _],
    A.RETURN_RESULT: [_, _, _, _, _, S.RETURNED, _, _, _, _],
    A.CLOSE_TRAINING: [
        S.STOPPED,
        S.STOPPED,
        S.STOPPED,
        S.STOPPED,
        S.STOPPED,
        S.STOPPED,
        _,
        _,
        _,
        _,
    ],
    # delivery choice and account link keep the state; never after the dossier ended
    A.SET_DELIVERY: KEEPS_UNTIL_THE_END,
    A.LINK_ACCOUNT: KEEPS_UNTIL_THE_END,
    A.RECALCULATE: [
        S.SUBMITTED,
        S.RECEIVED,
        S.IN_PROGRESS,
        S.SUPPLEMENT_REQUESTED,
        S.SUSPENDED,
        _,
        _,
        _,
        _,
        _,
    ],
    # a fee paid at the counter or waived keeps the state; never once the dossier has ended
    A.RECORD_PAYMENT: KEEPS_UNTIL_THE_END,
    A.WAIVE_FEE: KEEPS_UNTIL_THE_END,
    # a carrier's tracking update of a result sent by post keeps the state, after the return too
    A.RECORD_SHIPMENT: [_, _, _, _, _, S.RESULT_READY, S.RETURNED, _, _, _],
    # a reorganisation re-homes every open dossier, a result waiting at the counter included
    A.REHOME: KEEPS_UNTIL_THE_END,
}


def cases():
    for action, row in EXPECTED.items():
        for status, target in zip(COLUMNS, row, strict=True):
            yield pytest.param(action, status, target, id=f"{action}-{status}")


def test_table_covers_every_action_and_state():
    # births (counter, online, legacy import) and the supplement (back to where it paused) are
    # tested on their own
    assert set(EXPECTED) | {A.RECEIVE, A.SUPPLEMENT, A.IMPORT} == set(Action)
    assert set(COLUMNS) == set(Status)


@pytest.mark.parametrize(("action", "status", "target"), list(cases()))
def test_transition(action, status, target):
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            transition_target(action=action, status=status)
    else:
        assert transition_target(action=action, status=status) == target


@pytest.mark.parametrize("paused_from", [S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS])
def test_supplement_goes_back_to_the_state_it_was_requested_in(paused_from):
    assert (
        transition_target(
            action=A.SUPPLEMENT, status=S.SUPPLEMENT_REQUESTED, paused_from=paused_from
        )
        == paused_from
    )


@pytest.mark.parametrize("status", [s for s in Status if s != S.SUPPLEMENT_REQUESTED])
def test_supplement_is_refused_unless_requested(status):
    with pytest.raises(TransitionNotAllowed):
        transition_target(action=A.SUPPLEMENT, status=status)


def test_receive_only_creates():
    assert transition_target(action=A.RECEIVE, status=None) == S.RECEIVED
    for status in Status:
        with pytest.raises(TransitionNotAllowed):
            transition_target(action=A.RECEIVE, status=status)
    with pytest.raises(TransitionNotAllowed):
        transition_target(action=A.FORWARD, status=None)


@pytest.mark.parametrize("status", sorted(TERMINAL))
def test_nothing_leaves_a_terminal_state(status):
    # only a state-keeping record may follow the end (a postal tracking update after the return)
    for action in actions_from(status):
        assert transition_target(action=action, status=status) == status, action


def test_open_states_all_have_a_way_out():
    for status in OPEN:
        targets = {TRANSITIONS[a].target for a in actions_from(status)}
        assert targets & {s.value for s in TERMINAL}, status


def test_pauses_are_exactly_the_clock_stopping_transitions():
    pausing = {a for a, t in TRANSITIONS.items() if t.pauses_clock}
    resuming = {a for a, t in TRANSITIONS.items() if t.resumes_clock}
    assert pausing == {A.REQUEST_SUPPLEMENT, A.SUSPEND}
    assert resuming == {A.SUPPLEMENT, A.RESUME}
