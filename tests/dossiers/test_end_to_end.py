"""Receive → 3 steps with a parallel consultation → supplement → resume → approve → return.

Every due moment is computed by hand on the default calendar (Mon–Fri 07:30–11:30, 13:00–17:00,
8 office hours a day), with Civil Code Art. 147 counting for working days.
"""

from datetime import date

import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.states import Action, Status
from tests.builders import at


def test_full_lifecycle_with_hand_computed_deadlines(world, applicant, documents):
    u = world.users
    # given: Monday 3 March 2025, 09:00, at the Hồng Bàng counter
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        dossier = services.dossier_receive(
            user=u.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
            form_data={"area": "120"},
        )
    # then: code, status, due = end of the 15th working day after Mon 3/3 → Mon 24/3 17:00
    assert dossier.code == "000.00.31.H27-250303-0001"
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.due_at == at(2025, 3, 24, 17, 0)
    step1 = dossier.current_step
    assert step1.name == "Thẩm định hồ sơ"
    assert step1.assignee == u.spec1  # round robin: nobody assigned yet → lowest id
    assert step1.due_at == at(2025, 3, 13, 17, 0)  # 8 working days after Mon 3/3

    # when: the specialist asks for a supplement on Wed 5/3 10:00, citizen supplements Fri 7/3 14:00
    with time_machine.travel(at(2025, 3, 5, 10, 0), tick=False):
        dossier = services.dossier_request_supplement(
            dossier=dossier,
            user=u.spec1,
            items=["Bản vẽ mặt bằng tầng 2"],
            expected_version=dossier.version,
        )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    with time_machine.travel(at(2025, 3, 7, 14, 0), tick=False):
        dossier = services.dossier_supplement(dossier=dossier, user=u.reception)
    # paused office time: Wed 10:00–11:30, 13:00–17:00 (5.5h) + Thu (8h) + Fri 07:30–11:30,
    # 13:00–14:00 (5h) = 18.5h; 24/3 17:00 + 18.5h → Tue 25/3 (8h), Wed 26/3 (8h), Thu 27/3
    # 07:30 + 2.5h = 10:00
    assert dossier.status == Status.IN_PROGRESS
    assert dossier.due_at == at(2025, 3, 27, 10, 0)
    # the step: 13/3 17:00 + 18.5h → Fri 14/3, Mon 17/3, Tue 18/3 10:00
    assert dossier.current_step.due_at == at(2025, 3, 18, 10, 0)

    # when: forward to the consultation step on Mon 10/3 09:00
    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):
        dossier = services.dossier_forward(
            dossier=dossier, user=u.spec1, expected_version=dossier.version, assignee=u.spec2
        )
    step2 = dossier.current_step
    assert step2.name == "Lấy ý kiến các sở" and step2.assignee == u.spec2
    assert step2.due_at == at(2025, 3, 13, 17, 0)  # 3 working days after Mon 10/3
    assert step2.consultations.count() == 2

    # then: forwarding before any answer is refused, one answer of two suffices (N=1 of M=2)
    import pytest

    with pytest.raises(services.DossierError, match="cần 1 ý kiến"):
        services.dossier_forward(dossier=dossier, user=u.spec2)
    with time_machine.travel(at(2025, 3, 11, 8, 0), tick=False):
        dossier = services.consultation_answer(
            dossier=dossier, user=u.sxd_spec, answer="Đồng ý về quy hoạch."
        )
    with time_machine.travel(at(2025, 3, 11, 15, 0), tick=False):
        dossier = services.dossier_forward(dossier=dossier, user=u.spec2)
    step3 = dossier.current_step
    assert step3.name == "Lãnh đạo phê duyệt, ký"
    assert step3.due_at == at(2025, 3, 13, 17, 0)  # 2 working days after Tue 11/3

    # when: the leader signs on Wed 12/3 10:00, the counter returns it on Thu 13/3 08:00
    with time_machine.travel(at(2025, 3, 12, 10, 0), tick=False):
        dossier = services.dossier_issue_result(
            dossier=dossier, user=u.leader, result_number="125/GPXD", result_date=date(2025, 3, 12)
        )
    assert dossier.status == Status.RESULT_READY
    assert dossier.finished_at == at(2025, 3, 12, 10, 0)
    with time_machine.travel(at(2025, 3, 13, 8, 0), tick=False):
        dossier = services.dossier_return_result(
            dossier=dossier, user=u.reception, delivery="counter"
        )
    assert dossier.status == Status.RETURNED

    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions == [
        Action.RECEIVE,
        Action.START,
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLEMENT,
        Action.FORWARD,
        Action.ANSWER_CONSULTATION,
        Action.FORWARD,
        Action.ISSUE_RESULT,
        Action.RETURN_RESULT,
    ]
    steps = list(dossier.steps.order_by("started_at").values_list("name", "state"))
    assert steps == [
        ("Thẩm định hồ sơ", "done"),
        ("Lấy ý kiến các sở", "done"),
        ("Lãnh đạo phê duyệt, ký", "done"),
    ]
