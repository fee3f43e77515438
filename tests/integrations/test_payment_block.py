"""The payment block the portal includes on the dossier status page (``portal/_payment.html``)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from motcua.core import lookup_grants
from motcua.dossiers.models import Dossier
from motcua.integrations.models import Payment
from tests.integrations.conftest import submit


def render(dossier, user=None, session=None) -> str:
    """Render the block as the portal does; by default for the dossier's owner."""
    request = RequestFactory().get("/tra-cuu/ho-so/?ma=1")
    request.user = user or dossier.applicant_user or AnonymousUser()
    request.session = session or {}
    return render_to_string("portal/_payment.html", {"dossier": dossier}, request=request)


def test_an_unpaid_dossier_shows_the_amount_and_a_pay_button(dossier):
    html = render(dossier)

    assert "1.500.000\xa0₫" in html
    assert "Chưa nộp" in html
    assert f'action="/thanh-toan/{dossier.code}/bat-dau/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/tra-cuu/ho-so/?ma=1"' in html


def test_a_dossier_paid_online_says_so_and_offers_no_button(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(is_paid=True, paid_online=True)
    dossier.refresh_from_db()

    html = render(dossier)

    assert "Đã nộp — thanh toán trực tuyến" in html
    assert "bat-dau" not in html


def test_a_dossier_paid_at_the_counter_is_paid_not_online(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(is_paid=True)
    dossier.refresh_from_db()

    html = render(dossier)

    assert "Đã nộp" in html and "trực tuyến" not in html


def test_a_pending_payment_is_mentioned_and_may_be_retried(dossier):
    Payment.objects.create(
        dossier=dossier, provider="sandbox", order_ref="CHO1", amount=dossier.fee_total
    )
    html = render(dossier)
    assert "CHO1" in html and "bat-dau" in html


def test_a_dossier_without_fees_needs_no_payment(world, applicant):
    html = render(submit(world, applicant))
    assert "không phải nộp phí, lệ phí" in html
    assert "bat-dau" not in html


def test_a_visitor_with_a_lookup_session_gets_the_button(dossier):
    session: dict = {}
    lookup_grants.grant(session, dossier.pk, "phone")
    html = render(dossier, user=AnonymousUser(), session=session)
    assert "bat-dau" in html


def test_an_officer_sees_the_facts_without_the_button(paying_world, dossier):
    html = render(dossier, user=paying_world.users.spec1)
    assert "Chưa nộp" in html and "1.500.000\xa0₫" in html
    assert "bat-dau" not in html
