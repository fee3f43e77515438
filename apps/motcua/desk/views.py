"""Officer pages. Each view parses with a form, calls one selector or service, and renders.

Errors of the lifecycle come back to the officer in Vietnamese, and nothing is changed: a conflict
(another officer acted first) is 409, a refused right 403, bad input 400. A dossier outside the
officer's scope is 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from motcua.desk import selectors
from motcua.desk.actions import DESK_ACTIONS, action_forms
from motcua.desk.forms import (
    CounterDeclarationForm,
    CounterPickForm,
    ReceiveForm,
    SearchForm,
    WorklistFilterForm,
)
from motcua.desk.mixins import desk_required
from motcua.desk.shortcuts import desk_render
from motcua.desk.templatetags.desk_tags import desk_dt
from motcua.dossiers.files import (
    consultation_file_response,
    document_file_response,
    result_file_response,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import ActionForbidden, dossier_available_actions
from motcua.dossiers.selectors import (
    GROUP_PAGE_ROWS,
    GroupRows,
    worklist,
    worklist_counts,
    worklist_group_page,
    worklist_rows,
)
from motcua.dossiers.services import DossierConflict, DossierError, dossier_receive
from motcua.dossiers.states import TERMINAL, Status
from motcua.dossiers.transitions import TransitionNotAllowed
from motcua.portal.snapshot import form_spec
from motcua.printing.selectors import dossier_print_links
from motcua.procedures.selectors import procedure_current_version

PAGE_SIZE = 50


def _dossier_or_404(user, pk: int) -> Dossier:
    try:
        return selectors.dossier_page(user=user, pk=pk)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None


def _forbidden(request, message: str):
    return desk_render(
        request,
        "desk/forbidden.html",
        {"title": _("Không được phép"), "message": message},
        status=403,
    )


# --------------------------------------------------------------------------- lists


def _worklist_sections():
    return [
        ("overdue", _("Quá hạn")),
        ("due_today", _("Đến hạn hôm nay")),
        ("due_soon", _("Sắp đến hạn (trong 2 ngày làm việc)")),
        ("in_time", _("Còn hạn")),
        ("paused", _("Đang tạm dừng, chờ bổ sung")),
    ]


@require_GET
@desk_required
def worklist_view(request):
    """The officer's open dossiers by urgency: each group's first rows and its exact count.

    ``?group=<name>&page=<n>`` (with the same filters) lists one group page by page, so a
    supervisor's worklist never renders a province's open dossiers at once.
    """
    form = WorklistFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = {"user": request.user, "unit": filters.get("unit"), "officer": filters.get("officer")}
    labels = {
        "overdue": _("Quá hạn"),
        "due_today": _("Đến hạn hôm nay"),
        "due_soon": _("Sắp đến hạn (trong 2 ngày làm việc)"),
        "in_time": _("Còn hạn"),
        "paused": _("Đang tạm dừng, chờ bổ sung"),
    }
    group = request.GET.get("group")
    context = {"title": _("Hồ sơ cần xử lý"), "form": form, "page": None}
    if group in labels:
        now = timezone.now()
        rows = worklist_rows(**scope)
        counts = worklist_counts(rows, now)
        page = Paginator(range(counts[group]), GROUP_PAGE_ROWS).get_page(request.GET.get("page"))
        shown = GroupRows(
            worklist_group_page(
                rows, group, now, offset=max(page.start_index() - 1, 0), limit=GROUP_PAGE_ROWS
            )
        )
        shown.total = counts[group]
        sections = [(group, labels[group], shown)]
        context.update(group=group, group_label=labels[group], page=page)
    else:
        groups = worklist(**scope)
        counts = groups.counts()
        sections = [(key, label, getattr(groups, key)) for key, label in labels.items()]
    context.update(
        counts=counts,
        summary=[(key, label, counts[key]) for key, label in labels.items()],
        sections=sections,
    )
    return desk_render(request, "desk/worklist.html", context, status=400 if form.errors else 200)


@require_GET
@desk_required
def intake_view(request):
    page = Paginator(selectors.intake_queue(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Accept/refuse/supplement at intake belong to the reception officers of the dossier's unit
    # (permissions rule 1); the services check it again on every post.
    counters = set(selectors.reception_units(user=request.user).values_list("pk", flat=True))
    return desk_render(
        request,
        "desk/intake.html",
        {
            "title": _("Hồ sơ trực tuyến chờ tiếp nhận"),
            "page": page,
            "counter_units": counters,
        },
    )


@require_GET
@desk_required
def search_view(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    results = selectors.desk_search(user=request.user, query=query) if query else None
    return desk_render(
        request,
        "desk/search.html",
        {"title": _("Tra cứu hồ sơ"), "form": form, "query": query, "results": results},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- reception counter


@require_http_methods(["GET", "POST"])
@desk_required
def counter_view(request):
    units = selectors.reception_units(user=request.user)
    if not units.exists():
        return _forbidden(request, _("Bạn không phải cán bộ một cửa của đơn vị nào."))
    pick = CounterPickForm(
        request.POST if request.method == "POST" else request.GET or None, units=units
    )
    unit, procedure, matches = pick.resolve()
    if procedure is None:  # the search has the focus until a procedure is chosen
        pick.fields["q"].widget.attrs["autofocus"] = True
    version = procedure_current_version(procedure=procedure) if procedure else None
    form = declaration = None
    competent, choose_competent = unit, False
    if procedure is not None:
        # boundary-free reception: the officer names the competent unit (dossiers/boundary.py)
        pick.competent_choices(unit, procedure)
        competent = pick.cleaned_data.get("competent")
        offered = pick.fields["competent"].queryset
        choose_competent = offered.exclude(pk=unit.pk).exists()
        if competent is None and choose_competent:
            pick.fields["competent"].required = True
        documents = version.snapshot.get("documents", []) if version else []
        form = ReceiveForm(request.POST or None, request.FILES or None, documents=documents)
        spec = form_spec(version.snapshot) if version else {"fields": []}
        if spec["fields"]:
            declaration = CounterDeclarationForm(request.POST or None, spec=spec)
    status = 200
    if request.method == "POST":
        status = 400
        declared = declaration is None or declaration.is_valid()  # errors shown with the form's
        if form is not None and competent is None:
            form.is_valid()  # so the other fields' errors show with this one
            form.add_error(None, _("Cần chọn cơ quan có thẩm quyền giải quyết hồ sơ."))
        elif form is not None and form.is_valid() and declared:
            try:
                dossier = dossier_receive(
                    user=request.user,
                    procedure=procedure,
                    unit=unit,
                    competent_unit=competent,
                    form_data=declaration.form_values() if declaration else {},
                    **form.service_kwargs(),
                )
            except ActionForbidden as exc:
                return _forbidden(request, str(exc))
            except DossierError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _received_message(dossier))
                return redirect("desk:dossier", pk=dossier.pk)
    return desk_render(
        request,
        "desk/counter.html",
        {
            "title": _("Tiếp nhận hồ sơ"),
            "pick": pick,
            "unit": unit,
            "procedure": procedure,
            "version": version,
            "matches": matches,
            "form": form,
            "declaration": declaration,
            "choose_competent": choose_competent,
        },
        status=status,
    )


def _received_message(dossier: Dossier):
    text = _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả kết quả lúc %(due)s.") % {
        "code": dossier.code,
        "due": desk_dt(dossier.due_at),
    }
    if dossier.is_boundary_free:
        text += " " + _("Cơ quan giải quyết: %(unit)s.") % {"unit": dossier.competent_unit.name}
    url = reverse("printing:dossier_form", kwargs={"pk": dossier.pk, "code": "01"})
    return format_html(
        '{} <a class="font-semibold underline" href="{}">{}</a>', text, url, _("In giấy tiếp nhận")
    )


@require_GET
@desk_required
def procedure_lookup(request):
    """Return JSON matches for the counter's procedure search (code or name, accents ignored)."""
    pick = CounterPickForm(request.GET, units=selectors.reception_units(user=request.user))
    if not pick.is_valid() or not pick.cleaned_data["q"].strip():
        return JsonResponse({"results": []})
    matches = selectors.counter_procedures(
        unit=pick.cleaned_data["unit"], query=pick.cleaned_data["q"]
    )
    return JsonResponse(
        {"results": [{"id": p.pk, "code": p.national_code, "name": p.name} for p in matches]}
    )


