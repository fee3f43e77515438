"""Who may take each action (permissions.py rules 1–5), as a matrix of actions × actors.

Actors: anonymous, a citizen with no part in the dossier, an officer of another unit (Lê Chân's
specialist), an officer of this unit without the role (Hồng Bàng's clerk), the authorised officer,
and the leader of the parent unit (the city's leader, a subtree membership at the province).

The city's leader holds ``unit_leader`` in every unit below the province (rule 2's subtree clause),
so they may act exactly where a step allows leaders (the signing step); reception actions need a
reception officer (rule 1), answering a consultation needs staff of the consulted unit itself
(rule 3), closing training dossiers needs an administrator (rule 5).

Every refused call raises :class:`ActionForbidden` and changes nothing: status, version, events,
steps, pauses, consultations and deadlines are compared before and after.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from motcua.dossiers import services
from motcua.dossiers.models import (
    Consultation,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierPause,
    DossierStep,
)
from motcua.dossiers.permissions import ActionForbidden, dossier_available_actions
from motcua.dossiers.states import Action, Status
from motcua.dossiers.transitions import TransitionNotAllowed
from tests.builders import at

SETUP_AT = at(2025, 3, 3, 9, 0)  # Mon 3/3 09:00: every setup happens then
ACT_AT = at(2025, 3, 4, 9, 0)  # Tue 4/3 09:00: the action under test
TRAINING_CLOSE_AT = at(2025, 4, 10, 9, 0)  # 38 days after SETUP_AT (close_training: > 30 days)


# --------------------------------------------------------------------------- setups


def _receive(world, applicant, documents, **kwargs):
    return services.dossier_receive(
        user=world.users.reception,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        documents=documents,
        **kwargs,
    )


def setup_none(world, applicant, documents):
    return None


def setup_submitted(world, applicant, documents):
    return services.dossier_submit_online(
        procedure=world.procedure, unit=world.units.d, applicant=applicant
    )


def setup_step1(world, applicant, documents):
    """Step 1 "Thẩm định hồ sơ" at Hồng Bàng, assigned to spec1 by round robin."""
    return _receive(world, applicant, documents)


def setup_step2(world, applicant, documents):
    """Step 2 "Lấy ý kiến các sở", assigned to spec2, consultations open at sxd and stn."""
    u = world.users
    return services.dossier_forward(
        dossier=setup_step1(world, applicant, documents), user=u.spec1, assignee=u.spec2
    )


def setup_step3(world, applicant, documents):
    """Step 3 "Lãnh đạo phê duyệt, ký", assigned to Hồng Bàng's leader."""
    u = world.users
    dossier = setup_step2(world, applicant, documents)
    dossier = services.consultation_answer(dossier=dossier, user=u.sxd_spec, answer="Đồng ý.")
    return services.dossier_forward(dossier=dossier, user=u.spec2, assignee=u.leader)


def setup_suspended(world, applicant, documents):
    return services.dossier_suspend(
        dossier=setup_step1(world, applicant, documents),
        user=world.users.spec1,
        reason="Chờ cơ quan thuế.",
    )


def setup_supplement_requested(world, applicant, documents):
    dossier = setup_step1(world, applicant, documents)
    return services.dossier_request_supplement(
        dossier=dossier, items=["Bản vẽ"], user=dossier.current_step.assignee
    )


def setup_result_ready(world, applicant, documents):
    return services.dossier_issue_result(
        dossier=setup_step3(world, applicant, documents),
        user=world.users.leader,
        result_number="12/GPXD",
        result_date=date(2025, 3, 3),
    )


def setup_training(world, applicant, documents):
    return _receive(world, applicant, documents, is_training=True)


# --------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Case:
    setup: Any
    call: Any  # (world, dossier, user, applicant, documents) -> Dossier | int
    authorised: str  # the world user who may act
    parent_leader: bool  # whether the city's leader may act (see the module docstring)
    target: str | None  # the status after the authorised action
    moment: Any = ACT_AT


