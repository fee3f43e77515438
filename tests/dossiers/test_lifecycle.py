"""Lifecycle behaviour beyond the happy path: intake, returns, transfers, pauses, endings,
apologies, supplement limits, routing, unit resolution, assignment, concurrency, events, e-mail.

Every due moment is a literal computed by hand on the default calendar (Mon–Fri 07:30–11:30 and
13:00–17:00, 8 office hours a day, no holidays in March 2025) with Civil Code Art. 147 for working
days: the day of receipt is not counted, the deadline is 17:00 of the N-th working day after it.
March 2025: Mon 3, 10, 17, 24, 31; Sat/Sun 1–2, 8–9, 15–16, 22–23, 29–30.
"""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from motcua.core.roles import Role
from motcua.dossiers import services
from motcua.dossiers.models import Delegation, DossierEvent, DossierPause, StepState
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.services import DossierConflict, DossierError
from motcua.dossiers.states import Action, Status
from motcua.dossiers.workflow import StepSpec, WorkflowError, step_unit
from motcua.procedures.models import Procedure
from motcua.procedures.services import procedure_publish
from tests.dossiers.conftest import add_step, at
from tests.units.factories import make_membership, make_unit, make_user

D_CODE = "000.00.31.H27"


# --------------------------------------------------------------------------- helpers


def act(moment, func, **kwargs):
    """Call a service at a frozen *moment*."""
    with time_machine.travel(moment, tick=False):
        return func(**kwargs)


def receive(world, applicant, documents, moment, **kwargs):
    """Receive a GPXD dossier at the Hồng Bàng counter at *moment*."""
    kwargs.setdefault("procedure", world.procedure)
    kwargs.setdefault("unit", world.units.d)
    kwargs.setdefault("user", world.users.reception)
    return act(moment, services.dossier_receive, applicant=applicant, documents=documents, **kwargs)


def submit(world, applicant, moment, **kwargs):
    """Submit a GPXD dossier online to Hồng Bàng as the citizen at *moment*."""
    return act(
        moment,
        services.dossier_submit_online,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        user=world.users.citizen,
        **kwargs,
    )


def to_leader_step(world, dossier, *, forward_at, answer_at, second_forward_at):
    """Take a dossier from step 1 to the leader's step 3 (spec1 → spec2, the sxd answers)."""
    u = world.users
    dossier = act(
        forward_at, services.dossier_forward, dossier=dossier, user=u.spec1, assignee=u.spec2
    )
    dossier = act(
        answer_at,
        services.consultation_answer,
        dossier=dossier,
        user=u.sxd_spec,
        answer="Thống nhất.",
    )
    return act(second_forward_at, services.dossier_forward, dossier=dossier, user=u.spec2)


def state(dossier):
    """What a refused or failed call must leave untouched."""
    dossier.refresh_from_db()
    return {
        "status": dossier.status,
        "version": dossier.version,
        "events": dossier.events.count(),
        "step": dossier.current_step_id,
        "steps": dossier.steps.count(),
        "pauses": dossier.pauses.count(),
        "due_at": dossier.due_at,
        "apology_due_at": dossier.apology_due_at,
        "supplement_count": dossier.supplement_count,
        "late_by_rule": dossier.late_by_rule,
        "current_unit": dossier.current_unit_id,
        "finished_at": dossier.finished_at,
    }


def make_procedure(world, code, name, steps, *, amount=10, units=None):
    """Create and publish a procedure whose steps are ``(name, roles, days, options)``."""
    procedure = Procedure.objects.create(
        national_code=code,
        name=name,
        sector=world.procedure.sector,
        level=world.levels["district"],
        legal_basis="Luật Xây dựng 2014",
        processing_amount=Decimal(amount),
        processing_unit="working_days",
        online_level="partial",
        result_type="Văn bản",
    )
    procedure.units.set(units or [world.units.d])
    for order, (step_name, roles, days, options) in enumerate(steps, start=1):
        add_step(procedure, order, step_name, roles, days, **options)
    procedure_publish(procedure=procedure)
    return procedure


# --------------------------------------------------------------------------- intake


