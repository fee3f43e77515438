"""Benchmark the reporting side on MariaDB: the dashboard for a province-wide year and a 2-level
group-by report of the builder.

Run::

    MOTCUA_DATABASE_URL=mysql://root@localhost/motcua_bench \
        .venv/bin/python bench/bench_reports.py [--year 2025] [--runs 3]

It uses the database of ``MOTCUA_DATABASE_URL`` as it is (the 1,000,000-dossier bench database
when it exists). ``--generate N`` first fills an empty database with N synthetic dossiers spread
over five years (units, procedures, one step per dossier, a processing time for the finished
ones, a scanned document for one in three), written with ``bulk_create`` in batches; it refuses
to write into a database that already has dossiers. Figures go to ``bench/results/``.

Measured, each the median of ``--runs`` runs after one warm-up:

- dashboard: ``motcua.reports.dashboard.dashboard`` for the whole province and the year (the
  indicators of the year and of the previous one, the monthly trend, the unit ranking, the most
  overdue procedures and officers), once for a superuser and once for the province's leader
  (whose scope goes through ``dossiers_visible``); the counts come from the monthly summaries
  and the officer ranking from the per-officer monthly summaries (run ``manage.py
  reports_rebuild`` once on a database generated without them); the officer ranking alone; the
  dashboard of a period of part months (15 January – 14 December: whole months from the
  summaries, the days at either end from the dossiers);
- report: the builder grouping the year's dossiers by unit and procedure with the count, and the
  same with the sum of fees (both served by the summaries), every group fetched.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from motcua.core.roles import Role  # noqa: E402
from motcua.dossiers.models import Dossier, DossierDocument, DossierStep  # noqa: E402
from motcua.procedures.models import Procedure, ProcedureVersion, Sector  # noqa: E402
from motcua.reports import builder  # noqa: E402
from motcua.reports import dashboard as dash  # noqa: E402
from motcua.reports.indicators import window  # noqa: E402
from motcua.reports.models import ProcessingTime  # noqa: E402
from motcua.reports.selectors import report_scope  # noqa: E402
from motcua.units.models import Membership, Unit, UnitLevel  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH = 5000


def _units(rng):
    levels = {
        code: UnitLevel.objects.get_or_create(code=code, defaults={"name": code, "rank": rank})[0]
        for code, rank in (("province", 1), ("department", 2), ("commune", 3))
    }
    province = Unit.objects.create(
        agency_code="000.00.00.B99", name="UBND tỉnh (bench)", level=levels["province"]
    )
    units = [
        Unit.objects.create(
            agency_code=f"000.00.{i:02d}.B99",
            name=f"Sở {i:02d}",
            level=levels["department"],
            parent=province,
        )
        for i in range(1, 21)
    ]
    units += [
        Unit.objects.create(
            agency_code=f"000.{i:02d}.30.B99",
            name=f"UBND xã {i:03d}",
            level=levels["commune"],
            parent=province,
        )
        for i in range(1, 101)
    ]
    return province, units, levels


def generate(n: int, seed: int) -> None:
    """Fill an empty database with *n* synthetic dossiers (see the module docstring)."""
    call_command("migrate", verbosity=0)
    if Dossier.objects.exists():
        raise SystemExit(
            "The database already has dossiers; --generate writes only into an empty one."
        )
    rng = random.Random(seed)
    province, units, levels = _units(rng)
    sectors = [Sector.objects.create(code=f"S{i}", name=f"Lĩnh vực {i}") for i in range(20)]
    versions = []
    for i in range(200):
        p = Procedure.objects.create(
            national_code=f"1.{i:06d}",
            name=f"Thủ tục {i:03d}",
            sector=sectors[i % 20],
            level=levels["commune"],
            processing_amount=rng.choice([3, 5, 10, 15, 20]),
            processing_unit="working_days",
            online_level=rng.choice(["full", "partial", "none"]),
        )
        p.units.set(rng.sample(units, 10))
        versions.append(
            ProcedureVersion.objects.create(
                procedure=p,
                number=1,
                snapshot={"procedure": {"processing_unit": "working_days"}},
                snapshot_hash=f"{i:064d}",
            )
        )
    User = get_user_model()
    officers = [
        User.objects.create_user(f"cb{i:03d}", password=None, is_staff=True) for i in range(300)
    ]
    leader = User.objects.create_user("lanhdao.tinh", password=None, is_staff=True)
    Membership.objects.create(
        user=leader, unit=province, role=Group.objects.get_or_create(name=Role.UNIT_LEADER)[0]
    )
    origin = datetime(2022, 1, 1, 8, 0, tzinfo=TZ)
    span = int((datetime(2026, 11, 30, tzinfo=TZ) - origin).total_seconds())
    now = datetime(2026, 12, 1, tzinfo=TZ)
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows, meta = [], []
        for k in range(size):
            received = origin + timedelta(seconds=rng.randrange(span))
            version = rng.choice(versions)
            unit = rng.choice(units)
            due = received + timedelta(days=rng.choice([5, 7, 14, 21, 28]))
            r = rng.random()
            finished = None
            status = "in_progress"
            if r < 0.86:
                finished = received + timedelta(days=rng.uniform(0.5, 30))
                status = "returned" if rng.random() < 0.9 else "result_ready"
            elif r < 0.90:
                finished = received + timedelta(days=rng.uniform(0.5, 10))
                status = rng.choice(["rejected", "stopped", "withdrawn"])
            elif r < 0.92:
                status = "supplement_requested"
            if finished and finished > now:
                finished, status = None, "in_progress"
            rows.append(
                Dossier(
                    code=f"B99-{done + k:08d}",
                    unit=unit,
                    current_unit=unit,
                    procedure_id=version.procedure_id,
                    procedure_version=version,
                    status=status,
                    channel=rng.choice([1, 2, 2, 3]),
                    applicant_name=f"Người nộp {done + k}",
                    search_text=f"b99-{done + k:08d}",
                    received_at=received,
                    due_at=due,
                    finished_at=finished,
                    returned_at=finished if status == "returned" else None,
                    fee_total=rng.choice([0, 0, 50000, 100000]),
                    paid_online=rng.random() < 0.3,
                    late_by_rule=rng.random() < 0.01,
                    supplement_count=1 if rng.random() < 0.1 else 0,
                    result_file="results/x.pdf" if finished and rng.random() < 0.5 else "",
                    is_training=rng.random() < 0.002,
                )
            )
            meta.append(rng.choice(officers))
        with transaction.atomic():
            created = Dossier.objects.bulk_create(rows, batch_size=1000)
            DossierStep.objects.bulk_create(
                [
                    DossierStep(
                        dossier=d,
                        index=0,
                        name="Thẩm định",
                        unit_id=d.unit_id,
                        assignee=officer,
                        state="done" if d.finished_at else "open",
                        started_at=d.received_at,
                        due_at=d.received_at + (d.due_at - d.received_at) * 0.6,
                        finished_at=d.finished_at,
                    )
                    for d, officer in zip(created, meta, strict=True)
                ],
                batch_size=1000,
            )
            ProcessingTime.objects.bulk_create(
                [
                    ProcessingTime(
                        dossier=d,
                        office_seconds=int((d.finished_at - d.received_at).total_seconds() / 3),
                        amount=round((d.finished_at - d.received_at).days / 1.4, 2),
                        unit="working_days",
                    )
                    for d in created
                    if d.status in ("returned", "result_ready")
                ],
                batch_size=1000,
            )
            DossierDocument.objects.bulk_create(
                [
                    DossierDocument(dossier=d, name="Đơn", received=True, file="dossiers/x.pdf")
                    for d in created
                    if d.pk % 3 == 0
                ],
                batch_size=1000,
            )
        done += size
        print(f"generated {done}/{n}", file=sys.stderr, flush=True)


def timed(func, runs: int, warmup: bool = True) -> tuple[float, object]:
    result = func() if warmup else None
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generate", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-warmup", action="store_true", help="time the first run too")
    args = parser.parse_args()
    if connection.vendor != "mysql":
        raise SystemExit("Run on MariaDB: set MOTCUA_DATABASE_URL=mysql://…")
    if args.generate:
        generate(args.generate, args.seed)
    User = get_user_model()
    superuser = User(is_superuser=True, is_active=True, is_staff=True)
    leader = User.objects.filter(
        pk__in=Membership.objects.filter(
            unit__parent__isnull=True, role__name=Role.UNIT_LEADER, is_active=True
        ).values("user")
    ).first()
    first, last = date(args.year, 1, 1), date(args.year, 12, 31)
    total = Dossier.objects.count()
    year_rows = Dossier.objects.filter(
        received_at__gte=datetime(args.year, 1, 1, tzinfo=TZ),
        received_at__lt=datetime(args.year + 1, 1, 1, tzinfo=TZ),
    ).count()

    def board(user):
        return lambda: dash.dashboard(report_scope(user=user), first, last)

    received = {"field": "received_at", "op": "range", "value": [str(first), str(last)]}
    plan = builder.validate(
        {
            "group_by": ["unit.name", "procedure.name"],
            "aggregates": [{"fn": "count"}],
            "filters": [received],
        }
    )
    plan_sum = builder.validate(
        {
            "group_by": ["unit.name", "procedure.name"],
            "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "fee_total"}],
            "filters": [received],
        }
    )

    def report():
        return list(builder.run(plan, user=superuser))

    def report_sum():
        return list(builder.run(plan_sum, user=superuser))

    with connection.cursor() as cursor:  # the floor: one plain indexed count of the year
        start = time.perf_counter()
        cursor.execute(
            "SELECT COUNT(*) FROM dossiers_dossier WHERE received_at >= %s AND received_at < %s",
            [datetime(args.year, 1, 1, tzinfo=TZ), datetime(args.year + 1, 1, 1, tzinfo=TZ)],
        )
        cursor.fetchall()
        floor = time.perf_counter() - start
    figures = {
        "date": datetime.now(tz=TZ).date().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}",
        "database": connection.settings_dict["NAME"],
        "dossiers": total,
        "dossiers_received_in_year": year_rows,
        "year": args.year,
        "floor_plain_count_of_year_s": round(floor, 3),
        "load_average_before": [round(x, 1) for x in os.getloadavg()],
    }
    seconds, result = timed(board(superuser), args.runs, not args.no_warmup)
    figures["dashboard_superuser_s"] = round(seconds, 3)
    figures["dashboard_handled"] = result.current["handled"]
    if leader is not None:
        seconds, result = timed(board(leader), args.runs, not args.no_warmup)
        figures["dashboard_province_leader_s"] = round(seconds, 3)
        figures["dashboard_leader_handled"] = result.current["handled"]
    scope, w = report_scope(user=superuser), window(first, last)
    seconds, _rows = timed(lambda: dash.overdue_officers(scope, w), args.runs, not args.no_warmup)
    figures["officer_ranking_s"] = round(seconds, 3)
    partial = (date(args.year, 1, 15), date(args.year, 12, 14))
    seconds, result = timed(
        lambda: dash.dashboard(report_scope(user=superuser), *partial),
        args.runs,
        not args.no_warmup,
    )
    figures["dashboard_part_months_s"] = round(seconds, 3)
    figures["dashboard_part_months_period"] = [str(d) for d in partial]
    seconds, rows = timed(report, args.runs, not args.no_warmup)
    figures["report_2_level_count_s"] = round(seconds, 3)
    figures["report_2_level_count_from_summaries"] = builder.summary_plan(plan, user=superuser)
    figures["report_groups"] = len(rows)
    seconds, rows = timed(report_sum, args.runs, not args.no_warmup)
    figures["report_2_level_count_and_fee_sum_s"] = round(seconds, 3)
    figures["report_sum_groups"] = len(rows)
    figures["report_2_level_fee_sum_from_summaries"] = builder.summary_plan(
        plan_sum, user=superuser
    )
    figures["load_average_after"] = [round(x, 1) for x in os.getloadavg()]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench_reports-{figures['date']}-{total}.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