CASES = {
    Action.RECEIVE: Case(
        setup_none,
        lambda w, d, user, a, docs: services.dossier_receive(
            user=user, procedure=w.procedure, unit=w.units.d, applicant=a, documents=docs
        ),
        "reception",
        False,
        Status.IN_PROGRESS,
    ),
    Action.ACCEPT: Case(
        setup_submitted,
        lambda w, d, user, a, docs: services.dossier_accept(dossier=d, user=user),
        "reception",
        False,
        Status.IN_PROGRESS,
    ),
    Action.REFUSE_INTAKE: Case(
        setup_submitted,
        lambda w, d, user, a, docs: services.dossier_refuse_intake(
            dossier=d, user=user, reason="Không thuộc thẩm quyền."
        ),
        "reception",
        False,
        Status.REJECTED,
    ),
    Action.FORWARD: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_forward(
            dossier=d, user=user, assignee=w.users.spec2
        ),
        "spec1",
        False,
        Status.IN_PROGRESS,
    ),
    Action.RETURN_PREVIOUS: Case(
        setup_step2,
        lambda w, d, user, a, docs: services.dossier_return_previous(
            dossier=d, user=user, reason="Thẩm định lại."
        ),
        "spec2",
        False,
        Status.IN_PROGRESS,
    ),
    Action.CONSULT: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_consult(
            dossier=d, user=user, units=[w.units.sxd]
        ),
        "spec1",
        False,
        Status.IN_PROGRESS,
    ),
    Action.ANSWER_CONSULTATION: Case(
        setup_step2,
        lambda w, d, user, a, docs: services.consultation_answer(
            dossier=d, user=user, answer="Thống nhất."
        ),
        "sxd_spec",
        False,
        Status.IN_PROGRESS,
    ),
    Action.ISSUE_RESULT: Case(
        setup_step3,
        lambda w, d, user, a, docs: services.dossier_issue_result(
            dossier=d, user=user, result_number="12/GPXD", result_date=date(2025, 3, 4)
        ),
        "leader",
        True,
        Status.RESULT_READY,
    ),
    Action.REQUEST_SUPPLEMENT: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_request_supplement(
            dossier=d, user=user, items=["Bản vẽ mặt cắt"]
        ),
        "spec1",
        False,
        Status.SUPPLEMENT_REQUESTED,
    ),
    Action.SUPPLEMENT: Case(
        setup_supplement_requested,
        lambda w, d, user, a, docs: services.dossier_supplement(dossier=d, user=user),
        "reception",
        False,
        Status.IN_PROGRESS,
    ),
    Action.SUSPEND: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_suspend(
            dossier=d, user=user, reason="Chờ cơ quan thuế."
        ),
        "spec1",
        False,
        Status.SUSPENDED,
    ),
    Action.RESUME: Case(
        setup_suspended,
        lambda w, d, user, a, docs: services.dossier_resume(dossier=d, user=user),
        "spec1",
        False,
        Status.IN_PROGRESS,
    ),
    Action.REFUSE: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_refuse(
            dossier=d, user=user, reason="Không đủ điều kiện cấp phép."
        ),
        "spec1",
        False,
        Status.REJECTED,
    ),
    Action.STOP: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_stop(
            dossier=d, user=user, reason="Có tranh chấp đất đai."
        ),
        "spec1",
        False,
        Status.STOPPED,
    ),
    Action.WITHDRAW: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_withdraw(
            dossier=d, user=user, reason="Công dân xin rút."
        ),
        "reception",
        False,
        Status.WITHDRAWN,
    ),
    Action.TRANSFER: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_transfer(
            dossier=d, user=user, to_unit=w.units.d2, assignee=w.users.other_spec
        ),
        "spec1",
        False,
        Status.IN_PROGRESS,
    ),
    Action.APOLOGIZE: Case(
        setup_step1,
        lambda w, d, user, a, docs: services.dossier_apologize(
            dossier=d, user=user, new_due_at=at(2025, 3, 28, 17, 0), reason="Chờ đo đạc."
        ),
        "spec1",
        False,
        Status.IN_PROGRESS,
    ),
    Action.RETURN_RESULT: Case(
        setup_result_ready,
        lambda w, d, user, a, docs: services.dossier_return_result(
            dossier=d, user=user, delivery="counter"
        ),
        "reception",
        False,
        Status.RETURNED,
    ),
    Action.CLOSE_TRAINING: Case(
        setup_training,
        lambda w, d, user, a, docs: services.dossiers_close_training(user=user),
        "admin",
        False,
        Status.STOPPED,
        moment=TRAINING_CLOSE_AT,
    ),
}

ACTORS = ["anonymous", "citizen", "other_unit", "no_role", "authorised", "parent_leader"]


