"""Payment pages: start, the provider's return and IPN, and the sandbox's pretend gateway.

Who may start a payment is explained in ``motcua.integrations.selectors``; anybody else gets a 404
(a dossier's existence is not revealed). The IPN is called by the provider's servers, so it is
exempt from CSRF and always answers in the provider's JSON.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.integrations.models import Payment, PaymentStatus
from motcua.integrations.payments.base import (
    ProviderNotConfigured,
    enabled_provider_names,
    payment_provider,
)
from motcua.integrations.payments.sandbox import CANCELLED, PAID
from motcua.integrations.selectors import dossier_for_payer, payer_may_pay
from motcua.integrations.services import (
    PaymentError,
    payment_ipn,
    payment_return,
    payment_start,
)

log = logging.getLogger(__name__)

#: Session key: order_ref → the portal page to go back to after paying.
NEXT_SESSION_KEY = "payment_next"


def _client_ip(request: HttpRequest) -> str:
    from motcua.security.client_ip import client_ip

    address = client_ip(request)  # the trusted proxy header only
    return "" if address == "unknown" else address


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def _result_page(request, *, title: str, message: str, ok: bool, back: str = "", status=200):
    return render(
        request,
        "integrations/result.html",
        {"title": title, "message": message, "ok": ok, "back_url": back},
        status=status,
    )


@require_POST
def payment_start_view(request: HttpRequest, dossier_code: str) -> HttpResponse:
    dossier = dossier_for_payer(code=dossier_code, user=request.user, session=request.session)
    if dossier is None:
        raise Http404
    payer = (
        request.user
        if payer_may_pay(dossier=dossier, user_or_session=request.user)
        else request.session
    )
    back = _safe_next(request)
    try:
        name = payment_provider().name
    except ProviderNotConfigured:
        name = ""  # payment_start reports it to the citizen and logs the detail
    return_url = request.build_absolute_uri(
        reverse("integrations:return", kwargs={"provider": name or "sandbox"})
    )
    try:
        payment, redirect_url = payment_start(
            dossier=dossier,
            user_or_session=payer,
            return_url=return_url,
            client_ip=_client_ip(request),
            provider=name or None,
        )
    except PaymentError as exc:
        return _result_page(
            request,
            title=_("Không thể thanh toán"),
            message=str(exc),
            ok=False,
            back=back,
            status=400,
        )
    if back:
        remembered = dict(list(request.session.get(NEXT_SESSION_KEY, {}).items())[-9:])
        remembered[payment.order_ref] = back
        request.session[NEXT_SESSION_KEY] = remembered
    return redirect(redirect_url)


@require_GET
def payment_return_view(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        outcome = payment_return(
            provider=provider, params=request.GET.dict(), remote_addr=_client_ip(request)
        )
    except ProviderNotConfigured as exc:
        raise Http404 from exc
    paid = outcome.payment is not None and outcome.payment.status == PaymentStatus.PAID
    if outcome.refused:
        title = _("Dữ liệu thanh toán không hợp lệ")
    elif paid:
        title = _("Thanh toán thành công")
    elif outcome.payment is not None and outcome.payment.status == PaymentStatus.PENDING:
        title = _("Đang chờ xác nhận thanh toán")
    else:
        title = _("Thanh toán chưa hoàn tất")
    back = ""
    if outcome.payment is not None:
        back = request.session.get(NEXT_SESSION_KEY, {}).get(outcome.payment.order_ref, "")
    return _result_page(
        request,
        title=title,
        message=outcome.message,
        ok=paid,
        back=back,
        status=400 if outcome.refused else 200,
    )


@csrf_exempt
@require_GET
def payment_ipn_view(request: HttpRequest, provider: str) -> HttpResponse:
    try:
        body, _result = payment_ipn(
            provider=provider, params=request.GET.dict(), remote_addr=_client_ip(request)
        )
    except ProviderNotConfigured as exc:
        raise Http404 from exc
    return JsonResponse(body)


@require_http_methods(["GET", "POST"])
def sandbox_pay_view(request: HttpRequest, order_ref: str) -> HttpResponse:
    """The sandbox's pretend payment page; only on sites that enable the sandbox."""
    if "sandbox" not in enabled_provider_names():
        raise Http404
    payment = get_object_or_404(
        Payment.objects.select_related("dossier", "dossier__procedure"),
        order_ref=order_ref,
        provider="sandbox",
    )
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        decision = request.POST.get("decision")
        if decision not in (PAID, CANCELLED):
            return HttpResponseBadRequest("decision must be 'paid' or 'cancelled'")
        params = payment_provider("sandbox").callback_params(payment=payment, decision=decision)
        return redirect(f"{payment.return_url}?{urlencode(params)}")
    # A way back (never a dead end): the page the citizen came from, else the dossier's page.
    back = request.session.get(NEXT_SESSION_KEY, {}).get(payment.order_ref) or reverse(
        "portal:status", kwargs={"code": payment.dossier.code}
    )
    return render(request, "integrations/sandbox_pay.html", {"payment": payment, "back": back})
