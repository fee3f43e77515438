"""VNPay 2.1.0 signing: the payment URL and callback verification, against hand-computed vectors."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.dossiers.models import Dossier
from motcua.integrations.models import Payment
from motcua.integrations.payments.base import ProviderNotConfigured, payment_provider
from motcua.integrations.payments.vnpay import VNPayProvider
from tests.integrations.conftest import TEST_SECRET, TEST_TMN, use_payments

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"

# The exact string VNPay signs: keys sorted, values form-encoded (":" and "/" escaped, space → +).
EXPECTED_QUERY = (
    "vnp_Amount=150000000"
    "&vnp_Command=pay"
    "&vnp_CreateDate=20250303090000"
    "&vnp_CurrCode=VND"
    "&vnp_ExpireDate=20250303091500"
    "&vnp_IpAddr=113.160.1.2"
    "&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+phi+le+phi+ho+so+000.00.31.H27-250303-0001"
    "&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdvc.example.vn%2Fthanh-toan%2Fvnpay%2Freturn%2F"
    "&vnp_TmnCode=MOTCUA01"
    "&vnp_TxnRef=MC0001"
    "&vnp_Version=2.1.0"
)
# HMAC-SHA512(TEST_SECRET, EXPECTED_QUERY), computed once by hand and pinned.
EXPECTED_HASH = (
    "76ed9f8e469202fd4d41cb9b06568aacc29a36b9e4de9aa8a010c2feb691179f"
    "2a4e129b9828f2ae61f3dc89542f1578b864150e84cc3ed722bbe1e2572bc36b"
)

RETURN_QUERY = (
    "vnp_Amount=150000000&vnp_BankCode=NCB&vnp_OrderInfo=Thanh+toan&vnp_PayDate=20250303091012"
    "&vnp_ResponseCode=00&vnp_TmnCode=MOTCUA01&vnp_TransactionNo=14226112"
    "&vnp_TransactionStatus=00&vnp_TxnRef=MC0001"
)
RETURN_HASH = (
    "42dd0319dbb7f14211ae23df189eedcdb0c8ef39eb8d8ab0059b866918c81d74"
    "644acd0582b39adb461cce94cbe36759043341b07fc27ba856b9ab8cc443bd66"
)


def return_params(**overrides) -> dict[str, str]:
    params = {
        "vnp_Amount": "150000000",
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": "Thanh toan",
        "vnp_PayDate": "20250303091012",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "MC0001",
        "vnp_SecureHash": RETURN_HASH,
    }
    params.update(overrides)
    return params


@pytest.fixture
def provider(monkeypatch) -> VNPayProvider:
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", TEST_SECRET)
    return VNPayProvider({"tmn_code": TEST_TMN, "payment_url": PAYMENT_URL})


def test_the_pinned_vectors_are_hmac_sha512_of_the_query_strings():
    assert (
        hmac.new(TEST_SECRET.encode(), EXPECTED_QUERY.encode(), hashlib.sha512).hexdigest()
        == EXPECTED_HASH
    )
    assert (
        hmac.new(TEST_SECRET.encode(), RETURN_QUERY.encode(), hashlib.sha512).hexdigest()
        == RETURN_HASH
    )


def test_payment_url_is_the_sorted_signed_query_of_version_2_1_0(provider):
    # given a 1.500.000 ₫ order at 09:00 Hanoi time
    payment = Payment(
        order_ref="MC0001",
        amount=Decimal(1_500_000),
        dossier=Dossier(code="000.00.31.H27-250303-0001"),
    )

    # when
    with time_machine.travel(datetime(2025, 3, 3, 9, 0, tzinfo=HANOI), tick=False):
        url = provider.create_payment_url(
            payment=payment,
            return_url="https://dvc.example.vn/thanh-toan/vnpay/return/",
            client_ip="113.160.1.2",
        )

    # then: amount × 100, dates in GMT+7, 15 minutes to pay, signature last
    assert url == f"{PAYMENT_URL}?{EXPECTED_QUERY}&vnp_SecureHash={EXPECTED_HASH}"


def test_create_date_is_gmt_plus_7_whatever_the_clock_zone(provider):
    payment = Payment(order_ref="MC0001", amount=Decimal(1_500_000), dossier=Dossier(code="X"))
    with time_machine.travel(datetime(2025, 3, 3, 2, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        url = provider.create_payment_url(payment=payment, return_url="https://a/", client_ip="")
    assert "vnp_CreateDate=20250303090000" in url
    assert "vnp_IpAddr=127.0.0.1" in url


def test_a_genuine_return_verifies_and_reads_the_result(provider):
    result = provider.verify_return(return_params())

    assert result.signature_valid
    assert result.order_ref == "MC0001"
    assert result.amount == Decimal(1_500_000)
    assert result.paid and not result.cancelled
    assert result.provider_txn_no == "14226112"
    assert result.bank_code == "NCB"
    assert result.pay_date == datetime(2025, 3, 3, 9, 10, 12, tzinfo=HANOI)


def test_signature_type_and_foreign_parameters_are_not_signed(provider):
    params = return_params(vnp_SecureHashType="HmacSHA512", utm_source="zalo")
    assert provider.verify_return(params).signature_valid


def test_the_hash_is_compared_case_insensitively(provider):
    assert provider.verify_return(return_params(vnp_SecureHash=RETURN_HASH.upper())).signature_valid


@pytest.mark.parametrize(
    "tampering",
    [
        {"vnp_Amount": "15000000"},
        {"vnp_TxnRef": "MC0002"},
        {"vnp_ResponseCode": "24"},
        {"vnp_SecureHash": ""},
        {"vnp_SecureHash": "00" * 64},
        {"vnp_SecureHash": "ữ" * 10},
        {"vnp_Extra": "1"},
    ],
    ids=["amount", "order", "response-code", "empty-hash", "wrong-hash", "non-ascii", "added"],
)
def test_any_tampering_breaks_the_signature(provider, tampering):
    assert not provider.verify_return(return_params(**tampering)).signature_valid


def test_a_missing_hash_is_invalid(provider):
    params = return_params()
    del params["vnp_SecureHash"]
    assert not provider.verify_return(params).signature_valid


def test_another_secret_does_not_verify(monkeypatch):
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", "another-merchant-secret")
    other = VNPayProvider({"tmn_code": TEST_TMN})
    assert not other.verify_return(return_params()).signature_valid


def test_malformed_amount_and_date_read_as_none(provider):
    result = provider.verify_return(return_params(vnp_Amount="1e9", vnp_PayDate="hôm qua"))
    assert result.amount is None
    assert result.pay_date is None


def test_customer_cancelled_is_code_24(provider):
    result = provider.verify_return(return_params(vnp_ResponseCode="24"))
    assert result.cancelled and not result.paid


def test_the_site_chooses_vnpay_with_the_secret_from_the_environment(settings, monkeypatch):
    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", TEST_SECRET)
    use_payments(settings, {"provider": "vnpay", "tmn_code": TEST_TMN})

    chosen = payment_provider()

    assert isinstance(chosen, VNPayProvider)
    assert chosen.secret == TEST_SECRET
    assert chosen.payment_url == PAYMENT_URL


def test_nothing_configured_means_no_online_payment_never_the_sandbox(settings):
    use_payments(settings, {})
    with pytest.raises(ProviderNotConfigured, match="no payment provider"):
        payment_provider()
    with pytest.raises(ProviderNotConfigured, match="not enabled"):
        payment_provider("vnpay")


@pytest.mark.parametrize(
    ("config", "env", "message"),
    [
        ({"provider": "vnpay", "tmn_code": TEST_TMN}, None, "MOTCUA_VNPAY_HASH_SECRET"),
        ({"provider": "vnpay"}, TEST_SECRET, "tmn_code"),
        ({"provider": "vnpay", "tmn_code": "X", "hash_secret": "s"}, TEST_SECRET, "secret"),
        ({"provider": "momo"}, None, "unknown provider"),
    ],
    ids=["no-secret", "no-tmn-code", "secret-in-config", "unknown"],
)
def test_bad_configuration_is_one_clear_line(settings, monkeypatch, config, env, message):
    monkeypatch.delenv("MOTCUA_VNPAY_HASH_SECRET", raising=False)
    if env:
        monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", env)
    use_payments(settings, config)
    with pytest.raises(ProviderNotConfigured, match=message):
        payment_provider()
