"""Benchmark a calendar change: the holiday saved (request side) and the recompute job, on MariaDB.

Run after ``bench/bench_sweep.py`` (which builds ``motcua_bench_sweep``: 1,000,000 dossiers,
100,000 open with an open step each) or on any database made by ``manage.py generate_load``:

    .venv/bin/python bench/bench_recompute.py [--db motcua_bench_sweep] [--batch 500]

or let it build its own with ``--generate [--total 300000 --open 100000]`` (the rows of
``bench_sweep.generate``, then the open dossiers received over the last 20 days, so a holiday
tomorrow moves most of their deadlines; the first run realigns every open deadline with the
calendar, i.e. every item changes: timed as "realign"; ``--realign`` times it on an existing
database, which only moves deadlines that are not aligned yet).

1. *Save*: in one transaction, add a holiday on the next working day (``--ahead N``: the N-th
   working day from today) and call ``calendar_changed`` with that day, as the desk's save does,
   then commit — the job is queued, not run; it reads only the open items that can reach the day.
2. *Job*: ``recompute_pending()`` in this process (what the RQ worker runs), timed to the end.
3. The holiday is removed again (its own save and job, also timed), so the database is left as
   it was and the script can be run again.

Prints both figures with the load average, the open counts and the run's counters. The citizen
notices written to the outbox in each batch are delivered by the outbox job, not timed here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="motcua_bench_sweep")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--generate", action="store_true", help="build the database first")
    parser.add_argument(
        "--realign", action="store_true", help="time a run that moves every deadline first"
    )
    parser.add_argument(
        "--ahead",
        type=int,
        default=1,
        help="the holiday's day: this many working days from today (1: the next working day)",
    )
    parser.add_argument("--profile", help="write a pyinstrument profile of the add job here")
    parser.add_argument("--total", type=int, default=300_000)
    parser.add_argument("--open", type=int, default=100_000)
    args = parser.parse_args()
    os.environ["MOTCUA_DATABASE_URL"] = f"mysql://root@127.0.0.1/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if args.generate:
        import MySQLdb

        server = MySQLdb.connect(host="127.0.0.1", user="root")
        server.cursor().execute(
            f"CREATE DATABASE IF NOT EXISTS `{args.db}` "
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        server.close()
    import django

    django.setup()
    if args.generate:
        generate(args.total, args.open)
    from django.db import transaction
    from django.utils import timezone

    from motcua.core import recompute_jobs, services
    from motcua.core.models import Holiday
    from motcua.core.selectors import site_calendar

    # The citizen notices each batch writes to the outbox are delivered by the outbox job, not
    # timed here (in production it runs on another worker).
    from motcua.integrations import outbox
    from motcua.jobs.recompute import recompute_pending
    from motcua.notifications import services as notification_services

    outbox.outbox_kick = lambda: None
    notification_services.notifications_kick = lambda: None

    calendar = site_calendar()
    day = timezone.localtime().date()
    for _ in range(args.ahead):
        day += timedelta(days=1)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)

    def save(change, changed_from=None) -> tuple[float, object]:
        kick = recompute_jobs.recompute_kick
        recompute_jobs.recompute_kick = lambda: None  # the worker's part is timed separately
        try:
            started = time.perf_counter()
            with transaction.atomic():
                change()
                run = services.calendar_changed(reason="bench", changed_from=changed_from)
            return time.perf_counter() - started, run
        finally:
            recompute_jobs.recompute_kick = kick

    def job(run, profile=None) -> float:
        load = os.getloadavg()
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.005)
            profiler.start()
        started, cpu = time.perf_counter(), time.process_time()
        recompute_pending(batch_size=args.batch)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if profiler is not None:
            profiler.stop()
            Path(profile).write_text(profiler.output_text(unicode=True, show_all=False))
        run.refresh_from_db()
        print(
            f"  job: {seconds:.1f} s ({cpu:.1f} s of this process's CPU) — {run.status}, "
            f"checked {run.checked:,} of {run.total}, "
            f"changed {run.changed:,}, failed {run.failed}; "
            f"{run.checked / seconds:,.0f} checked/s, {run.changed / seconds:,.0f} changed/s "
            f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})"
        )
        return seconds

    def add():
        row = services.calendar_ensure()
        Holiday.objects.create(calendar=row, start_date=day, name="Nghỉ đột xuất (bench)")

    def remove():
        Holiday.objects.filter(name="Nghỉ đột xuất (bench)").delete()

    print(f"database {args.db}; holiday on {day:%d/%m/%Y}; batches of {args.batch}")
    if args.generate or args.realign:
        seconds, run = save(lambda: None)
        print("realign (every open deadline moves):")
        job(run)
    for label, change in (("add holiday", add), ("remove holiday", remove)):
        load = os.getloadavg()
        seconds, run = save(change, changed_from=day)
        print(f"{label}: saved in {seconds * 1000:.0f} ms (load average {load[0]:.1f})")
        job(run, args.profile if change is add else None)


def generate(total: int, open_count: int) -> None:
    """Build the rows with ``bench_sweep.generate``, then make the open dossiers recent."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.bench_sweep import generate as rows_generate
    from bench.bench_sweep import reset_open

    call_command("migrate", verbosity=0)
    rows_generate(connection, total, open_count, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dossiers_dossier SET received_at = NOW() - INTERVAL (id % 20) DAY "
            "WHERE status = 'in_progress'"
        )
        cursor.execute(
            "UPDATE dossiers_dossierstep s JOIN dossiers_dossier d ON d.id = s.dossier_id "
            "SET s.started_at = d.received_at"
        )
    reset_open(connection, timezone.now())


if __name__ == "__main__":
    main()
