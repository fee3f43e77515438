"""Issue 16, 2: a result is returned only once its fee is settled (per procedure, site default on).

Settled: paid online, recorded as paid at the counter (receipt number and who took it), or waived
for an exempt applicant (with its ground). Each counter record is an audited event. A finished
dossier never offers payment.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import ActionForbidden, DossierError
from motcua.dossiers.states import Action, Status
from motcua.integrations.selectors import payment_state
from motcua.procedures.models import Fee
from motcua.procedures.services import procedure_publish
from tests.flows.conftest import act, receive, to_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_fee(world):
    """The procedure charges 100.000 ₫ (published as a new version)."""
    Fee.objects.create(procedure=world.procedure, name="Lệ phí cấp phép", amount=100000)
    procedure_publish(procedure=world.procedure)
    return world


def _ready(world, applicant, documents) -> Dossier:
    d = receive(world, applicant, documents)
    assert d.fee_total == Decimal(100000)
    return to_result(world, d)


def _return(world, d, **kw):
    kw.setdefault("delivery", "counter")
    return act(
        (2025, 3, 11, 9, 0),
        services.dossier_return_result,
        dossier=d,
        user=world.users.reception,
        **kw,
    )


def test_an_unpaid_result_is_not_returned(with_fee, applicant, documents):
    d = _ready(with_fee, applicant, documents)
    with pytest.raises(DossierError, match="chưa nộp phí, lệ phí"):
        _return(with_fee, d)
    assert Dossier.objects.get(pk=d.pk).status == Status.RESULT_READY


def test_a_counter_payment_is_recorded_with_its_receipt_and_collector(
    with_fee, applicant, documents
):
    w = with_fee
    d = _ready(w, applicant, documents)
    with pytest.raises(DossierError, match="số biên lai"):
        services.dossier_record_payment(dossier=d, user=w.users.reception, receipt_number=" ")
    d = act(
        (2025, 3, 11, 8, 30),
        services.dossier_record_payment,
        dossier=d,
        user=w.users.reception,
        receipt_number="BL-0001234",
    )
    assert (d.is_paid, d.paid_online, d.fee_receipt_number) == (True, False, "BL-0001234")
    assert d.fee_collected_by == w.users.reception
    event = DossierEvent.objects.get(dossier=d, action=Action.RECORD_PAYMENT)
    assert event.actor == w.users.reception
    assert event.data == {"amount": "100000", "receipt_number": "BL-0001234"}
    # a second payment is refused; then the result goes back
    with pytest.raises(DossierError, match="đã được nộp"):
        services.dossier_record_payment(dossier=d, user=w.users.reception, receipt_number="2")
    assert _return(w, d).status == Status.RETURNED


def test_only_the_counter_records_a_payment(with_fee, applicant, documents):
    d = _ready(with_fee, applicant, documents)
    with pytest.raises(ActionForbidden):
        services.dossier_record_payment(dossier=d, user=with_fee.users.spec1, receipt_number="1")


def test_an_exempt_applicant_is_waived_with_the_ground_and_the_result_returned(
    with_fee, applicant, documents
):
    w = with_fee
    d = _ready(w, applicant, documents)
    with pytest.raises(DossierError, match="căn cứ miễn"):
        services.dossier_waive_fee(dossier=d, user=w.users.reception, reason="")
    d = services.dossier_waive_fee(
        dossier=d, user=w.users.reception, reason="Hộ nghèo (Điều 5 Nghị quyết 12/2021)"
    )
    event = DossierEvent.objects.get(dossier=d, action=Action.WAIVE_FEE)
    assert (event.actor, event.note) == (w.users.reception, "Hộ nghèo (Điều 5 Nghị quyết 12/2021)")
    assert d.fee_waived and not d.is_paid
    assert _return(w, d).status == Status.RETURNED


def test_a_procedure_collecting_its_fee_later_returns_unpaid(with_fee, applicant, documents):
    w = with_fee
    w.procedure.fee_before_return = False
    w.procedure.save()
    procedure_publish(procedure=w.procedure)
    d = _ready(w, applicant, documents)
    assert _return(w, d).status == Status.RETURNED


def test_a_site_may_turn_the_rule_off(with_fee, applicant, documents, settings):
    d = _ready(with_fee, applicant, documents)
    extra = {**settings.SITE.extra, "fee_before_return": False}
    settings.SITE = dataclasses.replace(settings.SITE, extra=extra)
    assert _return(with_fee, d).status == Status.RETURNED


def test_a_finished_dossier_never_offers_payment(with_fee, applicant, documents):
    w = with_fee
    d = _ready(w, applicant, documents)
    d.applicant_user = w.users.citizen
    d.save(update_fields=["applicant_user"])
    assert payment_state(dossier=d, user=w.users.citizen).can_pay  # result ready: pay now
    w.procedure.fee_before_return = False
    w.procedure.save()
    Dossier.objects.filter(pk=d.pk).update(
        procedure_version=procedure_publish(procedure=w.procedure)
    )
    d = _return(w, Dossier.objects.get(pk=d.pk))
    assert not payment_state(dossier=d, user=w.users.citizen).can_pay


def test_the_desk_offers_the_fee_records_only_while_a_fee_is_owed(
    with_fee, applicant, documents, client
):
    w = with_fee
    d = _ready(w, applicant, documents)
    client.force_login(w.users.reception)
    page = client.get(f"/desk/dossiers/{d.pk}/").content.decode()
    assert 'data-action="record_payment"' in page and 'data-action="waive_fee"' in page
    assert "(chưa nộp)" in page
    services.dossier_record_payment(dossier=d, user=w.users.reception, receipt_number="BL-9")
    page = client.get(f"/desk/dossiers/{d.pk}/").content.decode()
    assert 'data-action="record_payment"' not in page and 'data-action="waive_fee"' not in page
    assert "biên lai số BL-9" in page
