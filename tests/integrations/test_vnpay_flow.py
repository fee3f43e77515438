"""VNPay end to end against a local fake gateway, and every forged or replayed callback refused.

The full flow runs over real HTTP (docs/architecture.md, Jobs): the app is served by pytest-django's live server,
VNPay by :class:`FakeVNPay` on 127.0.0.1; the test follows the payment URL like a browser, the
fake gateway calls the app's IPN and redirects back to the return page.
"""

from __future__ import annotations

import urllib.request
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client

from motcua.dossiers.models import Dossier
from motcua.integrations.models import (
    OutboxMessage,
    Payment,
    PaymentCallback,
    PaymentStatus,
    Verdict,
)
from motcua.integrations.services import payment_start
from tests.integrations.conftest import FEE_TOTAL, TEST_SECRET, TEST_TMN, submit, use_payments
from tests.integrations.fake_vnpay import FakeVNPay, sign

IPN = "/thanh-toan/vnpay/ipn/"
RETURN = "/thanh-toan/vnpay/return/"


def start_url(dossier) -> str:
    return f"/thanh-toan/{dossier.code}/bat-dau/"


def start(dossier, user) -> Payment:
    payment, _url = payment_start(
        dossier=dossier,
        user_or_session=user,
        return_url="https://dvc.example.vn/thanh-toan/vnpay/return/",
        client_ip="113.160.1.2",
    )
    return payment