# --------------------------------------------------------------------------- one dossier


def _dossier_response(request, dossier: Dossier, *, status: int = 200):
    available = dossier_available_actions(user=request.user, dossier=dossier)
    return desk_render(
        request,
        "desk/dossier.html",
        {
            "title": _("Hồ sơ %(code)s") % {"code": dossier.code},
            "dossier": dossier,
            "actions": action_forms(dossier=dossier, user=request.user, available=available),
            "snapshot": dossier.procedure_version.snapshot,
            "print_links": dossier_print_links(dossier=dossier, user=request.user),
            # The header follows the dossier: no "current step" once the workflow is over, no
            # "to supplement" once the supplement arrived.
            "workflow_over": dossier.status in TERMINAL | {Status.RESULT_READY},
            "awaiting_supplement": dossier.status == Status.SUPPLEMENT_REQUESTED,
        },
        status=status,
    )


@require_GET
@desk_required
def dossier_view(request, pk: int):
    return _dossier_response(request, _dossier_or_404(request.user, pk))


@require_http_methods(["GET", "POST"])
@desk_required
def dossier_act(request, pk: int, action: str):
    """Show an action's form (GET) or carry the action out (POST) with the version the officer saw.

    The service checks the version first, so a stale page always gets the conflict message.
    """
    desk_action = DESK_ACTIONS.get(action)
    if desk_action is None:
        raise Http404(_("Không có thao tác này."))
    dossier = _dossier_or_404(request.user, pk)
    posted = request.method == "POST"
    form = desk_action.form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        dossier=dossier,
        user=request.user,
        auto_id=f"id_{action}_%s",
    )
    if not posted:
        if desk_action.action not in dossier_available_actions(user=request.user, dossier=dossier):
            message = _("Bạn không thể thực hiện “%(action)s” với hồ sơ này lúc này.")
            return _refused(request, pk, message % {"action": desk_action.label}, 403)
        status = 200
    elif form.is_valid():
        response = _carry_out(request, dossier, desk_action, form)
        if response is not None:
            return response
        status = 400
    else:
        status = 400
    return desk_render(
        request,
        "desk/action.html",
        {
            "title": desk_action.label,
            "dossier": dossier,
            "desk_action": desk_action,
            "form": form,
        },
        status=status,
    )


