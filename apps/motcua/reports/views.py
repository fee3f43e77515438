"""Desk pages of the reporting side: dashboard and the dossier list behind each number."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.core.people import person_name
from motcua.desk.mixins import desk_required
from motcua.desk.shortcuts import desk_render
from motcua.reports import (
    builder,
    evaluation,
    exports,
    ledger,
    plugin_reports,
    services,
    summary_reads,
)
from motcua.reports import dashboard as dash
from motcua.reports import indicators as ind
from motcua.reports.forms import BuilderForm, DrilldownForm, PeriodForm, SaveReportForm
from motcua.reports.selectors import (
    SYSTEM_READER,
    ReportScope,
    report_procedures,
    report_scope,
    saved_reports_visible,
)
from motcua.units.history import Structure

PAGE_SIZE = 50


def _scope(request, form) -> ReportScope:
    d = form.cleaned_data
    unit, subtree = d.get("unit"), bool(d.get("subtree"))
    structure = d.get("structure") or Structure.CURRENT
    scope = form.narrow(
        report_scope(user=request.user, unit=unit, subtree=subtree, structure=structure)
    )
    if d.get("sector"):
        scope = scope.with_procedures(scope.procedures.filter(sector=d["sector"]))
    return scope


def _links(form, w: ind.Window) -> callable:
    base = {**form.scope_query(), "date_from": w.date_from, "date_to": w.date_to}
    url = reverse("reports:dossiers")

    def link(key, **extra):
        return f"{url}?{urlencode({**base, 'key': key, **extra})}"

    return link


@require_GET
@desk_required
def dashboard_view(request):
    form = PeriodForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return desk_render(
            request, "reports/dashboard.html", {"title": _("Thống kê"), "form": form}, status=400
        )
    if not request.GET:
        form = PeriodForm({}, user=request.user)
        form.is_valid()
    d = form.cleaned_data
    board = dash.dashboard(_scope(request, form), d["date_from"], d["date_to"])
    now_link, before_link = _links(form, board.window), _links(form, board.previous)
    rows = [
        {
            "measure": m,
            "now": board.current[m.key],
            "before": board.before[m.key],
            "now_url": now_link(m.key),
            "before_url": before_link(m.key),
        }
        for m in ind.COUNTS
    ]
    for row in board.procedures:
        row["url"] = now_link("resolved_late", procedure=row["procedure"])
        row["overdue_url"] = now_link("pending_overdue", procedure=row["procedure"])
    for row in board.officers:
        row["url"] = now_link(dash.OFFICER_LATE, officer=row["assignee"])
    for row in board.units:
        row["url"] = now_link("handled", unit=row["unit"], subtree="")
    return desk_render(
        request,
        "reports/dashboard.html",
        {
            "title": _("Thống kê, đánh giá"),
            "form": form,
            "board": board,
            "rows": rows,
            "period_query": urlencode(
                {"date_from": d["date_from"].isoformat(), "date_to": d["date_to"].isoformat()}
            ),
        },
    )


@require_GET
@desk_required
def dossiers_view(request):
    form = DrilldownForm(request.GET, user=request.user)
    if not form.is_valid():
        return desk_render(
            request,
            "reports/dossiers.html",
            {"title": _("Danh sách hồ sơ"), "form": form},
            status=400,
        )
    d = form.cleaned_data
    scope = _scope(request, form)
    dossiers = scope.dossiers
    w = scope.credited(ind.window(d["date_from"], d["date_to"]))
    rows = dash.drilldown(dossiers, w, d["key"], officer=d.get("officer")).select_related(
        "procedure", "current_step", "current_step__assignee"
    )
    page = Paginator(rows.order_by("received_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    label = dict(form.fields["key"].choices).get(d["key"], "")
    return desk_render(
        request,
        "reports/dossiers.html",
        {
            "title": label,
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "window": w,
        },
    )


# --------------------------------------------------------------------------- report builder


def _builder_form(request, data):
    return BuilderForm(data, procedures=report_procedures(user=request.user).distinct())


def _plan(request, data):
    """Return (form, plan, errors) for the submitted builder data."""
    form = _builder_form(request, data)
    if not form.is_valid():
        return form, None, [e for errs in form.errors.values() for e in errs]
    try:
        return form, builder.validate(form.definition()), []
    except builder.DefinitionError as exc:
        return form, None, exc.messages


def _saved_reports(request) -> list:
    """The saved reports the user may open, then the enabled plugins' read-only definitions
    (every builder user may open those: the scoped selector limits what they return)."""
    return [*saved_reports_visible(user=request.user), *plugin_reports.plugin_reports()]


def _saved_data(request):
    """Return the form data of ``?report=<pk>`` (a saved report the user may open) or
    ``?report=plugin:<plugin>:<key>`` (an enabled plugin's definition), or None."""
    pk = request.GET.get("report")
    if pk and pk.startswith(plugin_reports.PREFIX):
        report = plugin_reports.plugin_report(pk)
    elif not pk or not pk.isdigit():
        return None
    else:
        report = saved_reports_visible(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("Không có báo cáo này trong phạm vi của bạn."))
    return report, BuilderForm.initial_from(report.definition)


@require_GET
@desk_required
def builder_view(request):
    saved = _saved_data(request)
    report = None
    edited, editing = BuilderForm.rows_edited(request.GET)
    if saved is not None:
        report, data = saved
    else:
        data = request.GET if "run" in request.GET else None
    if editing:  # a filter row added or removed: show the form again, run nothing
        form, plan, errors = _builder_form(request, edited), None, []
    elif data is not None:
        form, plan, errors = _plan(request, data)
    else:
        form, plan, errors = _builder_form(request, None), None, []
    context = {
        "title": report.name if report else _("Báo cáo tùy chọn"),
        "form": form,
        "errors": errors,
        "report": report,
        "saved_reports": _saved_reports(request),
        "save_form": SaveReportForm(user=request.user),
    }
    if plan is not None:
        rows = builder.run(plan, user=request.user)
        query = data.copy() if hasattr(data, "copy") else dict(data)
        if hasattr(query, "pop"):
            query.pop("page", None)
            query.pop("report", None)
        context.update(
            plan=plan,
            headers=builder.headers(plan),
            query=urlencode(query, doseq=True) + "&run=1",
        )
        if plan.layout == "crosstab":
            context["pivot"] = builder.crosstab(plan, rows)
        else:
            page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
            heads = builder.headers(plan)
            context["page"] = page
            context["table"] = [
                [builder.display(plan, k, r.get(k)) for k, _l in heads] for r in page
            ]
            if plan.grouped:
                context["totals"] = builder.totals(plan, user=request.user)
        if plan.chart and plan.grouped:
            context["chart"] = builder_chart(plan, rows)
    status = 400 if errors else 200
    return desk_render(request, "reports/builder.html", context, status=status)


def builder_chart(plan, rows) -> str:
    """Return unfold chart JSON for the first group field and the first aggregate (≤ 50 bars)."""
    import json

    key = plan.aggregate_key(*plan.aggregates[0])
    first = plan.group_by[0].path
    totals: dict = {}
    for row in rows[:2000]:
        label = str(builder.display(plan, first, row[first]))
        totals[label] = totals.get(label, 0) + float(row[key] or 0)
    labels = list(totals)[:50]
    return json.dumps(
        {
            "labels": labels,
            "datasets": [
                {
                    "label": plan.aggregate_label(*plan.aggregates[0]),
                    "data": [totals[x] for x in labels],
                }
            ],
        }
    )


@require_GET
@desk_required
def builder_export(request, fmt: str):
    saved = _saved_data(request)
    data = saved[1] if saved else request.GET
    name = saved[0].name if saved else (request.GET.get("name") or _("Báo cáo"))
    _form, plan, errors = _plan(request, data)
    if plan is None:
        return HttpResponseBadRequest("; ".join(str(e) for e in errors))
    export = {
        "csv": exports.csv_response,
        "xlsx": exports.xlsx_response,
        "pdf": exports.pdf_response,
    }
    if fmt not in export:
        raise Http404
    return export[fmt](plan, user=request.user, name=name)


@require_POST
@desk_required
def builder_save(request):
    form, plan, errors = _plan(request, request.POST)
    save = SaveReportForm(request.POST, user=request.user)
    if plan is None or not save.is_valid():
        errors = errors + [e for errs in save.errors.values() for e in errs]
        return desk_render(
            request,
            "reports/builder.html",
            {
                "title": _("Báo cáo tùy chọn"),
                "form": form,
                "errors": errors,
                "save_form": save,
                "saved_reports": _saved_reports(request),
            },
            status=400,
        )
    report = services.saved_report_create(
        user=request.user,
        name=save.cleaned_data["name"],
        definition=form.definition(),
        roles=save.cleaned_data["shared_roles"],
        units=save.cleaned_data["shared_units"],
    )
    messages.success(request, _("Đã lưu báo cáo “%(name)s”.") % {"name": report.name})
    return redirect(f"{reverse('reports:builder')}?report={report.pk}")


# --------------------------------------------------------------------------- officer evaluation


@require_GET
@desk_required
def officer_view(request, pk: int):
    officer = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
    if not evaluation.may_view(viewer=request.user, officer=officer):
        raise PermissionDenied(_("Chỉ cán bộ, lãnh đạo và người giám sát của họ được xem."))
    form = PeriodForm(request.GET or {}, user=request.user)
    if not form.is_valid():
        return desk_render(
            request, "reports/officer.html", {"title": _("Đánh giá"), "form": form}, status=400
        )
    d = form.cleaned_data
    w = ind.window(d["date_from"], d["date_to"])
    return desk_render(
        request,
        "reports/officer.html",
        {
            "title": _("Đánh giá mức độ hoàn thành nhiệm vụ: %(name)s")
            % {"name": person_name(officer)},
            "form": form,
            "officer": officer,
            "window": w,
            "result": evaluation.officer_evaluation(viewer=request.user, officer=officer, w=w),
        },
    )


# --------------------------------------------------------------------------- ledger (XLSX)


@require_GET
@desk_required
def ledger_xlsx_view(request):
    from motcua.printing.forms import LedgerForm

    form = LedgerForm(request.GET, user=request.user)
    if not form.is_valid():
        if "unit" in form.errors and request.GET.get("unit"):
            raise Http404(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
        return HttpResponseBadRequest(" ".join(e for errs in form.errors.values() for e in errs))
    d = form.cleaned_data
    handle = ledger.ledger_xlsx(
        user=request.user, unit=d["unit"], date_from=d["from"], date_to=d["to"], book=d["book"]
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"so-theo-doi-{d['unit'].agency_code}-{d['from']:%Y%m%d}-{d['to']:%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --------------------------------------------------------------------------- public page

PUBLIC_CACHE_SECONDS = 15 * 60


def public_progress(year: int) -> list[dict]:
    """Return per unit for *year*: received, resolved, on-time and satisfaction rates; nothing
    personal. Cached: the page is public and the numbers move slowly."""
    from django.core.cache import cache

    def compute():
        from datetime import date

        from motcua.units.models import Unit

        today = timezone.localdate()
        w = ind.window(date(year, 1, 1), min(date(year, 12, 31), today))
        scope = report_scope(user=SYSTEM_READER)
        rows = ind.combine(summary_reads.grouped_counts(scope, w, "unit"), "unit")
        names = Unit.objects.in_bulk([r["unit"] for r in rows])
        return sorted(
            (
                {
                    "unit": names[r["unit"]].name,
                    "received": r["received"],
                    "resolved": r["resolved"],
                    "on_time_rate": r["on_time_rate"],
                    "satisfaction_rate": r["satisfaction_rate"],
                }
                for r in rows
                if r["unit"] in names
            ),
            key=lambda r: r["unit"],
        )

    return cache.get_or_set(f"reports:public:{year}", compute, PUBLIC_CACHE_SECONDS)


@require_GET
def public_view(request):
    year = timezone.localdate().year
    return TemplateResponse(
        request,
        "reports/public.html",
        {
            "title": _("Công khai tiến độ giải quyết hồ sơ"),
            "year": year,
            "rows": public_progress(year),
        },
    )
