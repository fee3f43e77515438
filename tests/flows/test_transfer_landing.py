"""Issue 16, 1: a transfer (liên thông) lands on a step the receiving unit can work.

The officer chooses the step, by default the first step of the workflow; a step nobody there can
work (no active officer of the receiving unit holds its role) is refused with who is missing; a
dossier whose open step nobody can work is flagged to the unit's administrators.
"""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, StepState
from motcua.dossiers.services import DossierError
from motcua.notifications.models import Notification
from motcua.units.models import Membership
from tests.flows.conftest import act, receive

pytestmark = pytest.mark.django_db


def test_a_transfer_lands_on_the_first_step_of_the_workflow_by_default(world, applicant, documents):
    d = receive(world, applicant, documents)
    # when: Hồng Bàng transfers it from its appraisal step, choosing no step
    d = act(
        (2025, 3, 4, 9, 0),
        services.dossier_transfer,
        dossier=d,
        user=world.users.spec1,
        to_unit=world.units.d2,
    )
    # then: Lê Chân appraises it from its first step, with its own specialist
    step = d.current_step
    assert (step.index, step.name, step.unit) == (0, "Thẩm định hồ sơ", world.units.d2)
    assert step.assignee == world.users.other_spec
    assert d.events.last().data["to_step"] == 0


def test_a_transfer_to_a_step_nobody_there_can_work_is_refused(world, applicant, documents):
    d = receive(world, applicant, documents)
    events = d.events.count()
    # when: the officer picks the leader's step, and Lê Chân has no leader
    with pytest.raises(DossierError) as refused:
        act(
            (2025, 3, 4, 9, 0),
            services.dossier_transfer,
            dossier=d,
            user=world.users.spec1,
            to_unit=world.units.d2,
            to_step=2,
        )
    # then: the message says where and who is missing; nothing changed
    message = str(refused.value)
    assert "Ủy ban nhân dân quận Lê Chân" in message
    assert "Lãnh đạo đơn vị" in message
    assert "Lãnh đạo phê duyệt, ký" in message
    d = Dossier.objects.get(pk=d.pk)
    assert d.current_unit == world.units.d
    assert d.current_step.state == StepState.OPEN
    assert d.events.count() == events


def test_an_inactive_officer_does_not_staff_the_landing_step(world, applicant, documents):
    Membership.objects.filter(user=world.users.other_spec).update(is_active=False)
    d = receive(world, applicant, documents)
    with pytest.raises(DossierError, match="không có cán bộ đang hoạt động"):
        act(
            (2025, 3, 4, 9, 0),
            services.dossier_transfer,
            dossier=d,
            user=world.users.spec1,
            to_unit=world.units.d2,
        )


def test_a_step_nobody_can_work_is_flagged_to_the_unit_administrator(world, applicant, documents):
    # given: Hồng Bàng's specialists have left the unit
    Membership.objects.filter(user__in=[world.users.spec1, world.users.spec2]).update(
        is_active=False
    )
    # when: a dossier is received there; its first step is the specialists'
    d = receive(world, applicant, documents)
    # then: the administrator (of the city, above the district) is told, on the desk, once
    flags = Notification.objects.filter(event="step_unstaffed")
    assert [n.recipient for n in flags] == [world.users.admin]
    flag = flags.get()
    assert d.code in flag.subject
    assert "Thẩm định hồ sơ" in flag.body
    assert "Chuyên viên xử lý" in flag.body


def test_a_staffed_step_raises_no_flag(world, applicant, documents):
    receive(world, applicant, documents)
    assert not Notification.objects.filter(event="step_unstaffed").exists()


def test_the_desk_offers_the_transfer_wherever_another_unit_can_take_it(
    world, applicant, documents, client
):
    d = receive(world, applicant, documents)
    client.force_login(world.users.spec1)
    page = client.get(f"/desk/dossiers/{d.pk}/").content.decode()
    assert 'data-action="transfer"' in page
    assert "Bước xử lý tại đơn vị nhận" in page
    # when: no other unit receives the procedure, there is nowhere to transfer it
    world.procedure.units.remove(world.units.d2)
    page = client.get(f"/desk/dossiers/{d.pk}/").content.decode()
    assert 'data-action="transfer"' not in page