def test_online_submission_waits_for_intake_and_the_clock_starts_at_acceptance(world, applicant):
    u = world.users
    # given: submitted online on Fri 7/3 16:00
    dossier = submit(world, applicant, at(2025, 3, 7, 16, 0), form_data={"area": "120"})
    assert dossier.code == f"{D_CODE}-250307-0001"
    assert dossier.status == Status.SUBMITTED
    assert dossier.channel == 2 and dossier.applicant_user == u.citizen
    assert dossier.submitted_at == at(2025, 3, 7, 16, 0)
    assert dossier.received_at is None and dossier.due_at is None
    assert dossier.current_step is None

    # when: the counter accepts it on Mon 10/3 08:00
    dossier = act(
        at(2025, 3, 10, 8, 0),
        services.dossier_accept,
        dossier=dossier,
        user=u.reception,
        expected_version=dossier.version,
    )

    # then: the clock starts at acceptance, not at submission
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.received_at == at(2025, 3, 10, 8, 0)
    assert dossier.received_by == u.reception
    # 15 working days after Mon 10/3: 11 12 13 14 | 17 18 19 20 21 | 24 25 26 27 28 | 31 → 31/3 17:00
    assert dossier.due_at == at(2025, 3, 31, 17, 0)
    # step 1, 8 working days after Mon 10/3: 11 12 13 14 | 17 18 19 20 → Thu 20/3 17:00
    assert dossier.current_step.index == 0
    assert dossier.current_step.due_at == at(2025, 3, 20, 17, 0)
    assert dossier.current_step.assignee == u.spec1
    events = list(dossier.events.values_list("action", "from_status", "to_status", "actor"))
    assert events == [
        (Action.RECEIVE, "", Status.SUBMITTED, u.citizen.pk),
        (Action.ACCEPT, Status.SUBMITTED, Status.RECEIVED, u.reception.pk),
        (Action.START, Status.RECEIVED, Status.IN_PROGRESS, u.reception.pk),
    ]


def test_refusal_at_intake_needs_a_reason_ends_the_dossier_and_tells_the_applicant(
    world, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    u = world.users
    dossier = submit(world, applicant, at(2025, 3, 3, 9, 0))
    before = state(dossier)

    with pytest.raises(DossierError, match="lý do"):
        act(
            at(2025, 3, 3, 10, 0),
            services.dossier_refuse_intake,
            dossier=dossier,
            user=u.reception,
            reason="   ",
        )
    assert state(dossier) == before

    reason = "Thủ tục không thuộc thẩm quyền của quận; đề nghị nộp tại Sở Xây dựng."
    with django_capture_on_commit_callbacks(execute=True):
        dossier = act(
            at(2025, 3, 3, 10, 0),
            services.dossier_refuse_intake,
            dossier=dossier,
            user=u.reception,
            reason=reason,
        )

    assert dossier.status == Status.REJECTED
    assert dossier.finished_at == at(2025, 3, 3, 10, 0)
    assert dossier.received_at is None and dossier.due_at is None
    event = dossier.events.last()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        Action.REFUSE_INTAKE,
        Status.SUBMITTED,
        Status.REJECTED,
        reason,
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["binh@example.vn"]
    assert reason in mailoutbox[0].body


def test_supplement_requested_at_intake_returns_the_dossier_to_submitted(world, applicant):
    u = world.users
    dossier = submit(world, applicant, at(2025, 3, 3, 9, 0))

    # when: the counter asks for a missing drawing before accepting (Mon 3/3 10:00) …
    dossier = act(
        at(2025, 3, 3, 10, 0),
        services.dossier_request_supplement,
        dossier=dossier,
        user=u.reception,
        items=["Bản vẽ mặt bằng tầng 1"],
        expected_version=dossier.version,
    )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.paused_from == Status.SUBMITTED
    assert dossier.pauses.get().ended_at is None
    # … and the citizen supplements online on Wed 5/3 14:00
    dossier = act(
        at(2025, 3, 5, 14, 0), services.dossier_supplement, dossier=dossier, user=u.citizen
    )

    # then: back to intake, no clock running yet
    assert dossier.status == Status.SUBMITTED
    assert dossier.paused_from == ""
    assert dossier.pauses.get().ended_at == at(2025, 3, 5, 14, 0)
    assert dossier.received_at is None and dossier.due_at is None

    # when: accepted on Thu 6/3 09:00; the intake wait lies before receipt and moves nothing
    dossier = act(at(2025, 3, 6, 9, 0), services.dossier_accept, dossier=dossier, user=u.reception)
    # 15 working days after Thu 6/3: 7 | 10–14 | 17–21 | 24 25 26 27 → Thu 27/3 17:00
    assert dossier.due_at == at(2025, 3, 27, 17, 0)

    # then: intake guidance is not the one supplement request allowed during processing
    # (QĐ 766 §2.1 counts requests made while the dossier is being processed)
    assert dossier.supplement_count == 0
    dossier = act(
        at(2025, 3, 7, 9, 0),
        services.dossier_request_supplement,
        dossier=dossier,
        user=u.spec1,
        items=["Bản vẽ mặt cắt"],
    )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.supplement_count == 1 and not dossier.late_by_rule


# --------------------------------------------------------------------------- processing


def test_return_to_the_previous_step_goes_back_to_the_officer_who_handled_it(
    world, applicant, documents
):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    first = dossier.current_step
    dossier = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_forward,
        dossier=dossier,
        user=u.spec1,
        assignee=u.spec2,
    )
    second = dossier.current_step

    with pytest.raises(DossierError, match="lý do"):
        act(
            at(2025, 3, 5, 9, 0),
            services.dossier_return_previous,
            dossier=dossier,
            user=u.spec2,
            reason="",
        )

    # when: the consultation officer sends it back on Wed 5/3 09:00
    dossier = act(
        at(2025, 3, 5, 9, 0),
        services.dossier_return_previous,
        dossier=dossier,
        user=u.spec2,
        reason="Thiếu đánh giá chỉ giới xây dựng.",
    )

    # then: a new pass of step 1, for spec1 who handled it (round robin would now pick spec2,
    # who never had this step), with a fresh step deadline
    again = dossier.current_step
    assert again.pk not in (first.pk, second.pk)
    assert (again.index, again.name, again.assignee) == (0, "Thẩm định hồ sơ", u.spec1)
    assert again.started_at == at(2025, 3, 5, 9, 0)
    # 8 working days after Wed 5/3: 6 7 | 10 11 12 13 14 | 17 → Mon 17/3 17:00
    assert again.due_at == at(2025, 3, 17, 17, 0)
    second.refresh_from_db()
    assert (second.state, second.finished_at) == (StepState.RETURNED, at(2025, 3, 5, 9, 0))
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.due_at == at(2025, 3, 24, 17, 0)  # the dossier's deadline does not move
    event = dossier.events.last()
    assert (event.action, event.step_id, event.to_step_id, event.note) == (
        Action.RETURN_PREVIOUS,
        second.pk,
        again.pk,
        "Thiếu đánh giá chỉ giới xây dựng.",
    )

    # then: back at the first step there is no step before it to return to
    before = state(dossier)
    with pytest.raises(DossierError, match="bước đầu tiên"):
        act(
            at(2025, 3, 6, 9, 0),
            services.dossier_return_previous,
            dossier=dossier,
            user=u.spec1,
            reason="Thử trả lại.",
        )
    assert state(dossier) == before


