"""What ``make bench`` measures: the people, pages, service calls and hot queries of one run."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from motcua.dossiers.loadgen.rows import ID_BASE
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import OPEN, Status


@dataclass
class BenchWorld:
    dossier: Dossier
    code: str
    procedure_code: str
    unit_id: int
    big_unit_id: int
    reception: object
    specialist: object
    leader: object
    supervisor: object
    small_unit_id: int
    small_officer: object  # a specialist of the staffed unit receiving the fewest dossiers
    total: int
    open: int
    server: str


def bench_world() -> BenchWorld:
    User = get_user_model()
    by_unit = (
        Dossier.objects.filter(status__in=list(OPEN))
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    busiest = by_unit[0]["unit_id"]
    # The staffed unit receiving the fewest dossiers (none, for a department only consulted).
    received = dict(Dossier.objects.values_list("unit_id").annotate(n=Count("pk")))
    staffed = User.objects.filter(username__regex=r"^tai\.[0-9]+\.specialist\.0$")
    small_unit = min(
        (int(name.split(".")[1]) for name in staffed.values_list("username", flat=True)),
        key=lambda pk: (received.get(pk, 0), pk),
    )
    dossier = (
        Dossier.objects.filter(status=Status.IN_PROGRESS, unit_id=busiest, pk__gte=ID_BASE)
        .exclude(applicant_phone="")
        .select_related("procedure", "procedure_version", "unit")
        .order_by("-pk")
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM dossiers_dossier")
        total = cursor.fetchone()[0]
    return BenchWorld(
        dossier=dossier,
        code=dossier.code,
        procedure_code=dossier.procedure.national_code,
        unit_id=busiest,
        big_unit_id=busiest,
        reception=User.objects.get(username=f"tai.{busiest}.reception_officer.0"),
        specialist=User.objects.get(username=f"tai.{busiest}.specialist.0"),
        leader=User.objects.get(username=f"tai.{busiest}.unit_leader.0"),
        supervisor=User.objects.get(username="giamsat"),
        small_unit_id=small_unit,
        small_officer=User.objects.get(username=f"tai.{small_unit}.specialist.0"),
        total=total,
        open=Dossier.objects.filter(status__in=list(OPEN)).count(),
        server=server,
    )


def status_grant(dossier: Dossier) -> dict:
    """Session data of a visitor who looked the dossier up (what the lookup POST stores)."""
    from motcua.core import lookup_grants

    grants: dict = {}
    lookup_grants.grant(grants, dossier.pk, "phone")
    return grants


def cookie_script(directory: Path, cookie: str) -> Path:
    path = directory / ".wrk-cookie.lua"
    path.write_text(f'wrk.headers["Cookie"] = "{cookie}"\n', encoding="utf-8")
    return path


def lookup_script(directory: Path, dossier: Dossier, base: str) -> Path:
    """A wrk script posting the lookup form to *base* (CSRF token and cookie fetched once)."""
    import re
    import urllib.request

    path = directory / ".wrk-lookup.lua"
    with urllib.request.urlopen(f"{base}/tra-cuu/") as response:
        html = response.read().decode()
        cookie = response.headers.get("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = f"csrfmiddlewaretoken={token}&code={dossier.code}&proof={dossier.applicant_phone}"
    path.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = "{cookie}"\n'
        f'wrk.headers["Referer"] = "{base}/tra-cuu/"\n',
        encoding="utf-8",
    )
    return path


def desk_pages(world: BenchWorld):
    today = timezone.localdate()
    name = world.dossier.applicant_name
    return [
        ("worklist: reception officer", "/desk/", world.reception),
        ("worklist: specialist", "/desk/", world.specialist),
        ("worklist: unit leader (busiest unit)", "/desk/", world.leader),
        ("worklist: provincial supervisor", "/desk/", world.supervisor),
        ("intake queue", "/desk/intake/", world.reception),
        ("search by code", f"/desk/search/?q={world.code}", world.reception),
        ("search by name", f"/desk/search/?q={_q(name)}", world.reception),
        ("search by phone", f"/desk/search/?q={world.dossier.applicant_phone}", world.reception),
        ("dossier page", f"/desk/dossiers/{world.dossier.pk}/", world.specialist),
        ("admin dossier list", "/admin/dossiers/dossier/", world.leader),
        (
            "admin dossier list, filtered",
            f"/admin/dossiers/dossier/?status__exact=in_progress&unit__id__exact={world.unit_id}",
            world.leader,
        ),
        (
            "API dossier list, specialist of the smallest unit",
            "/api/v1/dossiers/",
            world.small_officer,
        ),
        (
            "ledger (form 07, one day, HTML page)",
            f"/print/ledger/?unit={world.unit_id}&from={today - timedelta(days=1):%d/%m/%Y}"
            f"&to={today - timedelta(days=1):%d/%m/%Y}",
            world.reception,
        ),
    ]


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def reception_timing(world: BenchWorld, *, receptions: int) -> dict:
    """Receive *receptions* dossiers at the busiest unit's counter through ``dossier_receive``.

    Returns the rate (wall and CPU), the queries of one reception (the first, captured), the
    load average around the run and the last dossier. Each reception is its own transaction, as
    at the counter.
    """
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers.services import dossier_receive

    procedure = world.dossier.procedure
    unit = world.dossier.unit
    documents = [
        {"name": d["name"], "received": True}
        for d in world.dossier.procedure_version.snapshot.get("documents", [])
    ]

    def receive(k):
        return dossier_receive(
            user=world.reception,
            procedure=procedure,
            unit=unit,
            applicant={"applicant_name": f"Người nộp đo tải {k}", "applicant_phone": "0912000000"},
            documents=documents,
            form_data=dict(world.dossier.form_data),
        )

    with CaptureQueriesContext(connection) as captured:
        last = receive(0)
    load_before = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    for k in range(1, receptions + 1):
        last = receive(k)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "rate": receptions / elapsed,
        "cpu_ms": cpu / receptions * 1000,
        "queries": len(captured.captured_queries),
        "load": (load_before, os.getloadavg()[0]),
        "last": last,
    }


def service_timings(world: BenchWorld, *, receptions: int):
    """Reception throughput, form 01 and a calendar change, through the service layer."""
    from motcua.printing.render import render_form

    measured = reception_timing(world, receptions=receptions)
    out = [
        ("reception through the service layer", measured["rate"], "dossiers/s"),
        ("reception: CPU of this process per dossier", measured["cpu_ms"], "ms"),
        ("reception: queries per dossier", measured["queries"], ""),
    ]
    started = time.perf_counter()
    render_form(code="01", user=world.reception, dossier=measured["last"])
    out.append(("form 01 (receipt) PDF", (time.perf_counter() - started) * 1000, "ms"))
    out.append(ledger_pdf_timing(world))
    out.extend(_calendar_change())
    return out


def ledger_pdf_timing(world: BenchWorld):
    """The ledger's PDF (form 07, yesterday of the busiest unit) as its job renders it: the desk
    page answers with HTML and queues this work (``motcua.printing.jobs``)."""
    from motcua.printing.render import render_form
    from motcua.units.models import Unit

    day = timezone.localdate() - timedelta(days=1)
    unit = Unit.objects.get(pk=world.unit_id)
    started = time.perf_counter()
    rendered = render_form(code="07", user=world.reception, unit=unit, date_from=day, date_to=day)
    elapsed = time.perf_counter() - started
    return (
        "ledger PDF (form 07, one day), the job's render",
        elapsed,
        f"s ({len(rendered.pdf)} B)",
    )


def _calendar_change():
    """A holiday added 20 days ahead (a working day), then removed, as the desk's holiday page does:
    the run is told the first changed day (``changed_from``), so it reads only the deadlines that
    can reach it. With no Redis (the bench site) the recompute job runs inline when the save
    commits, so each time is the save plus the whole job; ``checked``/``changed`` are the run's."""
    from motcua.core.models import Holiday
    from motcua.core.services import calendar_changed, calendar_ensure

    calendar = calendar_ensure()
    day = timezone.localdate() + timedelta(days=20)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    holiday = Holiday.objects.create(
        calendar=calendar, year=day.year, start_date=day, end_date=day, name="Đo tải"
    )
    try:
        started = time.perf_counter()
        run = calendar_changed(reason="make bench", changed_from=day)
        add_s = time.perf_counter() - started
    finally:
        holiday.delete()
        started = time.perf_counter()
        revert = calendar_changed(reason="make bench (hoàn tác)", changed_from=day)
        revert_s = time.perf_counter() - started
    run.refresh_from_db()
    revert.refresh_from_db()
    return [
        (
            f"calendar change: holiday on {day:%d/%m/%Y} saved + recompute (inline)",
            add_s,
            f"s ({run.checked} read, {run.changed} changed, {run.status})",
        ),
        (
            "calendar change: revert + recompute (inline)",
            revert_s,
            f"s ({revert.checked} read, {revert.changed} changed, {revert.status})",
        ),
    ]


