"""The sandbox gateway: the demo's pay / cancel page, its signed callback, and where it is off."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from motcua.dossiers.models import Dossier
from motcua.integrations.models import (
    OutboxMessage,
    Payment,
    PaymentCallback,
    PaymentStatus,
    Verdict,
)
from tests.integrations.conftest import TEST_SECRET, TEST_TMN, use_payments


def pay_page(client, dossier, **post):
    """Start a payment as *client*; return (payment, the sandbox page URL)."""
    response = client.post(f"/thanh-toan/{dossier.code}/bat-dau/", post)
    assert response.status_code == 302, response.content.decode()
    return Payment.objects.get(dossier=dossier), response["Location"]


def test_sandbox_payment_succeeds(login, dossier, sandbox_site):
    citizen = login(dossier.applicant_user)

    # given the citizen started paying and sees the pretend gateway
    payment, page_url = pay_page(citizen, dossier, next="/tra-cuu/ho-so/")
    assert page_url == f"/thanh-toan/sandbox/{payment.order_ref}/"
    page = citizen.get(page_url).content.decode()
    assert "Cổng thanh toán thử nghiệm" in page
    assert "1.500.000\xa0₫" in page and dossier.code in page
    assert 'href="/tra-cuu/ho-so/"' in page  # never a dead end: the way back is offered

    # when they press "Thanh toán thành công"
    back = citizen.post(page_url, {"decision": "paid"})

    # then the browser goes to the return URL with a signed callback …
    assert back.status_code == 302
    assert back["Location"].startswith("http://testserver/thanh-toan/sandbox/return/?")
    result = citizen.get(back["Location"])
    # … which confirms the payment through the same path as a real gateway
    assert result.status_code == 200
    html = result.content.decode()
    assert "Thanh toán thành công" in html
    assert 'href="/tra-cuu/ho-so/"' in html
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    dossier.refresh_from_db()
    assert dossier.is_paid and dossier.paid_online
    assert OutboxMessage.objects.get().topic == "payment.paid"
    assert PaymentCallback.objects.get().verdict == Verdict.CONFIRMED

    # and reloading the return page confirms nothing twice
    assert citizen.get(back["Location"]).status_code == 200
    assert OutboxMessage.objects.count() == 1
    assert PaymentCallback.objects.order_by("id").last().verdict == Verdict.ALREADY_CONFIRMED
    # and the gateway page no longer offers the buttons
    assert "decision" not in citizen.get(page_url).content.decode()


def test_sandbox_payment_cancelled(login, dossier, sandbox_site):
    citizen = login(dossier.applicant_user)
    payment, page_url = pay_page(citizen, dossier)

    back = citizen.post(page_url, {"decision": "cancelled"})
    html = citizen.get(back["Location"]).content.decode()

    assert "Thanh toán chưa hoàn tất" in html and "đã bị hủy" in html
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    dossier.refresh_from_db()
    assert not dossier.is_paid
    assert not OutboxMessage.objects.exists()
    # a new attempt is allowed after a cancelled one
    response = citizen.post(f"/thanh-toan/{dossier.code}/bat-dau/")
    assert response.status_code == 302
    assert Payment.objects.filter(dossier=dossier).count() == 2


def test_a_tampered_sandbox_callback_is_refused(login, dossier, sandbox_site):
    citizen = login(dossier.applicant_user)
    payment, page_url = pay_page(citizen, dossier)
    back = citizen.post(page_url, {"decision": "paid"})
    url = urlsplit(back["Location"])
    params = dict(parse_qsl(url.query))
    params["sb_amount"] = "1000"

    response = citizen.get(url.path, params)

    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not Dossier.objects.get(pk=dossier.pk).is_paid
    assert PaymentCallback.objects.get().verdict == Verdict.BAD_SIGNATURE


def test_an_unknown_decision_is_rejected(login, dossier, sandbox_site):
    citizen = login(dossier.applicant_user)
    payment, page_url = pay_page(citizen, dossier)
    assert citizen.post(page_url, {"decision": "free"}).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.fixture
def vnpay_only(settings, monkeypatch):
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", TEST_SECRET)
    use_payments(settings, {"provider": "vnpay", "tmn_code": TEST_TMN})


def test_the_sandbox_is_off_when_the_site_pays_with_vnpay(login, dossier, settings, vnpay_only):
    # given a sandbox payment left from the demo days
    payment = Payment.objects.create(
        dossier=dossier,
        provider="sandbox",
        order_ref="SB1",
        amount=dossier.fee_total,
        return_url="/",
    )
    citizen = login(dossier.applicant_user)

    # then its page, its buttons and its return all answer 404
    assert citizen.get(f"/thanh-toan/sandbox/{payment.order_ref}/").status_code == 404
    assert (
        citizen.post(f"/thanh-toan/sandbox/{payment.order_ref}/", {"decision": "paid"}).status_code
        == 404
    )
    assert citizen.get("/thanh-toan/sandbox/return/", {"sb_order_ref": "SB1"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_vnpay_order_has_no_sandbox_page(login, dossier, sandbox_site):
    payment = Payment.objects.create(
        dossier=dossier, provider="vnpay", order_ref="VN1", amount=dossier.fee_total
    )
    assert (
        login(dossier.applicant_user).get(f"/thanh-toan/sandbox/{payment.order_ref}/").status_code
        == 404
    )


def test_from_the_portal_status_page_to_paid_and_back(login, dossier, sandbox_site):
    """The contract with the portal: its status page includes ``portal/_payment.html``."""
    citizen = login(dossier.applicant_user)
    status_url = f"/tra-cuu/{dossier.code}/"
    page = citizen.get(status_url).content.decode()
    assert f'action="/thanh-toan/{dossier.code}/bat-dau/"' in page

    started = citizen.post(f"/thanh-toan/{dossier.code}/bat-dau/", {"next": status_url})
    back = citizen.post(started["Location"], {"decision": "paid"})
    result = citizen.get(back["Location"]).content.decode()
    assert f'href="{status_url}"' in result

    page = citizen.get(status_url).content.decode()
    assert "Đã nộp — thanh toán trực tuyến" in page
    assert "/bat-dau/" not in page


def test_the_sandbox_page_links_back_to_the_dossier_without_a_next_page(
    login, dossier, sandbox_site
):
    citizen = login(dossier.applicant_user)
    payment, page_url = pay_page(citizen, dossier)
    page = citizen.get(page_url).content.decode()
    assert f'href="/tra-cuu/{dossier.code}/"' in page and "Quay lại trang hồ sơ" in page