def test_transfer_to_another_unit_continues_the_next_steps_there(world, applicant, documents):
    u, units = world.users, world.units
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    first = dossier.current_step

    with pytest.raises(DossierError, match="chính đơn vị"):
        act(
            at(2025, 3, 4, 9, 0),
            services.dossier_transfer,
            dossier=dossier,
            user=u.spec1,
            to_unit=units.d,
        )

    # when: Hồng Bàng transfers it to Lê Chân on Tue 4/3 09:00, choosing its step 2
    dossier = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_transfer,
        dossier=dossier,
        user=u.spec1,
        to_unit=units.d2,
        to_step=1,
        assignee=u.other_spec,
        note="Thửa đất thuộc địa bàn quận Lê Chân.",
    )

    # then: the receiving unit stays, the handling unit changes, step 2 starts at Lê Chân
    assert (dossier.unit, dossier.current_unit) == (units.d, units.d2)
    first.refresh_from_db()
    assert (first.state, first.finished_at) == (StepState.TRANSFERRED, at(2025, 3, 4, 9, 0))
    step = dossier.current_step
    assert (step.index, step.unit, step.assignee) == (1, units.d2, u.other_spec)
    # 3 working days after Tue 4/3: 5 6 7 → Fri 7/3 17:00
    assert step.due_at == at(2025, 3, 7, 17, 0)
    assert step.consultations.count() == 2
    assert dossier.due_at == at(2025, 3, 24, 17, 0)
    event = dossier.events.last()
    assert (event.action, event.unit, event.data) == (
        Action.TRANSFER,
        units.d2,
        {"from_unit": D_CODE, "to_unit": "000.00.32.H27", "to_step": 1},
    )

    # then: Hồng Bàng's officers no longer act on it; Lê Chân's do
    with pytest.raises(ActionForbidden):
        act(
            at(2025, 3, 5, 9, 0),
            services.dossier_suspend,
            dossier=dossier,
            user=u.spec1,
            reason="Chờ ý kiến.",
        )
    dossier = act(
        at(2025, 3, 5, 9, 0),
        services.consultation_answer,
        dossier=dossier,
        user=u.sxd_spec,
        answer="Thống nhất.",
    )
    dossier = act(
        at(2025, 3, 5, 10, 0), services.dossier_forward, dossier=dossier, user=u.other_spec
    )
    assert (dossier.current_step.index, dossier.current_step.unit) == (2, units.d2)


