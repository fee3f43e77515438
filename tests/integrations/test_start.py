"""Who may start paying a dossier, and what is refused (matrix: anonymous, owner, lookup session,
another citizen, officers). Refusals change nothing: no payment row is created."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.core import lookup_grants
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.integrations.models import Payment, PaymentStatus
from tests.integrations.conftest import submit
from tests.units.factories import make_user


def url(dossier) -> str:
    return f"/thanh-toan/{dossier.code}/bat-dau/"


def lookup_client(*dossier_ids) -> Client:
    """A visitor who looked dossiers up in the portal: the session contract with the portal."""
    client = Client()
    session = client.session
    for dossier_id in dossier_ids:
        lookup_grants.grant(session, dossier_id, "phone")
    session.save()
    return client


def test_the_owner_may_start(login, dossier, sandbox_site):
    response = login(dossier.applicant_user).post(url(dossier))

    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PENDING and payment.amount == dossier.fee_total
    assert payment.started_by == dossier.applicant_user and payment.client_ip == "127.0.0.1"


def test_a_visitor_who_looked_the_dossier_up_may_start(dossier, sandbox_site):
    response = lookup_client(dossier.pk).post(url(dossier))

    assert response.status_code == 302
    assert Payment.objects.get().started_by is None


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "other_citizen",
        "reception_officer",
        "unit_leader",
        "superuser",
        "session_of_another_dossier",
        "session_with_garbage",
    ],
)
def test_anybody_else_gets_404_and_nothing_is_created(
    login, paying_world, dossier, applicant, sandbox_site, who
):
    other = submit(paying_world, applicant, user=make_user("congdan2", is_staff=False))
    clients = {
        "anonymous": lambda: Client(),
        "other_citizen": lambda: login(other.applicant_user),
        "reception_officer": lambda: login(paying_world.users.reception),
        "unit_leader": lambda: login(paying_world.users.leader),
        "superuser": lambda: login(make_user("root", is_superuser=True)),
        "session_of_another_dossier": lambda: lookup_client(other.pk),
        "session_with_garbage": lambda: lookup_client("x", None, dossier.code),
    }

    response = clients[who]().post(url(dossier))

    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_an_unknown_code_is_404(login, dossier, sandbox_site):
    assert login(dossier.applicant_user).post("/thanh-toan/KHONG-CO/bat-dau/").status_code == 404


def test_start_needs_post(login, dossier, sandbox_site):
    assert login(dossier.applicant_user).get(url(dossier)).status_code == 405
    assert not Payment.objects.exists()


def test_a_dossier_without_fees_is_refused_in_vietnamese(login, world, applicant, sandbox_site):
    free = submit(world, applicant)  # the world's procedure has no fee
    response = login(free.applicant_user).post(url(free), {"next": "/tra-cuu/"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "không có phí, lệ phí phải nộp" in html
    assert 'href="/tra-cuu/"' in html
    assert not Payment.objects.exists()


def test_an_already_paid_dossier_is_refused(login, dossier, sandbox_site):
    Dossier.objects.filter(pk=dossier.pk).update(is_paid=True)  # paid at the counter

    response = login(dossier.applicant_user).post(url(dossier))

    assert response.status_code == 400
    assert "đã nộp phí, lệ phí" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_refused_dossier_cannot_be_paid(login, paying_world, dossier, sandbox_site):
    services.dossier_refuse_intake(
        dossier=dossier, user=paying_world.users.reception, reason="Sai thủ tục"
    )

    response = login(dossier.applicant_user).post(url(dossier))

    assert response.status_code == 400
    assert "đã kết thúc xử lý" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_offsite_next_is_ignored(login, dossier, sandbox_site):
    citizen = login(dossier.applicant_user)
    citizen.post(url(dossier), {"next": "https://evil.example/"})
    payment = Payment.objects.get()
    back = citizen.post(f"/thanh-toan/sandbox/{payment.order_ref}/", {"decision": "paid"})

    assert "evil.example" not in citizen.get(back["Location"]).content.decode()


def test_a_misconfigured_site_tells_the_citizen(login, dossier, settings, monkeypatch):
    monkeypatch.delenv("MOTCUA_VNPAY_HASH_SECRET", raising=False)
    from tests.integrations.conftest import use_payments

    use_payments(settings, {"provider": "vnpay", "tmn_code": "X"})

    response = login(dossier.applicant_user).post(url(dossier))

    assert response.status_code == 400
    assert "chưa sẵn sàng" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_expired_portal_lookup_no_longer_lets_a_visitor_pay():
    import time

    from motcua.integrations.selectors import looked_up_dossier_ids

    now = time.time()
    expired = now - lookup_grants.GRANT_SECONDS - 1
    session = {
        lookup_grants.SESSION_KEY: {
            "7": [now - 60, "phone"],
            "8": [expired, "phone"],
            "x": [now, "phone"],
            "9": ["soon", "phone"],
        }
    }
    assert looked_up_dossier_ids(session) == frozenset({7})
