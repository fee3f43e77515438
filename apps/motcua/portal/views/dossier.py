"""Lookup (``/tra-cuu/``), the status page (``/tra-cuu/<code>/``, opened by the QR code of printed
forms) and what the applicant does there: supplement, withdraw, choose delivery, rate, download.

Access to a dossier here is one of: ``owner`` (the applicant's account), ``officer`` (in scope,
read only), ``lookup`` (code + phone/ID proved in this session). A page for a dossier the visitor
may not see looks exactly like the lookup form for any other code: nothing tells whether it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.prepared import Prepared
from motcua.core.serving import file_response
from motcua.dossiers.files import document_file_response, result_file_response
from motcua.dossiers.models import Delivery, DossierDocument, DossierEvent
from motcua.dossiers.states import Action, Status
from motcua.dossiers.transitions import TRANSITIONS
from motcua.portal import ratelimit, selectors, services
from motcua.portal.forms import DeliveryForm, LookupForm, RatingForm, SupplementForm, WithdrawForm
from motcua.portal.models import Rating, Upload
from motcua.portal.session import grant, grant_proof, granted_ids
from motcua.portal.situation import situation


def _not_found_message() -> str:
    return _(
        "Không tìm thấy hồ sơ với mã và thông tin đã nhập. Vui lòng kiểm tra lại mã hồ sơ "
        "và số điện thoại hoặc số định danh của người nộp."
    )


def _client_ip(request) -> str:
    return ratelimit.client_address(request)


def _lookup_page(request, form, status=200):
    return TemplateResponse(request, "portal/lookup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def lookup_view(request):
    if request.method == "GET":
        return _lookup_page(request, LookupForm(initial={"code": request.GET.get("ma", "")}))
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _lookup_page(request, form, status=400)
    code, proof = form.cleaned_data["code"], form.cleaned_data["proof"]
    limit, window = ratelimit.lookup_limits()
    keys = [f"portal:lookup:ip:{_client_ip(request)}", f"portal:lookup:code:{code}"]
    if not ratelimit.attempt(keys, limit=limit, window=window):
        form.add_error(
            None,
            _("Ông/bà đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")
            % {"minutes": window // 60},
        )
        form.data = form.data.copy()
        form.data["proof"] = ""
        return _lookup_page(request, form, status=429)
    dossier, kind = selectors.dossier_lookup(code=code, proof=proof)
    if dossier is None:
        form.add_error(None, _not_found_message())
        form.data = form.data.copy()
        form.data["proof"] = ""  # never echo a phone or ID number back
        return _lookup_page(request, form)
    grant(request, dossier.pk, kind)
    return redirect("portal:status", code=dossier.code)


def _visible(request, code: str):
    return selectors.dossier_for_visitor(
        user=request.user, code=code, granted_ids=granted_ids(request)
    )


def _dossier_or_404(request, code: str):
    dossier, access = _visible(request, code)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier, access


def _can_act(request, dossier, access) -> bool:
    return access == "owner" and dossier.applicant_user_id == request.user.pk


#: The status page's reads of a dossier's events and documents, composed once (every visit).
_EVENTS = Prepared(
    lambda pk: DossierEvent.objects.filter(dossier_id=pk).order_by("created_at", "id"),
    markers=(-1,),
)
_DOCUMENTS = Prepared(
    lambda pk: DossierDocument.objects.filter(dossier_id=pk).exclude(file="").order_by("id"),
    markers=(-1,),
)


def _status_context(request, dossier, access, **forms) -> dict:
    """What the status page shows, read with the fewest queries: the events once (timeline,
    situation, supplement note), the rating only where one may exist, the frozen procedure
    version only for the owner's delivery form."""
    owner = _can_act(request, dossier, access)
    status = dossier.status
    events = _EVENTS.rows(dossier.pk)
    rating = Rating.objects.filter(dossier=dossier).first() if status in services.RATABLE else None
    text = selectors.status_text(dossier)
    context = {
        "dossier": dossier,
        "access": access,
        "owner": owner,
        "status_text": text,
        "situation": situation(dossier, text, events=events),
        "timeline": selectors.public_timeline(dossier=dossier, events=events),
        "documents": _DOCUMENTS.rows(dossier.pk),
        "result_available": bool(dossier.result_file) and status in services.RATABLE,
        "rating": rating,
        "can_link": (
            access == "lookup"
            and dossier.applicant_user_id is None
            and request.user.is_authenticated
            and not request.user.is_staff
        ),
        "Status": Status,
        "receipt_available": dossier.received_at is not None,
        # The clock stops while the applicant supplements or the dossier is suspended (the
        # appointment moves later on resume), so the page must not show the old date as firm.
        "clock_stopped": status in (Status.SUPPLEMENT_REQUESTED, Status.SUSPENDED)
        and dossier.received_at is not None,
    }
    if status == Status.SUPPLEMENT_REQUESTED:
        requests = [e for e in events if e.action == Action.REQUEST_SUPPLEMENT]
        context["supplement_note"] = requests[-1].note if requests else None
    if owner and status == Status.SUPPLEMENT_REQUESTED:
        context["supplement_form"] = forms.get("supplement_form") or SupplementForm(
            items=list(dossier.supplement_items or [])
        )
    if owner and status in TRANSITIONS[Action.WITHDRAW].sources:
        context["withdraw_form"] = forms.get("withdraw_form") or WithdrawForm()
    if owner and status in TRANSITIONS[Action.SET_DELIVERY].sources:
        snapshot = dossier.procedure_version.snapshot
        context["delivery_form"] = forms.get("delivery_form") or DeliveryForm(
            online=snapshot.get("procedure", {}).get("online_level") == "full",
            initial={"delivery": dossier.delivery, "delivery_address": dossier.delivery_address},
        )
    if access in ("owner", "lookup") and status in services.RATABLE and rating is None:
        context["rating_form"] = forms.get("rating_form") or RatingForm()
    return context