def _user(world, actor: str, case: Case):
    u = world.users
    return {
        "anonymous": AnonymousUser(),
        "citizen": u.citizen,
        "other_unit": u.other_spec,
        "no_role": u.clerk,
        "authorised": getattr(u, case.authorised),
        "parent_leader": u.city_leader,
    }[actor]


def snapshot(dossier):
    """Everything a refused action must leave as it was."""
    totals = {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "steps": DossierStep.objects.count(),
        "pauses": DossierPause.objects.count(),
        "consultations": Consultation.objects.count(),
        "answered": Consultation.objects.exclude(answered_at=None).count(),
        "counters": list(DossierCodeCounter.objects.values_list("last", flat=True)),
    }
    if dossier is None:
        return totals
    row = Dossier.objects.values(
        "status",
        "version",
        "current_step",
        "current_unit",
        "due_at",
        "finished_at",
        "apology_due_at",
        "supplement_count",
        "paused_from",
        "returned_at",
        "result_number",
        "updated_by",
    ).get(pk=dossier.pk)
    steps = list(
        DossierStep.objects.filter(dossier=dossier).values_list(
            "pk", "state", "assignee", "due_at", "finished_at"
        )
    )
    return {**totals, **row, "dossier_steps": steps}


def _prepare(world, applicant, documents, case):
    with time_machine.travel(SETUP_AT, tick=False):
        return case.setup(world, applicant, documents)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(CASES), ids=[a.value for a in CASES])
def test_action_permission_matrix(world, applicant, documents, action, actor):
    case = CASES[action]
    dossier = _prepare(world, applicant, documents, case)
    user = _user(world, actor, case)
    allowed = actor == "authorised" or (actor == "parent_leader" and case.parent_leader)
    before = snapshot(dossier)

    with time_machine.travel(case.moment, tick=False):
        if not allowed:
            with pytest.raises(ActionForbidden):
                case.call(world, dossier, user, applicant, documents)
            # then: nothing happened
            assert snapshot(dossier) == before
            return
        result = case.call(world, dossier, user, applicant, documents)

    # then: the action went through and was recorded as this user's
    changed = Dossier.objects.get(pk=result.pk if isinstance(result, Dossier) else dossier.pk)
    assert changed.status == case.target
    last = changed.events.last()
    assert last.actor == user
    if dossier is not None:
        assert changed.version > before["version"]
        assert action in changed.events.values_list("action", flat=True)


# --------------------------------------------------------------------------- beyond the matrix


def test_applicant_may_withdraw_and_supplement_their_own_dossier_only(world, applicant, documents):
    u = world.users
    mine = {**applicant, "applicant_user": u.citizen}
    with time_machine.travel(SETUP_AT, tick=False):
        dossier = setup_supplement_requested(world, mine, documents)
        other = setup_supplement_requested(world, applicant, documents)
    with time_machine.travel(ACT_AT, tick=False):
        before = snapshot(other)
        with pytest.raises(ActionForbidden):
            services.dossier_supplement(dossier=other, user=u.citizen)
        with pytest.raises(ActionForbidden):
            services.dossier_withdraw(dossier=other, user=u.citizen, reason="Rút.")
        assert snapshot(other) == before

        dossier = services.dossier_supplement(dossier=dossier, user=u.citizen)
        assert dossier.status == Status.IN_PROGRESS
        before = snapshot(dossier)
        # … but never processes it
        with pytest.raises(ActionForbidden):
            services.dossier_suspend(dossier=dossier, user=u.citizen, reason="Tự dừng.")
        assert snapshot(dossier) == before
        dossier = services.dossier_withdraw(dossier=dossier, user=u.citizen, reason="Không xây.")
    assert dossier.status == Status.WITHDRAWN
    assert dossier.events.last().actor == u.citizen


@pytest.mark.parametrize(
    ("setup", "call", "who"),
    [
        # a reception officer may accept, but not a dossier already being processed
        (setup_step1, lambda w, d, u: services.dossier_accept(dossier=d, user=u), "reception"),
        (
            setup_step1,
            lambda w, d, u: services.dossier_return_result(dossier=d, user=u, delivery="counter"),
            "reception",
        ),
        # the assignee may resume, but only a suspended dossier
        (setup_step1, lambda w, d, u: services.dossier_resume(dossier=d, user=u), "spec1"),
        # the applicant may withdraw, but not once the result is ready
        (
            setup_result_ready,
            lambda w, d, u: services.dossier_withdraw(dossier=d, user=u, reason="Rút."),
            "citizen",
        ),
    ],
    ids=["accept-in-progress", "return-in-progress", "resume-in-progress", "withdraw-ready"],
)
def test_allowed_actor_is_refused_by_the_table_and_nothing_changes(
    world, applicant, documents, setup, call, who
):
    with time_machine.travel(SETUP_AT, tick=False):
        dossier = setup(world, {**applicant, "applicant_user": world.users.citizen}, documents)
    before = snapshot(dossier)
    with time_machine.travel(ACT_AT, tick=False), pytest.raises(TransitionNotAllowed):
        call(world, dossier, getattr(world.users, who))
    assert snapshot(dossier) == before