def test_suspend_and_resume_move_due_moments_by_the_paused_office_time(world, applicant, documents):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    # received Mon 3/3 09:00: dossier due Mon 24/3 17:00, step 1 due Thu 13/3 17:00
    assert dossier.due_at == at(2025, 3, 24, 17, 0)
    assert dossier.current_step.due_at == at(2025, 3, 13, 17, 0)

    with pytest.raises(DossierError, match="lý do"):
        act(
            at(2025, 3, 4, 15, 0),
            services.dossier_suspend,
            dossier=dossier,
            user=u.spec1,
            reason=" ",
        )
    dossier = act(
        at(2025, 3, 4, 15, 0),
        services.dossier_suspend,
        dossier=dossier,
        user=u.spec1,
        reason="Chờ cơ quan thuế xác định nghĩa vụ tài chính.",
    )
    assert dossier.status == Status.SUSPENDED and dossier.paused_from == Status.IN_PROGRESS
    assert dossier.due_at == at(2025, 3, 24, 17, 0)  # nothing moves while paused

    dossier = act(at(2025, 3, 6, 10, 0), services.dossier_resume, dossier=dossier, user=u.spec1)

    # paused office time: Tue 4/3 15:00–17:00 (2 h) + Wed 5/3 (8 h) + Thu 6/3 07:30–10:00 (2.5 h)
    # = 12.5 h. Dossier: 24/3 17:00 + 12.5 h → Tue 25/3 (8 h) → Wed 26/3 07:30–11:30 (4 h)
    # → 13:00 + 0.5 h = 13:30
    assert dossier.status == Status.IN_PROGRESS and dossier.paused_from == ""
    assert dossier.due_at == at(2025, 3, 26, 13, 30)
    # step: 13/3 17:00 + 12.5 h → Fri 14/3 (8 h) → Mon 17/3 4 h + 0.5 h → 13:30
    assert dossier.current_step.due_at == at(2025, 3, 17, 13, 30)
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.kind, pause.started_at, pause.ended_at) == (
        "suspend",
        at(2025, 3, 4, 15, 0),
        at(2025, 3, 6, 10, 0),
    )
    event = dossier.events.last()
    assert (event.action, event.from_status, event.to_status) == (
        Action.RESUME,
        Status.SUSPENDED,
        Status.IN_PROGRESS,
    )
    assert event.data == {
        "due_before": at(2025, 3, 24, 17, 0).isoformat(),
        "due_after": at(2025, 3, 26, 13, 30).isoformat(),
    }


def _pause_for(kind, world, dossier):
    u = world.users
    if kind == "suspend":
        return act(
            at(2025, 3, 4, 10, 0),
            services.dossier_suspend,
            dossier=dossier,
            user=u.spec1,
            reason="Chờ cơ quan thuế.",
        )
    if kind == "supplement":
        return act(
            at(2025, 3, 4, 10, 0),
            services.dossier_request_supplement,
            dossier=dossier,
            user=u.spec1,
            items=["Bản vẽ mặt đứng"],
        )
    return dossier


@pytest.mark.parametrize(
    ("ending", "paused_by", "actor", "target"),
    [
        (services.dossier_refuse, None, "spec1", Status.REJECTED),
        (services.dossier_stop, "suspend", "spec1", Status.STOPPED),
        (services.dossier_withdraw, "supplement", "citizen", Status.WITHDRAWN),
    ],
    ids=["refuse-in-progress", "stop-suspended", "withdraw-supplement-requested"],
)
def test_endings_set_finished_at_and_close_the_open_step_and_pause(
    world, applicant, documents, ending, paused_by, actor, target
):
    u = world.users
    # given: the applicant has a citizen account; received Mon 3/3 09:00 (due Mon 24/3 17:00)
    dossier = receive(
        world, {**applicant, "applicant_user": u.citizen}, documents, at(2025, 3, 3, 9, 0)
    )
    step = dossier.current_step
    dossier = _pause_for(paused_by, world, dossier)
    before = state(dossier)

    with pytest.raises(DossierError, match="lý do"):
        act(at(2025, 3, 5, 10, 0), ending, dossier=dossier, user=getattr(u, actor), reason="")
    assert state(dossier) == before

    dossier = act(
        at(2025, 3, 5, 10, 0),
        ending,
        dossier=dossier,
        user=getattr(u, actor),
        reason="Lý do được ghi rõ.",
    )

    assert dossier.status == target
    assert dossier.finished_at == at(2025, 3, 5, 10, 0)
    assert dossier.due_at == at(2025, 3, 24, 17, 0)  # kept for the on-time indicator
    step.refresh_from_db()
    assert (step.state, step.finished_at) == (StepState.DONE, at(2025, 3, 5, 10, 0))
    assert not dossier.pauses.filter(ended_at=None).exists()
    if paused_by:
        assert dossier.pauses.get().ended_at == at(2025, 3, 5, 10, 0)
    event = dossier.events.last()
    assert (event.from_status, event.to_status, event.note) == (
        before["status"],
        target,
        "Lý do được ghi rõ.",
    )


