"""Staff SMS phones and Zalo ids: kept by the person and their administrator, used by the ladder;
delivery effectively once when a worker dies mid-call."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction

from motcua.core.roles import Role
from motcua.jobs.sweep import due_sweep
from motcua.notifications.models import EscalationLevel, Notification, StaffContact
from motcua.notifications.services import (
    OUTCOME_UNKNOWN,
    notification_create,
    notification_deliver,
    staff_contact_save,
)
from tests.builders import make_membership, make_user
from tests.dossiers.conftest import at
from tests.notifications.conftest import act
from tests.notifications.test_channels import OPEN_HOUR, gateway  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_officer_keeps_their_own_phone_and_zalo_id_in_the_desk(client, world):
    client.force_login(world.users.spec1)
    page = client.get("/desk/notifications/contact/")
    assert page.status_code == 200 and 'for="id_phone"' in page.content.decode()
    bad = client.post("/desk/notifications/contact/", {"phone": "12ab", "zalo_user_id": "x-1"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Số điện thoại không hợp lệ." in text
    assert not StaffContact.objects.exists()  # nothing saved from a bad form
    ok = client.post(
        "/desk/notifications/contact/", {"phone": "+84 912 345 678", "zalo_user_id": " 25125 "}
    )
    assert ok.status_code == 302
    contact = StaffContact.objects.get(user=world.users.spec1)
    assert (contact.phone, contact.zalo_user_id) == ("0912345678", "25125")


def test_only_an_administrator_of_their_units_may_set_someone_elses_contact(world):
    staff_contact_save(
        user=world.users.spec1, phone="0912345678", zalo_user_id="", by=world.users.admin
    )
    other_admin = make_user("quantri.lechan")
    make_membership(other_admin, world.units.d2, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        staff_contact_save(
            user=world.users.spec1, phone="0987654321", zalo_user_id="", by=other_admin
        )
    with pytest.raises(PermissionDenied):
        staff_contact_save(
            user=world.users.spec2, phone="0987654321", zalo_user_id="", by=world.users.spec1
        )
    assert StaffContact.objects.get(user=world.users.spec1).phone == "0912345678"


def test_the_admin_list_of_contacts_is_scoped_to_administered_units(client, world):
    staff_contact_save(
        user=world.users.spec1, phone="0912345678", zalo_user_id="", by=world.users.admin
    )
    other_admin = make_user("quantri.lechan")
    make_membership(other_admin, world.units.d2, Role.ADMINISTRATOR)
    client.force_login(world.users.admin)
    assert "0912345678" in client.get("/admin/notifications/staffcontact/").content.decode()
    client.force_login(other_admin)
    assert "0912345678" not in client.get("/admin/notifications/staffcontact/").content.decode()
    client.force_login(world.users.spec2)
    assert client.get("/admin/notifications/staffcontact/").status_code in (302, 403)


def test_sms_and_zalo_levels_reach_the_officer_at_their_contact(world, received, ladder):
    EscalationLevel.objects.filter(pk=ladder["due_soon"].pk).update(
        channels=["desk", "sms", "zalo"]
    )
    staff_contact_save(
        user=world.users.spec1,
        phone="0912345678",
        zalo_user_id="2512523625412515",
        by=world.users.spec1,
    )
    act(at(2025, 4, 28, 17, 30), due_sweep)
    sent = dict(
        Notification.objects.filter(firing__level=ladder["due_soon"]).values_list(
            "channel", "address"
        )
    )
    assert sent == {"desk": "", "sms": "0912345678", "zalo": "2512523625412515"}


def test_an_officer_without_a_phone_gets_a_failed_row_not_a_silent_gap(world, received, ladder):
    EscalationLevel.objects.filter(pk=ladder["due_soon"].pk).update(channels=["sms"])
    act(at(2025, 4, 28, 17, 30), due_sweep)
    row = Notification.objects.get(firing__level=ladder["due_soon"])
    assert (row.status, row.last_error) == ("failed", "không có địa chỉ nhận")


def _message(channel, address):
    with time_machine.travel(OPEN_HOUR, tick=False), transaction.atomic():
        return notification_create(
            key=f"once-{channel}",
            event="result_ready",
            channel=channel,
            address=address,
            for_staff=False,
            context={"code": "H27-250304-0001", "applicant_name": "Bình", "procedure": "GPXD"},
        )


def _die_mid_call(row):
    """What a worker killed during the HTTP call leaves: the row claimed, the attempt counted."""
    Notification.objects.filter(pk=row.pk).update(
        status="sending", attempts=1, next_attempt_at=OPEN_HOUR + timedelta(minutes=5)
    )


def test_an_sms_left_sending_by_a_dead_worker_is_sent_again_with_the_same_key(gateway):  # noqa: F811
    sms = gateway("sms_gateway_url", [(200, {"id": "SMS-1"}), (200, {"id": "SMS-1"})])
    row = _message("sms", "0912345678")
    with time_machine.travel(OPEN_HOUR, tick=False):
        assert notification_deliver(row.pk) == "sent"  # the gateway took it ...
    _die_mid_call(row)  # ... but the worker died before recording it
    with time_machine.travel(OPEN_HOUR + timedelta(minutes=1), tick=False):
        assert notification_deliver(row.pk) is None  # the dead worker's lease still holds
    with time_machine.travel(OPEN_HOUR + timedelta(minutes=6), tick=False):
        assert notification_deliver(row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 2, "SMS-1")
    keys = {headers["idempotency-key"] for headers, _body in sms.requests}
    assert keys == {f"motcua-notification-{row.pk}"}  # the gateway can fold the repeat


def test_a_zalo_message_left_sending_is_not_sent_blindly_again(gateway):  # noqa: F811
    zalo = gateway("zalo_api_url", [])
    row = _message("zalo", "2512523625412515")
    _die_mid_call(row)
    with time_machine.travel(OPEN_HOUR + timedelta(minutes=6), tick=False):
        assert notification_deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("failed", OUTCOME_UNKNOWN)
    assert zalo.requests == []  # a person checks and re-sends from the desk


def test_email_message_id_is_the_same_on_every_attempt():
    from django.core import mail

    row = _message("email", "binh@example.vn")
    with time_machine.travel(OPEN_HOUR, tick=False):
        assert notification_deliver(row.pk) == "sent"
    _die_mid_call(row)
    with time_machine.travel(OPEN_HOUR + timedelta(minutes=6), tick=False):
        assert notification_deliver(row.pk) == "sent"
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox if m.to == ["binh@example.vn"]}
    assert len(ids) == 1 and f"motcua-notification-{row.pk}" in ids.pop()