@require_GET
def status_view(request, code: str):
    dossier, access = _visible(request, code)
    if dossier is None:  # unknown, or not this visitor's: the same lookup form either way
        return _lookup_page(request, LookupForm(initial={"code": code}))
    return TemplateResponse(
        request, "portal/status.html", _status_context(request, dossier, access)
    )


def _refused(request, dossier, access, message=None, status=400, **forms):
    if message:
        messages.error(request, message)
    return TemplateResponse(
        request,
        "portal/status.html",
        _status_context(request, dossier, access, **forms),
        status=status,
    )


def _owner_dossier(request, code: str):
    dossier, access = _dossier_or_404(request, code)
    if not _can_act(request, dossier, access):
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier, access


@require_POST
def supplement_view(request, code: str):
    dossier, access = _owner_dossier(request, code)
    form = SupplementForm(request.POST, request.FILES, items=list(dossier.supplement_items or []))
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        return _refused(request, dossier, access, _("Hồ sơ hiện không cần bổ sung."), status=409)
    if not form.is_valid():
        return _refused(request, dossier, access, supplement_form=form)
    try:
        services.portal_supplement(
            dossier=dossier,
            user=request.user,
            files=form.files_by_item(),
            note=form.cleaned_data["note"],
        )
    except services.PortalError as exc:
        form.add_error(None, str(exc))
        return _refused(request, dossier, access, supplement_form=form)
    messages.success(request, _("Đã gửi bổ sung hồ sơ. Cơ quan giải quyết tiếp tục xử lý hồ sơ."))
    return redirect("portal:status", code=code)


@require_POST
def withdraw_view(request, code: str):
    dossier, access = _owner_dossier(request, code)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _refused(request, dossier, access, withdraw_form=form)
    try:
        services.portal_withdraw(
            dossier=dossier, user=request.user, reason=form.cleaned_data["reason"]
        )
    except services.PortalError as exc:
        return _refused(request, dossier, access, str(exc), status=409)
    messages.success(request, _("Đã rút hồ sơ."))
    return redirect("portal:status", code=code)