def test_apology_keeps_due_at_and_records_a_later_date(world, applicant, documents):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))  # due Mon 24/3 17:00
    before = state(dossier)

    with pytest.raises(DossierError, match="phải sau"):
        act(
            at(2025, 3, 20, 10, 0),
            services.dossier_apologize,
            dossier=dossier,
            user=u.spec1,
            new_due_at=at(2025, 3, 24, 17, 0),
            reason="Chờ kết quả đo đạc.",
        )
    with pytest.raises(DossierError, match="lý do"):
        act(
            at(2025, 3, 20, 10, 0),
            services.dossier_apologize,
            dossier=dossier,
            user=u.spec1,
            new_due_at=at(2025, 3, 28, 17, 0),
            reason="",
        )
    assert state(dossier) == before

    dossier = act(
        at(2025, 3, 20, 10, 0),
        services.dossier_apologize,
        dossier=dossier,
        user=u.spec1,
        new_due_at=at(2025, 3, 28, 17, 0),
        reason="Chờ kết quả đo đạc.",
    )

    assert dossier.due_at == at(2025, 3, 24, 17, 0)  # unchanged for QĐ 766 §2.1
    assert dossier.apology_due_at == at(2025, 3, 28, 17, 0)
    assert dossier.status == Status.IN_PROGRESS
    event = dossier.events.last()
    assert (event.action, event.data) == (
        Action.APOLOGIZE,
        {"new_due_at": at(2025, 3, 28, 17, 0).isoformat()},
    )


def test_second_supplement_request_needs_the_leaders_override_and_counts_late(
    world, applicant, documents
):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    dossier = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_request_supplement,
        dossier=dossier,
        user=u.spec1,
        items=["Bản vẽ mặt bằng"],
    )
    dossier = act(
        at(2025, 3, 5, 9, 0), services.dossier_supplement, dossier=dossier, user=u.reception
    )
    assert dossier.supplement_count == 1 and not dossier.late_by_rule
    before = state(dossier)

    # when: the specialist asks a second time, with or without claiming an override
    with pytest.raises(DossierError, match="một lần"):
        act(
            at(2025, 3, 6, 9, 0),
            services.dossier_request_supplement,
            dossier=dossier,
            user=u.spec1,
            items=["Bản vẽ mặt cắt"],
        )
    with pytest.raises(ActionForbidden, match="lãnh đạo"):
        act(
            at(2025, 3, 6, 9, 0),
            services.dossier_request_supplement,
            dossier=dossier,
            user=u.spec1,
            items=["Bản vẽ mặt cắt"],
            override=True,
        )
    assert state(dossier) == before

    # when: at the leader's step, the leader asks without, then with the override
    dossier = to_leader_step(
        world,
        dossier,
        forward_at=at(2025, 3, 6, 9, 0),
        answer_at=at(2025, 3, 6, 10, 0),
        second_forward_at=at(2025, 3, 6, 11, 0),
    )
    before = state(dossier)
    with pytest.raises(DossierError, match="một lần"):
        act(
            at(2025, 3, 7, 9, 0),
            services.dossier_request_supplement,
            dossier=dossier,
            user=u.leader,
            items=["Bản vẽ mặt cắt"],
        )
    assert state(dossier) == before
    dossier = act(
        at(2025, 3, 7, 9, 0),
        services.dossier_request_supplement,
        dossier=dossier,
        user=u.leader,
        items=["Bản vẽ mặt cắt"],
        override=True,
    )

    # then: allowed, and the dossier counts as late whatever its end (QĐ 766 §2.1)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.supplement_count == 2 and dossier.late_by_rule
    assert dossier.events.last().data == {"items": ["Bản vẽ mặt cắt"], "count": 2}


def test_closing_old_training_dossiers_stops_them_and_ends_their_open_work(
    world, applicant, documents
):
    u = world.users
    # given: a training dossier waiting for a supplement since Tue 4/3, and a recent one
    old = receive(world, applicant, documents, at(2025, 3, 3, 9, 0), is_training=True)
    old = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_request_supplement,
        dossier=old,
        user=old.current_step.assignee,
        items=["Bản vẽ"],
    )
    recent = receive(world, applicant, documents, at(2025, 3, 20, 9, 0), is_training=True)
    real = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))

    # when: an administrator closes those received more than 30 days ago, on Thu 10/4
    closed = act(at(2025, 4, 10, 9, 0), services.dossiers_close_training, user=u.admin)

    # then: only the old training dossier, its step and pause ended then
    assert closed == 1
    old.refresh_from_db()
    assert (old.status, old.finished_at) == (Status.STOPPED, at(2025, 4, 10, 9, 0))
    assert old.steps.get().state == StepState.DONE
    assert old.pauses.get().ended_at == at(2025, 4, 10, 9, 0)
    event = old.events.last()
    assert (event.action, event.actor, event.data) == (Action.CLOSE_TRAINING, u.admin, {})
    recent.refresh_from_db()
    real.refresh_from_db()
    assert recent.status == real.status == Status.IN_PROGRESS


