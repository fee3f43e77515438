"""The online form of a procedure: fill, save as draft ("Lưu nháp"), submit ("Nộp hồ sơ").

The form is generated from the procedure's current version (``snapshot["form"]``). A draft may be
kept without an account (a token in the session) and moves to the account at login; submitting
needs an account, so that the citizen can follow, supplement and withdraw the dossier.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.site_urls import public_link
from motcua.dossiers.models import ApplicantKind, Delivery
from motcua.portal import selectors, services
from motcua.portal.forms import DossierForm, TableWidget, new_idempotency_key
from motcua.portal.session import draft_token
from motcua.portal.situation import mail_reaches_applicant
from motcua.portal.snapshot import form_spec
from motcua.procedures.models import OnlineLevel, Procedure


def _profile_initial(user) -> dict:
    profile = getattr(user, "citizen_profile", None) if user.is_authenticated else None
    if profile is None:
        return {"applicant_email": getattr(user, "email", "")} if user.is_authenticated else {}
    return {
        "applicant_kind": profile.kind,
        "applicant_name": profile.full_name,
        "applicant_id_number": profile.id_number,
        "organisation_name": profile.organisation_name,
        "applicant_tax_code": profile.tax_code,
        "applicant_phone": profile.phone,
        "applicant_email": user.email,
        "applicant_address": profile.address,
    }


def _render(request, procedure, version, form, *, status=200):
    return TemplateResponse(
        request,
        "portal/apply.html",
        {
            "procedure": procedure,
            "version": version,
            "form": form,
            "snapshot": version.snapshot,
            "ORGANISATION": ApplicantKind.ORGANISATION,
            "POST": Delivery.POST,
        },
        status=status,
    )


def _key(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("idempotency_key", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def apply_view(request, code: str):
    try:
        procedure, version = selectors.procedure_public(code=code)
    except Procedure.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy thủ tục.")) from exc
    if procedure.online_level == OnlineLevel.NONE:
        messages.warning(
            request, _("Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp trực tiếp.")
        )
        return redirect("portal:procedure", code=code)
    user = request.user
    token = draft_token(request, create=not user.is_authenticated)
    if user.is_authenticated:
        services.drafts_adopt(user=user, token=draft_token(request))
    draft = services.draft_get(procedure=procedure, user=user, token=token)
    options = {
        "spec": form_spec(version.snapshot),
        "units": selectors.procedure_units(procedure=procedure),
        "online_level": procedure.online_level,
        "existing": services.draft_uploads(draft),
    }
    if request.method == "GET":
        initial = dict(draft.form_data) if draft else _profile_initial(user)
        units = options["units"]
        if "unit" not in initial and units.count() == 1:
            initial["unit"] = units.first().pk
        initial.setdefault("delivery", Delivery.COUNTER)
        initial.update(idempotency_key=new_idempotency_key(), version=version.number)
        return _render(request, procedure, version, DossierForm(initial=initial, **options))

    form = DossierForm(request.POST, request.FILES, **options)
    if request.POST.get("_add_row") in form.fields:  # no-JS "Thêm dòng": show one more row
        widget = form.fields[request.POST["_add_row"]].widget
        if isinstance(widget, TableWidget):
            widget.extra_rows += 1
        return _render(request, procedure, version, form)
    if request.POST.get("action") != "submit" or not user.is_authenticated:
        return _save_draft(
            request,
            procedure,
            version,
            form,
            token,
            submitting=request.POST.get("action") == "submit",
        )
    return _submit(request, procedure, version, form, draft)


def _save_draft(request, procedure, version, form, token, *, submitting: bool):
    if not form.validate_draft():
        return _render(request, procedure, version, form, status=400)
    services.draft_save(
        procedure=procedure,
        user=request.user,
        token=token,
        values=form.raw_values(),
        new_files=form.new_files(),
        cleared=form.cleared_slots(),
    )
    if submitting:  # an anonymous visitor pressed "Nộp hồ sơ": keep the input, ask for an account
        messages.info(
            request, _("Bản nháp đã được lưu. Vui lòng đăng nhập (hoặc đăng ký) để nộp hồ sơ.")
        )
        return redirect_to_login(
            reverse("portal:apply", args=[procedure.national_code]), reverse("portal:login")
        )
    messages.success(
        request,
        _("Đã lưu nháp lúc %(time)s. Ông/bà có thể quay lại hoàn thiện sau.")
        % {"time": time_format(timezone.localtime(), "H:i")},
    )
    return redirect("portal:apply", code=procedure.national_code)


def _submit(request, procedure, version, form, draft):
    key = _key(request)
    if key is None:
        form.add_error(None, _("Phiên nộp hồ sơ không hợp lệ, vui lòng tải lại trang."))
        return _render(request, procedure, version, form, status=400)
    try:
        replay = services.submission_replay(key, request.user)
    except services.PortalError as exc:
        form.add_error(None, str(exc))
        return _render(request, procedure, version, form, status=400)
    if replay is not None:  # the same press again (double click, retry): the same dossier
        return redirect("portal:status", code=replay.code)
    if not form.is_valid():
        return _render(request, procedure, version, form, status=400)
    if form.cleaned_data.get("version") not in (None, version.number):
        form.add_error(
            None, _("Thủ tục vừa được cập nhật. Vui lòng kiểm tra lại tờ khai rồi nộp lại.")
        )
        return _render(request, procedure, version, form, status=409)
    data = form.cleaned_data
    try:
        dossier, created = services.dossier_submit(
            procedure=procedure,
            unit=data["unit"],
            user=request.user,
            key=key,
            applicant=form.applicant(),
            form_values=form.form_values(),
            spec=form.spec,
            new_files=form.new_files(),
            kept={
                s: u
                for s, u in form.existing.items()
                if s not in form.cleared_slots()
                and s not in form.new_files()
                and s not in form.hidden_names
            },
            delivery=data["delivery"],
            delivery_address=data.get("delivery_address", ""),
            draft=draft,
            status_url=public_link(reverse("portal:status", args=["CODE"]), request),
        )
    except services.PortalError as exc:
        form.add_error(None, str(exc))
        return _render(request, procedure, version, form, status=400)
    if created:
        # The receipt is mailed by a job after commit: say what was asked for, never that it
        # arrived (the job's outcome is on the desk's "Thư đã gửi" page), and nothing about mail
        # on a site whose mail never leaves it (the embedded default keeps it for the desk).
        email = dossier.applicant_email or getattr(dossier.applicant_user, "email", "")
        text = (
            _(
                "Nộp hồ sơ thành công. Mã hồ sơ của ông/bà là %(code)s; "
                "thư báo mã hồ sơ sẽ được gửi đến %(email)s."
            )
            if mail_reaches_applicant(dossier)
            else _("Nộp hồ sơ thành công. Mã hồ sơ của ông/bà là %(code)s; xin ghi lại mã này.")
        )
        messages.success(request, text % {"code": dossier.code, "email": email})
    return redirect("portal:status", code=dossier.code)