def test_same_role_but_not_the_assignee_is_refused(world, applicant, documents):
    dossier = _prepare(world, applicant, documents, CASES[Action.SUSPEND])
    before = snapshot(dossier)
    with pytest.raises(ActionForbidden, match="đang được giao cho"):
        services.dossier_suspend(dossier=dossier, user=world.users.spec2, reason="Chờ.")
    assert snapshot(dossier) == before


def test_leader_of_this_unit_acts_only_where_the_step_allows_leaders(world, applicant, documents):
    u = world.users
    dossier = _prepare(world, applicant, documents, CASES[Action.SUSPEND])  # step 1: specialists
    before = snapshot(dossier)
    with pytest.raises(ActionForbidden, match="vai trò"):
        services.dossier_suspend(dossier=dossier, user=u.leader, reason="Chờ.")
    assert snapshot(dossier) == before


def test_an_action_the_step_does_not_offer_is_refused_even_to_its_leader(
    world, applicant, documents
):
    dossier = _prepare(world, applicant, documents, CASES[Action.ISSUE_RESULT])  # step 3
    before = snapshot(dossier)
    with pytest.raises(ActionForbidden, match="không cho phép"):
        services.dossier_approve(dossier=dossier, user=world.users.leader)
    with pytest.raises(ActionForbidden, match="không cho phép"):
        services.dossier_suspend(dossier=dossier, user=world.users.leader, reason="Chờ.")
    assert snapshot(dossier) == before


def test_an_inactive_officer_is_refused(world, applicant, documents):
    dossier = _prepare(world, applicant, documents, CASES[Action.SUSPEND])
    world.users.spec1.is_active = False
    world.users.spec1.save()
    before = snapshot(dossier)
    with pytest.raises(ActionForbidden):
        services.dossier_suspend(dossier=dossier, user=world.users.spec1, reason="Chờ.")
    assert snapshot(dossier) == before


def test_a_supervisor_of_the_consulted_unit_does_not_answer_for_it(world, applicant, documents):
    from motcua.core.roles import Role
    from tests.units.factories import make_membership, make_user

    supervisor = make_user("giamsat.sxd")
    make_membership(supervisor, world.units.sxd, Role.SUPERVISOR)  # read-only (Scope)
    dossier = _prepare(world, applicant, documents, CASES[Action.ANSWER_CONSULTATION])
    before = snapshot(dossier)
    with pytest.raises(ActionForbidden, match="xin ý kiến"):
        services.consultation_answer(dossier=dossier, user=supervisor, answer="Đồng ý.")
    assert snapshot(dossier) == before


def test_available_actions_follow_the_table_and_the_step(world, applicant, documents):
    u = world.users
    dossier = _prepare(world, applicant, documents, CASES[Action.SUSPEND])  # step 1, spec1
    assert set(dossier_available_actions(user=u.spec1, dossier=dossier)) == {
        Action.FORWARD,
        Action.RETURN_PREVIOUS,
        Action.REQUEST_SUPPLEMENT,
        Action.CONSULT,
        Action.SUSPEND,
        Action.REFUSE,
        Action.STOP,
        Action.TRANSFER,
        Action.APOLOGIZE,
    }  # RESUME is offered by the step but the table refuses it from in_progress
    # the counter records the citizen's withdrawal or delivery choice on their behalf (rule 4),
    # and a fee paid at the counter or waived (rule 1; the desk offers them when a fee is owed)
    assert set(dossier_available_actions(user=u.reception, dossier=dossier)) == {
        Action.WITHDRAW,
        Action.SET_DELIVERY,
        Action.RECORD_PAYMENT,
        Action.WAIVE_FEE,
    }
    assert dossier_available_actions(user=u.city_leader, dossier=dossier) == []
    assert dossier_available_actions(user=AnonymousUser(), dossier=dossier) == []