def explain_rows(queryset) -> tuple[list[str], list[tuple]]:
    """The EXPLAIN of *queryset* as the database plans it: (column names, rows)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return [c[0] for c in cursor.description], list(cursor.fetchall())


def explain_hot_queries(world: BenchWorld) -> str:
    """EXPLAIN of the query behind each desk list, as the selectors build it."""
    from motcua.desk import selectors as desk
    from motcua.dossiers.selectors import (
        _group_ordered,
        dossier_search,
        dossiers_visible,
        urgency_expression,
        worklist_rows,
    )
    from motcua.printing.registry import ledger_dossiers
    from motcua.reports.selectors import report_dossiers
    from motcua.units.models import Unit

    now = timezone.now()
    month_ago = now - timedelta(days=30)
    yesterday = timezone.localdate() - timedelta(days=1)
    unit = Unit.objects.get(pk=world.unit_id)
    queries = {
        "worklist counts, specialist (one grouped count over the due columns)": worklist_rows(
            user=world.specialist
        )
        .annotate(urgency=urgency_expression(now))
        .order_by()
        .values("urgency")
        .annotate(n=Count("pk")),
        "worklist group page, specialist (overdue, ids first)": _group_ordered(
            worklist_rows(user=world.specialist), "overdue", now
        ).values("pk")[:20],
        "worklist counts, unit leader": worklist_rows(user=world.leader)
        .annotate(urgency=urgency_expression(now))
        .order_by()
        .values("urgency")
        .annotate(n=Count("pk")),
        "worklist group page, unit leader (in time, ids first)": _group_ordered(
            worklist_rows(user=world.leader), "in_time", now
        ).values("pk")[:20],
        "intake queue": desk.intake_queue(user=world.reception)[:20],
        "search by code": dossier_search(user=world.reception, query=world.code)[:100],
        "search by name": dossier_search(
            user=world.reception, query=world.dossier.applicant_name
        ).order_by("-submitted_at", "-pk")[:100],
        "search by phone": dossier_search(
            user=world.reception, query=world.dossier.applicant_phone
        ).order_by("-submitted_at", "-pk")[:100],
        "admin list (newest received)": dossiers_visible(user=world.leader).order_by(
            "-received_at", "-id"
        )[:100],
        "admin list filtered (status, unit)": dossiers_visible(user=world.leader)
        .filter(status=Status.IN_PROGRESS, unit_id=world.unit_id)
        .order_by("-received_at", "-id")[:100],
        "API list, specialist of the smallest unit (newest first, one cursor page)": (
            dossiers_visible(user=world.small_officer).order_by("-id")[:51]
        ),
        "report drill-down of a unit leader (received in the last 30 days)": report_dossiers(
            user=world.leader
        )
        .filter(received_at__gte=month_ago, received_at__lt=now)
        .order_by("received_at", "pk")[:50],
        "ledger (form 07, one day)": ledger_dossiers(
            user=world.reception, unit=unit, date_from=yesterday, date_to=yesterday
        ),
        "ledger, returns book (form 07, one day)": ledger_dossiers(
            user=world.reception, unit=unit, date_from=yesterday, date_to=yesterday, book="returned"
        ),
    }
    return explain_markdown("# EXPLAIN of the hot queries", queries)


def explain_markdown(title: str, queries: dict, level: str = "##") -> str:
    """Markdown of the EXPLAIN of each queryset of *queries* (name → queryset) under *title*."""
    parts = [title, ""]
    for name, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        header, rows = explain_rows(queryset)
        parts += [f"{level} {name}", "", "```sql", sql % tuple(repr(p) for p in params), "```", ""]
        parts.append("| " + " | ".join(header) + " |")
        parts.append("|" + "---|" * len(header))
        parts += [
            "| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows
        ]
        parts.append("")
    return "\n".join(parts)
