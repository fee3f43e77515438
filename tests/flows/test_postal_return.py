"""Issue 16, 3: a result returned by post keeps the postal address AND the tracking number, and
the citizen sees the carrier, the tracking number and the day sent (page and notice)."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Delivery
from motcua.dossiers.services import DossierError
from motcua.integrations.outbox import outbox_deliver_due
from motcua.notifications.models import Notification
from tests.flows.conftest import act, receive, to_result

pytestmark = pytest.mark.django_db

ADDRESS = "Số 5 ngõ 12 Trần Nguyên Hãn, phường Cát Dài, quận Lê Chân"


@pytest.fixture
def ready_by_post(world, applicant, documents):
    d = receive(world, applicant, documents, delivery=Delivery.POST)
    d.delivery_address = ADDRESS
    d.save(update_fields=["delivery_address"])
    return to_result(world, d)


def _post(world, d, **kw):
    return act(
        (2025, 3, 11, 9, 0),
        services.dossier_return_result,
        dossier=d,
        user=world.users.reception,
        delivery=Delivery.POST,
        **kw,
    )


def test_the_tracking_number_is_kept_next_to_the_address(world, ready_by_post):
    d = _post(
        world,
        ready_by_post,
        postal_carrier="Bưu điện Việt Nam (VNPost)",
        postal_tracking="EL123456789VN",
        postal_sent_on=date(2025, 3, 11),
    )
    d.refresh_from_db()
    assert d.delivery_address == ADDRESS
    assert (d.postal_carrier, d.postal_tracking, d.postal_sent_on) == (
        "Bưu điện Việt Nam (VNPost)",
        "EL123456789VN",
        date(2025, 3, 11),
    )
    assert d.events.last().data["postal_tracking"] == "EL123456789VN"


def test_a_postal_return_needs_a_carrier_and_a_tracking_number(world, ready_by_post):
    with pytest.raises(DossierError, match="mã vận đơn"):
        _post(world, ready_by_post, postal_carrier="VNPost", postal_tracking="")
    with pytest.raises(DossierError, match="đơn vị bưu chính"):
        _post(world, ready_by_post, postal_carrier="", postal_tracking="EL1VN")


def test_the_citizen_is_told_the_carrier_tracking_number_and_date(world, ready_by_post):
    _post(
        world,
        ready_by_post,
        postal_carrier="Bưu điện Việt Nam (VNPost)",
        postal_tracking="EL123456789VN",
    )
    outbox_deliver_due()
    notice = Notification.objects.get(event="returned", channel="email")
    assert "EL123456789VN" in notice.subject
    for text in ("Bưu điện Việt Nam (VNPost)", "EL123456789VN", "11/03/2025", ADDRESS):
        assert text in notice.body


def test_the_citizen_page_shows_the_postal_details(world, ready_by_post, client):
    d = _post(
        world,
        ready_by_post,
        postal_carrier="Bưu điện Việt Nam (VNPost)",
        postal_tracking="EL123456789VN",
    )
    d.applicant_user = world.users.citizen
    d.save(update_fields=["applicant_user"])
    client.force_login(world.users.citizen)
    page = client.get(f"/tra-cuu/{d.code}/").content.decode()
    for text in ("Bưu điện Việt Nam (VNPost)", "EL123456789VN", "11/03/2025", ADDRESS):
        assert text in page
