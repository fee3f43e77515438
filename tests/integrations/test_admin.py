"""Desk pages: payments scoped through dossiers_visible; callback log and outbox for superusers."""

from __future__ import annotations

import pytest
from django.db import transaction

from motcua.dossiers import services
from motcua.integrations.models import Payment, PaymentCallback, Verdict
from motcua.integrations.outbox import outbox_emit
from tests.integrations.conftest import submit
from tests.units.factories import make_user

PAYMENTS = "/admin/integrations/payment/"
pytestmark = pytest.mark.django_db

CALLBACKS = "/admin/integrations/paymentcallback/"
OUTBOX = "/admin/integrations/outboxmessage/"


@pytest.fixture
def payments(paying_world, applicant):
    """One payment for a dossier of Hồng Bàng (d), one for Lê Chân (d2)."""
    here = submit(paying_world, applicant)
    there = paying_world.units.d2
    elsewhere = services.dossier_submit_online(
        procedure=paying_world.procedure,
        unit=there,
        applicant=applicant,
        user=paying_world.users.citizen,
    )
    return (
        Payment.objects.create(
            dossier=here, provider="sandbox", order_ref="HONGBANG1", amount=here.fee_total
        ),
        Payment.objects.create(
            dossier=elsewhere, provider="sandbox", order_ref="LECHAN1", amount=elsewhere.fee_total
        ),
    )


def test_an_officer_sees_only_the_payments_of_their_scope(login, paying_world, payments):
    page = login(paying_world.users.spec1).get(PAYMENTS)

    assert page.status_code == 200
    html = page.content.decode()
    assert "HONGBANG1" in html and "LECHAN1" not in html
    assert "1.500.000\xa0₫" in html


def test_an_officer_cannot_open_a_payment_outside_their_scope(login, paying_world, payments):
    client = login(paying_world.users.spec1)
    assert client.get(f"{PAYMENTS}{payments[0].pk}/change/").status_code == 200
    assert client.get(f"{PAYMENTS}{payments[1].pk}/change/").status_code in (302, 404)


def test_a_superuser_sees_all_payments_and_cannot_edit_them(login, payments):
    client = login(make_user("root", is_superuser=True))
    html = client.get(PAYMENTS).content.decode()
    assert "HONGBANG1" in html and "LECHAN1" in html
    assert client.get(f"{PAYMENTS}add/").status_code == 403
    before = Payment.objects.get(pk=payments[0].pk).status
    client.post(f"{PAYMENTS}{payments[0].pk}/change/", {"status": "paid"})
    assert Payment.objects.get(pk=payments[0].pk).status == before


def test_a_citizen_has_no_desk_page(login, paying_world, payments):
    assert login(paying_world.users.citizen).get(PAYMENTS).status_code == 302


def test_callback_log_and_outbox_are_for_superusers(login, paying_world, payments):
    PaymentCallback.objects.create(
        provider="vnpay",
        kind="ipn",
        order_ref="FORGED1",
        verdict=Verdict.BAD_SIGNATURE,
        message="Chữ ký sai",
    )
    with transaction.atomic():
        outbox_emit(topic="payment.paid", payload={"order_ref": "HONGBANG1"})

    officer = login(paying_world.users.leader)
    assert officer.get(CALLBACKS).status_code == 403
    assert officer.get(OUTBOX).status_code == 403

    root = login(make_user("root", is_superuser=True))
    callbacks = root.get(CALLBACKS, {"q": "FORGED1"})
    assert callbacks.status_code == 200 and "FORGED1" in callbacks.content.decode()
    assert root.get(OUTBOX).status_code == 200
    assert root.get(f"{CALLBACKS}add/").status_code == 403


def test_the_callback_log_is_append_only():
    entry = PaymentCallback.objects.create(provider="vnpay", kind="ipn", verdict=Verdict.ERROR)
    entry.message = "sửa"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