def _carry_out(request, dossier: Dossier, desk_action, form):
    """Call the action's service; return the response, or None after adding the error to *form*."""
    try:
        desk_action.perform(dossier=dossier, user=request.user, form=form)
    except DossierConflict as exc:
        return _refused(request, dossier.pk, str(exc), 409)
    except ActionForbidden as exc:
        return _refused(request, dossier.pk, str(exc), 403)
    except TransitionNotAllowed:  # not a DossierError: the state moved on since the page loaded
        message = _(
            "Hồ sơ đang ở trạng thái “%(status)s”, không thể “%(action)s”; vui lòng tải lại."
        ) % {"status": dossier.get_status_display(), "action": desk_action.label}
        return _refused(request, dossier.pk, message, 409)
    except DossierError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(
        request,
        _("Đã thực hiện “%(action)s” với hồ sơ %(code)s.")
        % {"action": desk_action.label, "code": dossier.code},
    )
    return redirect("desk:dossier", pk=dossier.pk)


def _refused(request, pk: int, message: str, status: int):
    """Show the dossier as it is now, with why the action was refused (nothing was changed)."""
    messages.error(request, message)
    return _dossier_response(request, _dossier_or_404(request.user, pk), status=status)


@xframe_options_sameorigin  # previewed in an iframe on the dossier page
@require_GET
@desk_required
def document_file(request, pk: int, document_pk: int):
    """A document's file, after the scope check (404 outside scope, like the dossier)."""
    return document_file_response(
        dossier=_dossier_or_404(request.user, pk), document_pk=document_pk
    )


@xframe_options_sameorigin
@require_GET
@desk_required
def consultation_file(request, pk: int, consultation_pk: int):
    """A consulted unit's reply document, after the scope check (404 outside scope)."""
    return consultation_file_response(
        dossier=_dossier_or_404(request.user, pk), consultation_pk=consultation_pk
    )


@xframe_options_sameorigin
@require_GET
@desk_required
def result_file(request, pk: int):
    return result_file_response(dossier=_dossier_or_404(request.user, pk))
