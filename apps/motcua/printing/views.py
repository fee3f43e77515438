"""Print views: a dossier's form as PDF, the ledger (a desk page, its PDF by a job), a signed
result.

Only staff holding the print right reach them (anonymous → login, citizens and officers without
the right → 403); the dossier is read through the scoped
selector, so a dossier outside the officer's scope is a 404, exactly like one that does not exist.
``?sign=1`` signs the PDF with the unit's certificate (always signed when the site requires it).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.desk.shortcuts import desk_render
from motcua.dossiers.models import Dossier
from motcua.printing import services
from motcua.printing.access import may_print
from motcua.printing.context import ledger_rows
from motcua.printing.forms import LedgerForm
from motcua.printing.jobs import ledger_pdf_request
from motcua.printing.registry import FORMS, ledger_dossiers
from motcua.printing.render import render_form
from motcua.printing.signing import SigningUnavailable, signing_required
from motcua.units.desk_access import may_enter_desk


def staff_required(view):
    """Anonymous visitors go to the login page; logged-in non-staff (citizens) get 403, and so
    does an officer whose role lacks the print right (:mod:`motcua.printing.access`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not may_enter_desk(user):
            raise PermissionDenied(_("Trang này chỉ dành cho cán bộ, công chức."))
        if not may_print(user):
            raise PermissionDenied(_("Vai trò của bạn không có quyền in."))
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, template, context, *, status=200):
    request.current_app = admin.site.name
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), **context}, status=status
    )


def _pdf(request, pdf: bytes, filename: str, *, problem=None, sign: bool = False):
    """Return *pdf* inline, signed when asked or required; never blocks optional signing."""
    headers = {}
    asked = request.GET.get("sign") == "1"
    if sign or asked or signing_required():
        try:
            pdf = services.pdf_sign(pdf=pdf)
            headers["X-Motcua-Signature"] = "signed"
        except SigningUnavailable as exc:
            # An officer who asked for a signed copy is told it cannot be made (never handed an
            # unsigned PDF as if it were signed); the page links the unsigned copy when allowed.
            if signing_required() or asked:
                unsigned = request.GET.copy()
                unsigned.pop("sign", None)
                return _page(
                    request,
                    "printing/desk/signing_unavailable.html",
                    {
                        "title": _("Không ký số được"),
                        "message": str(exc),
                        "required": signing_required(),
                        "unsigned_url": f"{request.path}?{unsigned.urlencode()}".rstrip("?"),
                    },
                    status=503,
                )
            headers["X-Motcua-Signature"] = "unsigned; " + quote(str(exc))
    if problem is not None:
        messages.warning(
            request,
            _("Mẫu in đã sửa bị lỗi (%(problem)s); đã in theo mẫu mặc định.")
            % {"problem": problem},
        )
        headers["X-Motcua-Template"] = "default-fallback"
    response = HttpResponse(pdf, content_type="application/pdf", headers=headers)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@staff_required
def dossier_form(request, pk: int, code: str):
    """``GET /print/dossiers/<pk>/<code>/``: form 01–06 of one dossier as PDF."""
    spec = FORMS.get(code)
    if spec is None or not spec.per_dossier:
        raise Http404(_("Không có biểu mẫu này."))
    try:
        rendered = render_form(code=code, user=request.user, dossier=pk)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    return _pdf(request, rendered.pdf, rendered.filename, problem=rendered.problem)


#: Rows per page of the HTML ledger (a busy unit's day is about 150).
LEDGER_PAGE_SIZE = 50


@require_GET
@staff_required
def ledger(request):
    """``GET /print/ledger/?unit=&from=&to=&book=&page=``: the ledger (form 07) as a page of the
    desk, 50 rows a page, with the same rows and columns as the PDF; without a query, the form
    that asks for the unit, the days and the book. The PDF is made by a job
    (:func:`ledger_pdf`); a unit outside the officer's scope is a 404."""
    title = _("Sổ theo dõi hồ sơ")
    if not request.GET:
        today = timezone.localdate()
        form = LedgerForm(user=request.user, initial={"from": today, "to": today})
        return desk_render(request, "printing/desk/ledger.html", {"title": title, "form": form})
    form = LedgerForm(request.GET, user=request.user)
    if not form.is_valid():
        if "unit" in form.errors and request.GET.get("unit"):  # unknown or outside the scope
            raise Http404(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
        return desk_render(
            request, "printing/desk/ledger.html", {"title": title, "form": form}, status=400
        )
    data = form.cleaned_data
    dossiers = (
        ledger_dossiers(
            user=request.user,
            unit=data["unit"],
            date_from=data["from"],
            date_to=data["to"],
            book=data["book"],
        )
        .select_related("procedure", "current_unit")
        .prefetch_related("steps__unit")
    )
    page = Paginator(dossiers, LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = ledger_rows(page.object_list, now=timezone.now(), start=page.start_index())
    return desk_render(
        request,
        "printing/desk/ledger.html",
        {"title": title, "form": form, "ledger": data, "page": page, "rows": rows},
    )


@require_POST
@staff_required
def ledger_pdf(request):
    """``POST /print/ledger/pdf/`` (the ledger's query): queue the PDF (form 07) as a job and go
    to the task's page, which links the file when it is made (:mod:`motcua.printing.jobs`)."""
    form = LedgerForm(request.POST, user=request.user)
    if not form.is_valid():
        if "unit" in form.errors and request.POST.get("unit"):
            raise Http404(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
        return desk_render(
            request,
            "printing/desk/ledger.html",
            {"title": _("Sổ theo dõi hồ sơ"), "form": form},
            status=400,
        )
    data = form.cleaned_data
    task = ledger_pdf_request(
        user=request.user,
        unit=data["unit"],
        date_from=data["from"],
        date_to=data["to"],
        book=data["book"],
        sign=request.POST.get("sign") == "1",
    )
    return redirect("jobs:task", pk=task.pk)


@require_GET
@staff_required
def dossier_result(request, pk: int):
    """``GET /print/dossiers/<pk>/result/``: the dossier's result PDF, signed by the unit."""
    try:
        pdf, filename = services.dossier_result_pdf(user=request.user, pk=pk)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    except services.NoResultPdf as exc:
        raise Http404(str(exc)) from None
    return _pdf(request, pdf, filename, sign=True)
