"""Return by post through a carrier's HTTP API (a local server), tracking into the timeline."""

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.states import Action, Status
from motcua.jobs.schedule import active_schedule
from tests.builders import at

pytest.importorskip("motcua_postal")
if "motcua_postal" not in settings.INSTALLED_APPS:
    pytest.skip("the postal plugin is not enabled", allow_module_level=True)

from motcua_postal.jobs import postal_tracking_poll  # noqa: E402
from motcua_postal.models import Carrier, Shipment, ShipmentStatus  # noqa: E402
from motcua_postal.services import PostalError, shipment_register  # noqa: E402
from motcua_postal.testing import FakeCarrier  # noqa: E402

pytestmark = pytest.mark.django_db

ADDRESS = "Số 12 Lạch Tray, phường Lạch Tray, quận Ngô Quyền, Hải Phòng"


@pytest.fixture
def carrier(monkeypatch):
    fake = FakeCarrier()
    monkeypatch.setitem(settings.SITE.extra, "postal", {"api_url": fake.url, "carrier": "vnpost"})
    monkeypatch.setenv("MOTCUA_POSTAL_API_TOKEN", "bi-mat-123")
    call_command("loaddata", "postal_carriers", verbosity=0)
    yield fake
    fake.close()


def _result_ready(world, applicant, documents, *, delivery="post"):
    """A dossier through the lifecycle services up to "result ready", delivery by post."""
    u = world.users
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        d = services.dossier_receive(
            user=u.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
        )
        d = services.dossier_set_delivery(
            dossier=d, user=u.reception, delivery=delivery, address=ADDRESS
        )
    first = d.current_step.assignee or u.spec1  # steps are assigned round robin
    second = u.spec2 if first == u.spec1 else u.spec1
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        d = services.dossier_forward(dossier=d, user=first, assignee=second)
    with time_machine.travel(at(2025, 3, 5, 8, 0), tick=False):
        d = services.consultation_answer(dossier=d, user=u.sxd_spec, answer="Đồng ý.")
    with time_machine.travel(at(2025, 3, 5, 9, 0), tick=False):
        d = services.dossier_forward(dossier=d, user=second, assignee=u.leader)
    with time_machine.travel(at(2025, 3, 6, 10, 0), tick=False):
        d = services.dossier_issue_result(
            dossier=d, user=u.leader, result_number="77/GPXD", result_date=date(2025, 3, 6)
        )
    assert d.status == Status.RESULT_READY
    return d


def test_sending_registers_the_shipment_and_returns_the_result_through_the_lifecycle(
    world, applicant, documents, carrier
):
    d = _result_ready(world, applicant, documents)
    shipment = shipment_register(dossier_id=d.pk, user=world.users.reception)
    d.refresh_from_db()
    assert (d.status, d.delivery, d.postal_tracking) == (Status.RETURNED, "post", "EB100000001VN")
    assert shipment.tracking == "EB100000001VN" and shipment.carrier.code == "vnpost"
    event = d.events.get(action=Action.RETURN_RESULT)
    assert (
        event.actor == world.users.reception and event.data["postal_tracking"] == shipment.tracking
    )
    method, path, headers, body = carrier.requests[0]
    assert (method, path) == ("POST", "/v1/shipments")
    assert headers["authorization"] == "Bearer bi-mat-123"
    assert body == {
        "reference": d.code,
        "recipient": {"name": d.applicant_name, "phone": d.applicant_phone, "address": ADDRESS},
    }


def test_a_double_submission_sends_once(world, applicant, documents, carrier):
    d = _result_ready(world, applicant, documents)
    first = shipment_register(dossier_id=d.pk, user=world.users.reception)
    again = shipment_register(dossier_id=d.pk, user=world.users.reception)
    assert first.pk == again.pk and len(carrier.requests) == 1
    assert d.events.filter(action=Action.RETURN_RESULT).count() == 1


def test_an_officer_outside_the_scope_cannot_send_and_nothing_is_registered(
    world, applicant, documents, carrier
):
    d = _result_ready(world, applicant, documents)
    with pytest.raises(PostalError, match="Không tìm thấy hồ sơ"):
        shipment_register(dossier_id=d.pk, user=world.users.other_spec)
    assert carrier.requests == [] and not Shipment.objects.exists()