def vnpay_result(payment: Payment, **overrides: str) -> dict[str, str]:
    """What VNPay sends back for *payment*, signed with the test secret (overrides signed too)."""
    result = {
        "vnp_Amount": str(int(payment.amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": f"Thanh toan phi le phi ho so {payment.dossier.code}",
        "vnp_PayDate": "20250303091012",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": TEST_TMN,
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.order_ref,
        **overrides,
    }
    return {**result, "vnp_SecureHash": sign(result, TEST_SECRET)}


def assert_nothing_changed(payment: Payment) -> None:
    payment.refresh_from_db()
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    assert payment.status == PaymentStatus.PENDING
    assert payment.paid_at is None and payment.provider_txn_no == ""
    assert not dossier.is_paid and not dossier.paid_online
    assert not OutboxMessage.objects.exists()


# --------------------------------------------------------------------------- the real flow


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_citizen_pays_through_vnpay_over_real_http(
    live_server, paying_world, applicant, vnpay_site
):
    # given a dossier of 1.500.000 ₫ and VNPay played by a local server
    dossier = submit(paying_world, applicant)
    citizen = Client()
    citizen.force_login(paying_world.users.citizen)
    host = urlsplit(live_server.url).netloc
    with FakeVNPay(
        secret=TEST_SECRET, tmn_code=TEST_TMN, ipn_url=f"{live_server.url}{IPN}"
    ) as gateway:
        vnpay_site(payment_url=gateway.payment_url)

        # when the citizen presses "Thanh toán trực tuyến" on the dossier page
        started = citizen.post(start_url(dossier), {"next": "/tra-cuu/ho-so/"}, HTTP_HOST=host)

        # then they are sent to VNPay with a signed URL …
        assert started.status_code == 302
        assert started["Location"].startswith(gateway.payment_url + "?")
        query = dict(parse_qsl(urlsplit(started["Location"]).query))
        assert query["vnp_Amount"] == "150000000"
        assert query["vnp_ReturnUrl"] == f"{live_server.url}{RETURN}"

        # … and following it like a browser: VNPay calls the IPN, then returns the citizen
        with urllib.request.urlopen(started["Location"], timeout=30) as page:
            html = page.read().decode()
            final_url = page.url

    # then VNPay got "Confirm Success" and the citizen sees the result
    assert gateway.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert final_url.startswith(f"{live_server.url}{RETURN}?")
    assert "Thanh toán thành công" in html
    # and the dossier is paid, online (QĐ 766 indicator), with one outbox message delivered
    dossier.refresh_from_db()
    assert dossier.is_paid and dossier.paid_online
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PAID
    assert payment.amount == FEE_TOTAL
    assert payment.provider_txn_no == "14226112" and payment.bank_code == "NCB"
    assert payment.started_by == paying_world.users.citizen
    message = OutboxMessage.objects.get()
    assert message.topic == "payment.paid"
    assert message.payload["dossier_code"] == dossier.code
    assert message.payload["amount"] == "1500000"
    assert message.delivered_at is not None  # kicked after commit, run inline without Redis
    # and both callbacks are in the log
    assert list(
        PaymentCallback.objects.order_by("received_at", "id").values_list("kind", "verdict")
    ) == [("ipn", Verdict.CONFIRMED), ("return", Verdict.DISPLAYED)]

    # when VNPay's IPN is replayed
    replay = urllib.request.urlopen(
        f"{live_server.url}{IPN}?{urlsplit(final_url).query}", timeout=30
    )
    # then it is refused as already confirmed, and nothing is written twice
    assert replay.read() == b'{"RspCode": "02", "Message": "Order already confirmed"}'
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_customer_who_cancels_at_vnpay_leaves_the_dossier_unpaid(
    live_server, paying_world, applicant, vnpay_site
):
    dossier = submit(paying_world, applicant)
    citizen = Client()
    citizen.force_login(paying_world.users.citizen)
    with FakeVNPay(
        secret=TEST_SECRET, tmn_code=TEST_TMN, ipn_url=f"{live_server.url}{IPN}", response_code="24"
    ) as gateway:
        vnpay_site(payment_url=gateway.payment_url)
        started = citizen.post(start_url(dossier), HTTP_HOST=urlsplit(live_server.url).netloc)
        with urllib.request.urlopen(started["Location"], timeout=30) as page:
            html = page.read().decode()

    assert gateway.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert "Thanh toán chưa hoàn tất" in html
    assert Payment.objects.get().status == PaymentStatus.CANCELLED
    dossier.refresh_from_db()
    assert not dossier.is_paid and not dossier.paid_online
    assert not OutboxMessage.objects.exists()


# --------------------------------------------------------------------------- forged IPNs


@pytest.fixture
def pending(dossier, vnpay_site):
    return start(dossier, dossier.applicant_user)


def ipn(params: dict) -> dict:
    return Client().get(IPN, params, REMOTE_ADDR="203.0.113.9").json()


def test_a_genuine_ipn_confirms_the_payment(pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = ipn(vnpay_result(pending))

    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PAID
    assert pending.raw_callback["vnp_TransactionNo"] == "14226112"
    dossier = Dossier.objects.get(pk=pending.dossier_id)
    assert dossier.is_paid and dossier.paid_online
    assert OutboxMessage.objects.get().delivered_at is not None
    log = PaymentCallback.objects.get()
    assert (log.kind, log.verdict, log.payment, log.remote_addr) == (
        "ipn",
        Verdict.CONFIRMED,
        pending,
        "203.0.113.9",
    )


def test_a_bad_signature_is_refused_with_97(pending):
    params = vnpay_result(pending)
    params["vnp_SecureHash"] = sign({"vnp_TxnRef": pending.order_ref}, TEST_SECRET)

    assert ipn(params) == {"RspCode": "97", "Message": "Invalid signature"}
    assert_nothing_changed(pending)
    log = PaymentCallback.objects.get()
    assert log.verdict == Verdict.BAD_SIGNATURE
    assert log.order_ref == pending.order_ref and log.payment is None
    assert "Chữ ký" in log.message


def test_a_result_signed_with_another_secret_is_refused_with_97(pending):
    params = vnpay_result(pending)
    unsigned = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    params["vnp_SecureHash"] = sign(unsigned, "a-forger-s-guess")

    assert ipn(params)["RspCode"] == "97"
    assert_nothing_changed(pending)


def test_a_wrong_amount_is_refused_with_04(pending):
    # signed correctly, but for 15.000 ₫ instead of 1.500.000 ₫
    assert ipn(vnpay_result(pending, vnp_Amount="1500000")) == {
        "RspCode": "04",
        "Message": "Invalid amount",
    }
    assert_nothing_changed(pending)
    log = PaymentCallback.objects.get()
    assert log.verdict == Verdict.AMOUNT_MISMATCH and log.payment == pending
    assert "15.000" in log.message and "1.500.000" in log.message


def test_a_malformed_amount_is_refused_with_04(pending):
    assert ipn(vnpay_result(pending, vnp_Amount="150000000.5"))["RspCode"] == "04"
    assert_nothing_changed(pending)


def test_an_unknown_order_is_refused_with_01(pending):
    answer = ipn(vnpay_result(pending, vnp_TxnRef="KHONGCO123"))

    assert answer == {"RspCode": "01", "Message": "Order not found"}
    assert_nothing_changed(pending)
    assert PaymentCallback.objects.get().verdict == Verdict.UNKNOWN_ORDER


def test_a_sandbox_order_cannot_be_confirmed_by_a_vnpay_callback(dossier, settings, monkeypatch):
    # given a sandbox payment, and VNPay enabled too
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", TEST_SECRET)
    use_payments(
        settings, {"provider": "sandbox", "enabled": ["vnpay"], "vnpay": {"tmn_code": TEST_TMN}}
    )
    payment = start(dossier, dossier.applicant_user)
    assert payment.provider == "sandbox"

    assert ipn(vnpay_result(payment))["RspCode"] == "01"
    assert_nothing_changed(payment)


def test_a_replayed_ipn_is_refused_with_02_and_changes_nothing(pending):
    params = vnpay_result(pending)
    assert ipn(params)["RspCode"] == "00"
    pending.refresh_from_db()
    first_paid_at = pending.paid_at

    # when VNPay (or an attacker) sends the same notification again
    answer = ipn(params)

    # then
    assert answer == {"RspCode": "02", "Message": "Order already confirmed"}
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PAID and pending.paid_at == first_paid_at
    assert OutboxMessage.objects.count() == 1
    assert list(PaymentCallback.objects.order_by("id").values_list("verdict", flat=True)) == [
        Verdict.CONFIRMED,
        Verdict.ALREADY_CONFIRMED,
    ]


def test_a_failure_notice_after_success_does_not_unpay(pending):
    assert ipn(vnpay_result(pending))["RspCode"] == "00"
    assert ipn(vnpay_result(pending, vnp_ResponseCode="51", vnp_TransactionStatus="02")) == {
        "RspCode": "02",
        "Message": "Order already confirmed",
    }
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.PAID
    assert Dossier.objects.get(pk=pending.dossier_id).is_paid


def test_a_failed_payment_is_recorded_and_the_dossier_stays_unpaid(pending):
    answer = ipn(vnpay_result(pending, vnp_ResponseCode="51", vnp_TransactionStatus="02"))

    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.FAILED and pending.response_code == "51"
    assert not Dossier.objects.get(pk=pending.dossier_id).is_paid
    assert not OutboxMessage.objects.exists()
    assert PaymentCallback.objects.get().verdict == Verdict.PAYMENT_FAILED


def test_an_error_midway_rolls_everything_back_and_answers_99(pending, monkeypatch):
    # given the outbox write fails after the payment and the dossier were updated
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("motcua.integrations.services.outbox_emit", broken)

    assert ipn(vnpay_result(pending)) == {"RspCode": "99", "Message": "Unknown error"}

    # then nothing is half-saved, and the failure is in the log
    assert_nothing_changed(pending)
    log = PaymentCallback.objects.get()
    assert log.verdict == Verdict.ERROR and log.payment == pending


def test_the_ipn_only_answers_get(pending):
    assert Client().post(IPN, vnpay_result(pending)).status_code == 405
    assert_nothing_changed(pending)


def test_the_ipn_of_a_provider_the_site_does_not_use_is_404(dossier, sandbox_site):
    assert Client().get(IPN, {"vnp_TxnRef": "X"}).status_code == 404


# --------------------------------------------------------------------------- the return page


def test_the_return_page_shows_a_pending_payment_without_changing_it(pending):
    # VNPay's protocol: the return URL displays, the IPN updates (it may come later)
    response = Client().get(RETURN, vnpay_result(pending))

    assert response.status_code == 200
    assert "Đang chờ xác nhận thanh toán" in response.content.decode()
    assert_nothing_changed(pending)
    assert PaymentCallback.objects.get().verdict == Verdict.DISPLAYED


def test_a_forged_return_is_refused_and_logged(pending):
    params = vnpay_result(pending)
    params["vnp_Amount"] = "100"

    response = Client().get(RETURN, params)

    assert response.status_code == 400
    assert "Dữ liệu thanh toán không hợp lệ" in response.content.decode()
    assert_nothing_changed(pending)
    assert PaymentCallback.objects.get().verdict == Verdict.BAD_SIGNATURE


# --------------------------------------------------------------------------- concurrency


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "mysql", reason="needs MariaDB row locking")
def test_two_simultaneous_ipns_confirm_once(paying_world, applicant, vnpay_site):
    from tests.dossiers.test_concurrency import run_together

    payment = start(submit(paying_world, applicant), paying_world.users.citizen)
    params = vnpay_result(payment)

    answers, errors = run_together(4, lambda i: Client().get(IPN, params).json()["RspCode"])

    assert errors == [None] * 4
    assert sorted(answers) == ["00", "02", "02", "02"]
    assert OutboxMessage.objects.count() == 1
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert Decimal(OutboxMessage.objects.get().payload["amount"]) == FEE_TOTAL