# --------------------------------------------------------------------------- routing


@pytest.fixture
def conditional(world):
    """Area above 500 m² goes to the Sở Xây dựng before the leader signs."""
    specialist, leader = [Role.SPECIALIST], [Role.UNIT_LEADER]
    return make_procedure(
        world,
        "1.009995",
        "Cấp giấy phép xây dựng (theo diện tích)",
        [
            (
                "Thẩm định hồ sơ",
                specialist,
                2,
                {"actions": ["forward"], "assignment": "round_robin"},
            ),
            (
                "Sở Xây dựng thẩm định",
                specialist,
                3,
                {
                    "actions": ["forward"],
                    "assignment": "round_robin",
                    "unit_mode": "fixed",
                    "unit": world.units.sxd,
                    "condition_field": "area",
                    "condition_op": ">",
                    "condition_value": "500",
                },
            ),
            ("Lãnh đạo ký", leader, 1, {"actions": ["issue_result"]}),
        ],
    )


@pytest.mark.parametrize(
    ("form_data", "expected"),
    [
        ({"area": "650.5"}, (1, "Sở Xây dựng thẩm định", "sxd")),
        ({"area": 500}, (2, "Lãnh đạo ký", "d")),
        ({"area": "120"}, (2, "Lãnh đạo ký", "d")),
        ({}, (2, "Lãnh đạo ký", "d")),  # no data: the conditional step is skipped
    ],
    ids=["650.5-taken", "500-skipped", "120-skipped", "missing-skipped"],
)
def test_conditional_step_is_taken_or_skipped_by_form_data(
    world, applicant, conditional, form_data, expected
):
    dossier = receive(
        world, applicant, [], at(2025, 3, 3, 9, 0), procedure=conditional, form_data=form_data
    )
    dossier = act(
        at(2025, 3, 4, 9, 0), services.dossier_forward, dossier=dossier, user=world.users.spec1
    )
    index, name, unit = expected
    step = dossier.current_step
    assert (step.index, step.name, step.unit) == (index, name, getattr(world.units, unit))
    if unit == "sxd":
        assert step.assignee == world.users.sxd_spec
        assert step.due_at == at(2025, 3, 7, 17, 0)  # 3 working days after Tue 4/3: 5 6 7


def test_step_units_resolve_relative_to_the_receiving_unit(world, applicant):
    u, units = world.users, world.units
    # given: a ward under Hồng Bàng with its own counter and specialist
    ward = make_unit(
        "000.31.01.H27", "Ủy ban nhân dân phường Hoàng Văn Thụ", world.levels["commune"], units.d
    )
    ward_reception, ward_spec = make_user("motcua.phuong"), make_user("chuyenvien.phuong")
    make_membership(ward_reception, ward, Role.RECEPTION_OFFICER)
    make_membership(ward_spec, ward, Role.SPECIALIST)
    rr = {"actions": ["forward"], "assignment": "round_robin"}
    procedure = make_procedure(
        world,
        "1.000001",
        "Thủ tục liên cấp",
        [
            ("Phường thẩm tra", [Role.SPECIALIST], 1, rr),
            ("Quận thẩm định", [Role.SPECIALIST], 1, {**rr, "unit_mode": "parent"}),
            (
                "Thành phố phê duyệt",
                [Role.UNIT_LEADER],
                1,
                {**rr, "unit_mode": "level", "level": world.levels["province"]},
            ),
            (
                "Sở Xây dựng cho ý kiến",
                [Role.SPECIALIST],
                1,
                {
                    "actions": ["issue_result"],
                    "assignment": "round_robin",
                    "unit_mode": "fixed",
                    "unit": units.sxd,
                },
            ),
        ],
        units=[ward],
    )

    dossier = receive(
        world,
        applicant,
        [],
        at(2025, 3, 3, 9, 0),
        procedure=procedure,
        unit=ward,
        user=ward_reception,
    )
    seen = [(dossier.current_step.unit, dossier.current_step.assignee)]
    for officer, day in ((ward_spec, 4), (u.spec1, 5), (u.city_leader, 6)):
        dossier = act(
            at(2025, 3, day, 9, 0), services.dossier_forward, dossier=dossier, user=officer
        )
        seen.append((dossier.current_step.unit, dossier.current_step.assignee))

    assert seen == [
        (ward, ward_spec),  # receiving: the ward itself
        (units.d, u.spec1),  # parent: the district
        (units.p, u.city_leader),  # level "province": nearest ancestor of that level
        (units.sxd, u.sxd_spec),  # fixed: the department
    ]