def test_a_counter_delivery_or_a_carrier_failure_loses_nothing(
    world, applicant, documents, carrier
):
    d = _result_ready(world, applicant, documents, delivery="counter")
    with pytest.raises(PostalError, match="bưu chính"):
        shipment_register(dossier_id=d.pk, user=world.users.reception)
    d2 = _result_ready(world, applicant, documents)
    carrier.fail.add("create")
    with pytest.raises(PostalError, match="HTTP 500"):
        shipment_register(dossier_id=d2.pk, user=world.users.reception)
    d2.refresh_from_db()
    assert d2.status == Status.RESULT_READY and not Shipment.objects.exists()
    carrier.fail.clear()
    assert shipment_register(dossier_id=d2.pk, user=world.users.reception).tracking


def test_tracking_events_go_into_the_timeline_once_each_until_delivered(
    world, applicant, documents, carrier
):
    d = _result_ready(world, applicant, documents)
    shipment = shipment_register(dossier_id=d.pk, user=world.users.reception)
    tracking = shipment.tracking
    carrier.events[tracking] = [
        {"id": "e1", "status": "in_transit", "text": "Đã nhận bưu gửi tại bưu cục Hồng Bàng"},
    ]
    assert postal_tracking_poll() == {"shipments": 1, "events": 1, "errors": 0}
    assert postal_tracking_poll() == {"shipments": 1, "events": 0, "errors": 0}
    carrier.events[tracking] += [
        {"id": "e2", "status": "in_transit", "text": "Đang phát"},
        {"id": "e3", "status": "delivered", "text": "Phát thành công, người nhận: Bình"},
    ]
    assert postal_tracking_poll()["events"] == 2
    events = list(
        DossierEvent.objects.filter(dossier=d, action=Action.RECORD_SHIPMENT).order_by("pk")
    )
    assert [e.note for e in events] == [
        "Đã nhận bưu gửi tại bưu cục Hồng Bàng",
        "Đang phát",
        "Phát thành công, người nhận: Bình",
    ]
    assert all(e.from_status == e.to_status == Status.RETURNED for e in events)
    assert events[-1].data == {
        "carrier": Carrier.objects.get(code="vnpost").name,
        "tracking": shipment.tracking,
        "status": "delivered",
    }
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and shipment.last_event == "e3"
    # A delivered shipment is not asked again.
    assert postal_tracking_poll() == {"shipments": 0, "events": 0, "errors": 0}


def test_one_failing_shipment_does_not_stop_the_others(world, applicant, documents, carrier):
    first = shipment_register(
        dossier_id=_result_ready(world, applicant, documents).pk, user=world.users.reception
    )
    second = shipment_register(
        dossier_id=_result_ready(world, applicant, documents).pk, user=world.users.reception
    )
    carrier.fail.add(first.tracking)
    carrier.events[second.tracking] = [{"id": "x", "status": "returned", "text": "Chuyển hoàn"}]
    assert postal_tracking_poll() == {"shipments": 2, "events": 1, "errors": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert "HTTP 500" in first.last_error and first.status == ShipmentStatus.REGISTERED
    assert second.status == ShipmentStatus.RETURNED


def test_the_tracking_job_is_on_the_schedule():
    job = next(job for job in active_schedule() if job.name == "postal_tracking_poll")
    assert job.func == "motcua_postal.jobs.postal_tracking_poll"


def test_the_desk_page_lists_the_dossiers_waiting_and_sends_one(
    client, world, applicant, documents, carrier
):
    d = _result_ready(world, applicant, documents)
    client.force_login(world.users.reception)
    page = client.get("/plugins/postal/")
    assert page.status_code == 200 and d.code in page.content.decode()
    client.force_login(world.users.other_spec)
    assert d.code not in client.get("/plugins/postal/").content.decode()
    client.force_login(world.users.reception)
    answer = client.post(f"/plugins/postal/{d.pk}/send/", follow=True)
    assert "EB100000001VN" in answer.content.decode()
    assert Shipment.objects.get().dossier == d
