"""Delegation: "B on behalf of A" within the date range, refused outside it; the desk page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from motcua.dossiers import services
from motcua.dossiers.models import Delegation, DossierEvent
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.states import Action
from tests.builders import at

ADD = "/admin/dossiers/delegation/add/"
LIST = "/admin/dossiers/delegation/"


@pytest.fixture
def dossier(world, applicant, documents):
    """Received Mon 3 March 2025 09:00; step 1 is assigned to spec1 (round robin)."""
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        dossier = services.dossier_receive(
            user=world.users.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
        )
    assert dossier.current_step.assignee == world.users.spec1
    return dossier


def _delegate(world, starts_on, ends_on):
    return Delegation.objects.create(
        delegator=world.users.spec1,
        delegate=world.users.spec2,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client


# -- acting under a delegation ----------------------------------------------------------------


def test_a_delegate_acts_on_behalf_of_the_delegator_within_the_range(world, dossier):
    # given: spec1 delegates to spec2 from Mon 3 to Wed 5 March
    _delegate(world, date(2025, 3, 3), date(2025, 3, 5))
    # when: spec2 forwards spec1's step on Tue 4 March
    with time_machine.travel(at(2025, 3, 4, 10, 0), tick=False):
        services.dossier_forward(
            dossier=dossier, user=world.users.spec2, expected_version=dossier.version
        )
    # then: recorded as "spec2 on behalf of spec1"
    event = DossierEvent.objects.get(dossier=dossier, action=Action.FORWARD)
    assert event.actor == world.users.spec2
    assert event.on_behalf_of == world.users.spec1


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [(date(2025, 3, 3), date(2025, 3, 5)), (date(2025, 3, 7), date(2025, 3, 10))],
    ids=["ended", "not yet started"],
)
def test_outside_the_range_the_delegate_is_refused(world, dossier, starts_on, ends_on):
    _delegate(world, starts_on, ends_on)
    events = dossier.events.count()
    # when: Thu 6 March, outside both ranges
    thursday = time_machine.travel(at(2025, 3, 6, 10, 0), tick=False)
    with thursday, pytest.raises(ActionForbidden, match="đang được giao cho"):
        services.dossier_forward(dossier=dossier, user=world.users.spec2)
    # then: nothing happened
    dossier.refresh_from_db()
    assert dossier.events.count() == events
    assert dossier.version == 1
    assert dossier.current_step.name == "Thẩm định hồ sơ"


def test_the_delegator_is_told_what_the_delegate_did_in_their_name(world, dossier):
    from motcua.notifications.models import Notification

    _delegate(world, date(2025, 3, 3), date(2025, 3, 5))
    # when: spec2 forwards spec1's step on Tue 4 March, inside the range
    with time_machine.travel(at(2025, 3, 4, 10, 0), tick=False):
        services.dossier_forward(
            dossier=dossier, user=world.users.spec2, expected_version=dossier.version
        )
    # then: spec1 finds on the desk who did what, on which dossier, when
    told = Notification.objects.get(event="delegate_acted")
    assert (told.recipient, told.channel) == (world.users.spec1, "desk")
    assert told.subject == f"Vũ Văn Nam đã thay ông/bà xử lý hồ sơ {dossier.code}"
    assert "“Chuyển bước tiếp theo”" in told.body
    assert "04/03/2025" in told.body
    assert told.link == f"/desk/dossiers/{dossier.pk}/"


def test_an_officer_acting_on_their_own_step_tells_nobody(world, dossier):
    from motcua.notifications.models import Notification

    _delegate(world, date(2025, 3, 3), date(2025, 3, 5))
    with time_machine.travel(at(2025, 3, 4, 10, 0), tick=False):
        services.dossier_forward(dossier=dossier, user=world.users.spec1)
    assert not Notification.objects.filter(event="delegate_acted").exists()


def test_a_delegation_to_someone_else_gives_no_right(world, dossier):
    Delegation.objects.create(
        delegator=world.users.spec1,
        delegate=world.users.leader,
        starts_on=date(2025, 3, 3),
        ends_on=date(2025, 3, 5),
    )
    tuesday = time_machine.travel(at(2025, 3, 4, 10, 0), tick=False)
    with tuesday, pytest.raises(ActionForbidden):
        services.dossier_forward(dossier=dossier, user=world.users.spec2)


def test_the_dossier_page_shows_b_on_behalf_of_a(client, world, dossier):
    _delegate(world, date(2025, 3, 3), date(2025, 3, 5))
    with time_machine.travel(at(2025, 3, 4, 10, 0), tick=False):
        services.dossier_forward(dossier=dossier, user=world.users.spec2)
    body = (
        _login(client, world.users.leader)
        .get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
        .content.decode()
    )
    assert "Vũ Văn Nam thay mặt Lê Minh Tuấn" in body


# -- validation -------------------------------------------------------------------------------


def test_the_model_refuses_a_reversed_range_and_self_delegation(world):
    delegation = Delegation(
        delegator=world.users.spec1,
        delegate=world.users.spec1,
        starts_on=date(2025, 3, 5),
        ends_on=date(2025, 3, 3),
    )
    with pytest.raises(ValidationError) as caught:
        delegation.full_clean()
    assert caught.value.message_dict == {
        "ends_on": ["Ngày kết thúc ủy quyền không được trước ngày bắt đầu."],
        "delegate": ["Người được ủy quyền phải khác người ủy quyền."],
    }
    # a one-day delegation is fine
    Delegation(
        delegator=world.users.spec1,
        delegate=world.users.spec2,
        starts_on=date(2025, 3, 5),
        ends_on=date(2025, 3, 5),
    ).full_clean()


def test_an_officer_delegates_their_own_work_in_the_desk(client, world):
    _login(client, world.users.spec1)
    # when: the page is posted with somebody else as delegator (the field is locked to spec1)
    response = client.post(
        ADD,
        {
            "delegator": world.users.leader.pk,
            "delegate": world.users.spec2.pk,
            "starts_on": "2025-03-03",
            "ends_on": "2025-03-07",
            "note": "Nghỉ phép",
        },
    )
    # then
    assert response.status_code == 302, response.context["errors"]
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate) == (world.users.spec1, world.users.spec2)
    assert (delegation.starts_on, delegation.ends_on) == (date(2025, 3, 3), date(2025, 3, 7))


def test_a_reversed_date_range_is_a_vietnamese_form_error(client, world):
    _login(client, world.users.spec1)
    response = client.post(
        ADD,
        {
            "delegate": world.users.spec2.pk,
            "starts_on": "2025-03-07",
            "ends_on": "2025-03-03",
        },
    )
    assert response.status_code == 200
    assert "Ngày kết thúc ủy quyền không được trước ngày bắt đầu." in response.content.decode()
    assert not Delegation.objects.exists()


def test_an_administrator_cannot_make_someone_delegate_to_themselves(client, world):
    _login(client, world.users.admin)
    response = client.post(
        ADD,
        {
            "delegator": world.users.spec1.pk,
            "delegate": world.users.spec1.pk,
            "starts_on": "2025-03-03",
            "ends_on": "2025-03-07",
        },
    )
    assert response.status_code == 200
    assert "Người được ủy quyền phải khác người ủy quyền." in response.content.decode()
    assert not Delegation.objects.exists()


def test_an_officer_can_only_delegate_to_a_member_of_their_unit(client, world):
    _login(client, world.users.spec1)
    response = client.post(
        ADD,
        {
            "delegate": world.users.other_spec.pk,
            "starts_on": "2025-03-03",
            "ends_on": "2025-03-07",
        },
    )
    assert response.status_code == 200
    assert "delegate" in response.context["adminform"].form.errors
    assert not Delegation.objects.exists()


def test_officers_see_and_change_only_their_own_delegations(client, world):
    mine = _delegate(world, date(2025, 3, 3), date(2025, 3, 5))
    other = Delegation.objects.create(
        delegator=world.users.leader,
        delegate=world.users.spec1,
        starts_on=date(2025, 3, 3),
        ends_on=date(2025, 3, 5),
    )
    unrelated = Delegation.objects.create(
        delegator=world.users.sxd_spec,
        delegate=world.users.stn_spec,
        starts_on=date(2025, 3, 3),
        ends_on=date(2025, 3, 5),
    )
    _login(client, world.users.spec1)
    assert set(client.get(LIST).context["cl"].result_list) == {mine, other}
    # the one received from the leader is read-only; the unrelated one is not found
    page = client.get(f"{LIST}{other.pk}/change/")
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert client.post(f"{LIST}{other.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{LIST}{unrelated.pk}/change/").status_code == 302
    # an administrator of the province sees them all
    _login(client, world.users.admin)
    assert set(client.get(LIST).context["cl"].result_list) == {mine, other, unrelated}


def test_the_list_filters_by_validity(client, world):
    current = _delegate(world, date(2025, 3, 3), date(2025, 3, 5))
    past = _delegate(world, date(2025, 2, 3), date(2025, 2, 5))
    _login(client, world.users.spec1)
    with time_machine.travel(at(2025, 3, 4, 10, 0), tick=False):
        assert list(client.get(LIST, {"hieu_luc": "current"}).context["cl"].result_list) == [
            current
        ]
        assert list(client.get(LIST, {"hieu_luc": "past"}).context["cl"].result_list) == [past]
        assert list(client.get(LIST, {"q": "chuyenvien2"}).context["cl"].result_list) == [
            current,
            past,
        ]