def test_step_unit_errors_name_the_missing_unit(world):
    spec = StepSpec(
        index=0,
        name="Cấp trên",
        unit_mode="parent",
        unit="",
        level="",
        roles=(),
        amount=Decimal(1),
        time_unit="working_days",
        actions=(),
        condition=None,
        assignment="manual",
        consult_units=(),
        required_answers=0,
    )
    with pytest.raises(WorkflowError, match="không có đơn vị cấp trên"):
        step_unit(spec, world.units.p)
    fixed = StepSpec(**{**spec.__dict__, "unit_mode": "fixed", "unit": "000.99.99.H27"})
    with pytest.raises(WorkflowError, match="000.99.99.H27"):
        step_unit(fixed, world.units.d)
    level = StepSpec(**{**spec.__dict__, "unit_mode": "level", "level": "commune"})
    with pytest.raises(WorkflowError, match="commune"):
        step_unit(level, world.units.d)


# --------------------------------------------------------------------------- assignment


def test_round_robin_alternates_between_the_specialists(world, applicant, documents):
    assignees = [
        receive(world, applicant, documents, at(2025, 3, 3, 9, minute)).current_step.assignee
        for minute in (0, 5, 10, 15)
    ]
    u = world.users
    assert assignees == [u.spec1, u.spec2, u.spec1, u.spec2]


def test_round_robin_on_one_moment_still_alternates(world, applicant, documents):
    # given: every reception at the same frozen moment (ties on the last assignment time)
    assignees = [
        receive(world, applicant, documents, at(2025, 3, 3, 9, 0)).current_step.assignee
        for _ in range(3)
    ]
    u = world.users
    # never assigned (spec2) comes before assigned at 09:00 (spec1); then a tie goes by id
    assert assignees == [u.spec1, u.spec2, u.spec1]


@pytest.fixture
def least_loaded(world):
    return make_procedure(
        world,
        "1.000002",
        "Thủ tục phân công theo khối lượng",
        [
            (
                "Xử lý",
                [Role.SPECIALIST, Role.SUPERVISOR],
                2,
                {"actions": ["forward"], "assignment": "least_loaded"},
            ),
        ],
        amount=2,
    )


@pytest.mark.parametrize(
    "second_membership", [False, True], ids=["one-membership", "two-matching-memberships"]
)
def test_least_loaded_picks_the_officer_with_fewer_open_steps(
    world, applicant, documents, least_loaded, second_membership
):
    u = world.users
    # given: spec1 has two open steps, spec2 one (and possibly two roles the step accepts,
    # which must not count its work twice)
    for officer in (u.spec1, u.spec1, u.spec2):
        receive(world, applicant, documents, at(2025, 3, 3, 9, 0), assignee=officer)
    if second_membership:
        make_membership(u.spec2, world.units.d, Role.SUPERVISOR, scope="unit")

    dossier = receive(world, applicant, [], at(2025, 3, 3, 10, 0), procedure=least_loaded)

    assert dossier.current_step.assignee == u.spec2


def test_a_chosen_assignee_must_hold_a_role_of_the_step(world, applicant, documents):
    from motcua.dossiers.models import Dossier

    with pytest.raises(DossierError, match="không có vai trò"):
        receive(world, applicant, documents, at(2025, 3, 3, 9, 0), assignee=world.users.clerk)
    assert not Dossier.objects.exists()


# --------------------------------------------------------------------------- concurrency


def test_stale_expected_version_raises_a_conflict_naming_who_and_when(world, applicant, documents):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    seen = dossier.version
    dossier = act(
        at(2025, 3, 4, 10, 15),
        services.dossier_suspend,
        dossier=dossier,
        user=u.spec1,
        reason="Chờ cơ quan thuế.",
        expected_version=seen,
    )
    before = state(dossier)

    # when: another screen still showing version *seen* tries to forward
    with pytest.raises(DossierConflict, match=r"đã được .*Tuấn.* thay đổi lúc 10:15"):
        act(
            at(2025, 3, 4, 10, 20),
            services.dossier_resume,
            dossier=dossier,
            user=u.spec1,
            expected_version=seen,
        )

    assert state(dossier) == before
    # the current version goes through
    dossier = act(
        at(2025, 3, 4, 10, 20),
        services.dossier_resume,
        dossier=dossier,
        user=u.spec1,
        expected_version=before["version"],
    )
    assert dossier.version == before["version"] + 1


# --------------------------------------------------------------------------- events