@require_POST
def delivery_view(request, code: str):
    dossier, access = _owner_dossier(request, code)
    online = dossier.procedure_version.snapshot.get("procedure", {}).get("online_level") == "full"
    form = DeliveryForm(request.POST, online=online)
    if not form.is_valid():
        return _refused(request, dossier, access, delivery_form=form)
    try:
        services.dossier_set_delivery(
            dossier=dossier,
            user=request.user,
            delivery=form.cleaned_data["delivery"],
            address=form.cleaned_data.get("delivery_address", ""),
        )
    except services.PortalError as exc:
        return _refused(request, dossier, access, str(exc), status=409)
    if form.cleaned_data["delivery"] == Delivery.POST:
        messages.success(
            request, _("Kết quả sẽ được gửi qua bưu chính công ích đến địa chỉ đã nhập.")
        )
    else:
        messages.success(request, _("Đã lưu hình thức nhận kết quả."))
    return redirect("portal:status", code=code)


@require_POST
def rate_view(request, code: str):
    dossier, access = _dossier_or_404(request, code)
    if access not in ("owner", "lookup"):
        raise Http404(_("Không tìm thấy hồ sơ."))
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _refused(request, dossier, access, rating_form=form)
    try:
        services.rating_create(
            dossier=dossier,
            user=request.user,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except services.PortalError as exc:
        return _refused(request, dossier, access, str(exc), status=409)
    messages.success(request, _("Cảm ơn ông/bà đã đánh giá."))
    return redirect("portal:status", code=code)


@require_POST
def link_view(request, code: str):
    """Link a counter dossier, proved in this session, to the logged-in citizen's account."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('portal:login')}?next={reverse('portal:status', args=[code])}")
    dossier, access = _dossier_or_404(request, code)
    proof = grant_proof(request, dossier.pk)
    if access != "lookup" or not proof:
        raise Http404(_("Không tìm thấy hồ sơ."))
    try:
        services.dossier_link_account(dossier=dossier, user=request.user, proof=proof)
    except services.PortalError as exc:
        return _refused(request, dossier, access, str(exc), status=409)
    messages.success(request, _("Hồ sơ đã được gắn với tài khoản của ông/bà."))
    return redirect("portal:status", code=code)


@require_GET
def document_view(request, code: str, pk: int):
    dossier, _access = _dossier_or_404(request, code)
    return document_file_response(dossier=dossier, document_pk=pk)


@require_GET
def result_view(request, code: str):
    dossier, _access = _dossier_or_404(request, code)
    if not dossier.result_file or dossier.status not in services.RATABLE:
        raise Http404(_("Chưa có kết quả."))
    return result_file_response(dossier=dossier)


@require_GET
def printed_form_view(request, code: str, form: str):
    """``/tra-cuu/<code>/mau/<form>/``: the applicant's own copy of a form addressed to them
    (the receipt 01, the supplement request 02, …) as PDF, for whoever may see the dossier."""
    from django.http import HttpResponse

    from motcua.printing.render import PrintError, render_applicant_copy

    dossier, _access = _dossier_or_404(request, code)
    try:
        pdf, filename = render_applicant_copy(code=form, dossier=dossier)
    except PrintError as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def upload_view(request, pk):
    """A file of the visitor's own draft (before submission); dossier files go through their page."""
    from motcua.portal.session import draft_token

    upload = Upload.objects.filter(pk=pk, dossier__isnull=True).first()
    user = request.user
    mine = upload is not None and (
        (user.is_authenticated and upload.user_id == user.pk)
        or (upload.user_id is None and upload.token and upload.token == draft_token(request))
    )
    if not mine:
        raise Http404(_("Không có tệp."))
    return file_response(
        upload.file, original_name=upload.original_name, content_type=upload.content_type
    )
