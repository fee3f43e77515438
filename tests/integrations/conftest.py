"""Payment tests reuse the lifecycle world (units, officers, a procedure) of tests/builders.py.

The procedure gets two fees (1.500.000 ₫ in all) and is published again, so a dossier submitted
online by the citizen ``congdan`` carries ``fee_total`` the way production computes it.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.test import Client

from motcua.dossiers import services
from motcua.procedures.models import Fee
from motcua.procedures.services import procedure_publish

TEST_SECRET = "TESTSECRET0123456789ABCDEFGHIJKL"
TEST_TMN = "MOTCUA01"
FEE_TOTAL = Decimal(1_500_000)


def use_payments(settings, config: dict) -> None:
    """Give the test site a ``[payments]`` table (restored after the test by ``settings``)."""
    settings.SITE = dataclasses.replace(
        settings.SITE, extra={**settings.SITE.extra, "payments": config}
    )


@pytest.fixture
def vnpay_site(settings, monkeypatch):
    """A site paying with VNPay at *payment_url* (the fake gateway's, when a test starts one)."""

    def configure(
        payment_url: str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html", **extra
    ) -> None:
        use_payments(
            settings,
            {"provider": "vnpay", "tmn_code": TEST_TMN, "payment_url": payment_url, **extra},
        )

    monkeypatch.setenv("MOTCUA_VNPAY_HASH_SECRET", TEST_SECRET)
    configure()
    return configure


@pytest.fixture
def sandbox_site(settings):
    use_payments(settings, {"provider": "sandbox"})  # the sandbox only where named


@pytest.fixture
def paying_world(world):
    Fee.objects.create(procedure=world.procedure, name="Lệ phí cấp giấy phép", amount=75_000)
    Fee.objects.create(procedure=world.procedure, name="Phí thẩm định", amount=1_425_000)
    procedure_publish(procedure=world.procedure)
    return world


def submit(world, applicant, user=None):
    """A dossier submitted online by *user* (the citizen by default)."""
    return services.dossier_submit_online(
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        user=user if user is not None else world.users.citizen,
    )


@pytest.fixture
def dossier(paying_world, applicant):
    return submit(paying_world, applicant)


@pytest.fixture
def login():
    """Return a function giving a test client logged in as a user, in Vietnamese."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = "vi"
        return client

    return make