def test_events_record_actor_delegation_and_states_and_are_never_updated(
    world, applicant, documents
):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    # given: spec1 is away on Tue 4/3; spec2 works on spec1's dossiers that day
    Delegation.objects.create(
        delegator=u.spec1, delegate=u.spec2, starts_on=date(2025, 3, 4), ends_on=date(2025, 3, 4)
    )
    first = dossier.current_step

    # outside the delegation spec2 may not act on spec1's step
    before = state(dossier)
    with pytest.raises(ActionForbidden, match="đang được giao"):
        act(at(2025, 3, 3, 15, 0), services.dossier_forward, dossier=dossier, user=u.spec2)
    assert state(dossier) == before

    dossier = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_forward,
        dossier=dossier,
        user=u.spec2,
        note="Thay chuyên viên Tuấn.",
    )

    event = dossier.events.last()
    assert (event.action, event.actor, event.on_behalf_of) == (Action.FORWARD, u.spec2, u.spec1)
    assert (event.from_status, event.to_status) == (Status.IN_PROGRESS, Status.IN_PROGRESS)
    assert (event.step, event.to_step, event.unit) == (first, dossier.current_step, world.units.d)
    assert event.created_at == at(2025, 3, 4, 9, 0)
    assert event.data == {"from_step": 0, "to_step": 1, "step_late": False}
    assert dossier.updated_by == u.spec2

    # then: history is append-only
    event.note = "sửa lịch sử"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.note == "Thay chuyên viên Tuấn."


def test_every_change_appends_exactly_one_event_with_the_version(world, applicant, documents):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    assert (dossier.version, dossier.events.count()) == (1, 2)  # RECEIVE + START
    dossier = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_suspend,
        dossier=dossier,
        user=u.spec1,
        reason="Chờ thuế.",
    )
    dossier = act(at(2025, 3, 5, 9, 0), services.dossier_resume, dossier=dossier, user=u.spec1)
    assert (dossier.version, dossier.events.count()) == (3, 4)
    assert DossierEvent.objects.filter(dossier=dossier, actor=u.spec1).count() == 2


# --------------------------------------------------------------------------- e-mail


def test_supplement_request_e_mails_the_applicant_the_items_after_commit(
    world, applicant, documents, mailoutbox, django_capture_on_commit_callbacks
):
    u = world.users
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = act(
            at(2025, 3, 4, 9, 0),
            services.dossier_request_supplement,
            dossier=dossier,
            user=u.spec1,
            items=["Bản vẽ mặt bằng tầng 2", "Giấy chứng nhận QSDĐ"],
        )
        assert mailoutbox == []  # nothing is sent inside the transaction
    # the outbox delivery writes the notification, whose own commit queues the sending
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    # the receipt's notice, still queued, goes out in the same delivery run
    supplement = [m for m in mailoutbox if "bổ sung" in m.subject]
    assert len(supplement) == 1
    mail = supplement[0]
    assert mail.to == ["binh@example.vn"]
    assert dossier.code in mail.subject
    assert "Bản vẽ mặt bằng tầng 2" in mail.body and "Giấy chứng nhận QSDĐ" in mail.body


def test_no_e_mail_without_an_applicant_address(
    world, applicant, documents, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = receive(world, {**applicant, "applicant_email": ""}, documents, at(2025, 3, 3, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        act(
            at(2025, 3, 4, 9, 0),
            services.dossier_request_supplement,
            dossier=dossier,
            user=world.users.spec1,
            items=["Bản vẽ"],
        )
    assert mailoutbox == []


def test_delivery_choice_and_account_link_are_audited_without_changing_state(
    world, applicant, documents
):
    u = world.users
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        dossier = services.dossier_receive(
            user=u.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
        )
        # a counter dossier has no account: the citizen links it once (after proving the code)
        dossier = services.dossier_link_account(dossier=dossier, user=u.citizen, proof="phone")
        with pytest.raises(services.ActionForbidden, match="đã được gắn"):
            services.dossier_link_account(dossier=dossier, user=u.other_spec, proof="phone")
        # the procedure is only partly online: no online delivery; post needs an address
        with pytest.raises(services.DossierError, match="không trả kết quả trực tuyến"):
            services.dossier_set_delivery(dossier=dossier, user=u.citizen, delivery="online")
        with pytest.raises(services.DossierError, match="địa chỉ"):
            services.dossier_set_delivery(dossier=dossier, user=u.citizen, delivery="post")
        dossier = services.dossier_set_delivery(
            dossier=dossier, user=u.citizen, delivery="post", address="12 Lý Tự Trọng"
        )

    dossier.refresh_from_db()
    assert (dossier.applicant_user, dossier.delivery, dossier.delivery_address) == (
        u.citizen,
        "post",
        "12 Lý Tự Trọng",
    )
    assert dossier.status == Status.IN_PROGRESS
    events = list(dossier.events.values_list("action", "actor", "from_status", "to_status"))
    assert events[-2:] == [
        (Action.LINK_ACCOUNT, u.citizen.pk, Status.IN_PROGRESS, Status.IN_PROGRESS),
        (Action.SET_DELIVERY, u.citizen.pk, Status.IN_PROGRESS, Status.IN_PROGRESS),
    ]
