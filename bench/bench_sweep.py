"""Benchmark the due sweep: a full pass over 1,000,000 dossiers with 100,000 open, on MariaDB.

Run: ``.venv/bin/python bench/bench_sweep.py [--total 1000000] [--open 100000] [--db motcua_bench_sweep]``
with MariaDB on 127.0.0.1 (root, no password). The script builds its own database (migrations,
one unit, procedure and version), fills ``dossiers_dossier`` with one ``INSERT … SELECT`` over
MariaDB's ``seq_1_to_N`` table (nine in ten dossiers returned, one in ten open) and gives each open
dossier an open step. Open deadlines are spread from 3 days before to 12 days after "now", so the
first pass moves about a fifth of the open rows (due soon, overdue, escalation level, draft form 04)
and computes every row's next sweep position — the catch-up after an outage or an upgrade — and
the passes right after it are the steady state every five minutes (only the rows whose moment
came). Prints the timings with the load average and the EXPLAIN of the candidate query.

``--existing --db motcua_bench`` uses a database made by ``manage.py generate_load`` as it is,
never migrating it (it stops when migrations are missing; its open dossiers get their due columns
from ``manage.py due_states_rebuild`` first if they have none): the figure at the generator's own
open share (about 1–2 %; nothing here opens more dossiers in an existing set). The sweep writes
the due states, as the scheduler would; to time a shared database without touching it,
``--copy-from motcua_bench --db <own copy>`` copies it server-side first (every table, without
its FULLTEXT indexes, which the sweep never reads and which are most of a copy's time, and
without triggers), then times the passes on the copy. ``make bench`` runs the same passes
(``bench/bench_web.py``, part ``sweep``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--db", default="motcua_bench_sweep")
    parser.add_argument("--reuse", action="store_true", help="keep the generated rows")
    parser.add_argument(
        "--steady", action="store_true", help="with --reuse: no reset, time steady-state passes"
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="use the database as it is (e.g. motcua_bench from generate_load): fill the due "
        "columns of its open dossiers if they have none, then time the passes",
    )
    parser.add_argument("--copy-from", default="", help="copy this database into --db first")
    args = parser.parse_args()
    if args.copy_from:
        copy_database(args.copy_from, args.db)
        args.existing = True

    os.environ["MOTCUA_DATABASE_URL"] = f"mysql://root@127.0.0.1/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import MySQLdb

    server = MySQLdb.connect(host="127.0.0.1", user="root")
    server.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{args.db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    server.close()

    import django

    django.setup()
    from django.core.management import call_command

    if args.existing:
        pending_refuse()  # a shared database is never migrated by this script
    else:
        call_command("migrate", verbosity=0)
    from django.db import connection
    from django.utils import timezone

    from motcua.dossiers.models import Dossier

    now = timezone.now()
    if args.existing:
        tracked = Dossier.objects.exclude(due_state="").exists()
        if not tracked:
            started = time.perf_counter()
            call_command("due_states_rebuild", batch_size=2000)
            print(f"due states filled in {time.perf_counter() - started:.1f} s")
    else:
        if not args.reuse or not Dossier.objects.exists():
            generate(connection, args.total, args.open, now)
        if not args.steady:
            reset_open(connection, now)

    if not args.existing:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE TABLE dossiers_dossier, dossiers_dossierstep")
            cursor.fetchall()
    print(sweep_explain(now))
    timings = sweep_passes(["catch-up", "steady", "steady", "steady"])
    counts = sweep_counts()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, {platform.python_version()}")
    print(
        f"database {args.db}: {counts['dossiers']:,} dossiers, {counts['open']:,} open, "
        f"{counts['tracked']:,} tracked; states after: {counts['states']}"
    )
    for label, seconds, result, load in timings:
        print(
            f"{label} pass: {seconds:.2f} s {result} "
            f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})"
        )


def pending_refuse() -> None:
    """Stop when the database lacks migrations: an existing (shared) database is measured as it
    is, never migrated here."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        raise SystemExit(f"bench_sweep: the database lacks migrations ({names}…); not migrating it")


def sweep_queries(now) -> dict:
    """The sweep's batch queries as :mod:`motcua.jobs.sweep` builds them, for EXPLAIN: the
    candidate batch of each live state (index ``(due_state, due_next_position)``), the rows
    without a next position, and the guard of the due-soon rows."""
    from motcua.dossiers.due_state import office_seconds
    from motcua.dossiers.models import Dossier, DossierStep
    from motcua.jobs.sweep import BATCH_SIZE, _moved_later

    position_now = office_seconds(now)
    out = {}
    for model in (Dossier, DossierStep):
        name = model._meta.model_name
        for state in ("overdue", "due_soon", "in_time"):
            out[f"{name}: reached, {state}"] = (
                model.objects.filter(due_state=state, due_next_position__lte=position_now)
                .order_by("due_next_position", "pk")
                .values_list("due_next_position", "pk")[:BATCH_SIZE]
            )
        out[f"{name}: no next position yet, in_time"] = (
            model.objects.filter(due_state="in_time", due_next_position__isnull=True, pk__gt=0)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        out[f"{name}: guard, due_soon"] = (
            model.objects.filter(_moved_later("due_soon", now), pk__gt=0)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
    return out


def sweep_explain(now) -> str:
    """EXPLAIN of :func:`sweep_queries` as a Markdown section."""
    from bench.scenarios import explain_markdown

    return explain_markdown("## EXPLAIN of the sweep's batch queries", sweep_queries(now), "###")


def sweep_passes(labels: list[str]) -> list[tuple]:
    """Run one sweep pass per label; return ``(label, seconds, result, load average)`` each."""
    from motcua.jobs.sweep import due_sweep

    timings = []
    for label in labels:
        load = os.getloadavg()
        started = time.perf_counter()
        result = due_sweep()
        timings.append((label, time.perf_counter() - started, result, load))
    return timings


def sweep_counts() -> dict:
    """Dossiers, open dossiers, tracked dossiers and the count per due state."""
    from django.db.models import Count

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.states import OPEN

    states = dict(Dossier.objects.order_by().values_list("due_state").annotate(n=Count("pk")))
    return {
        "dossiers": Dossier.objects.count(),
        "open": Dossier.objects.filter(status__in=list(OPEN)).count(),
        "tracked": sum(n for state, n in states.items() if state),
        "states": states,
    }


def copy_database(source: str, target: str) -> None:
    """Copy the tables of *source* into a new *target* with ``CREATE TABLE … LIKE`` and
    ``INSERT … SELECT`` (read committed: the source is read without locks)."""
    import MySQLdb

    started = time.perf_counter()
    server = MySQLdb.connect(host="127.0.0.1", user="root")
    cursor = server.cursor()
    cursor.execute(f"DROP DATABASE IF EXISTS `{target}`")
    cursor.execute(f"CREATE DATABASE `{target}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
        [source],
    )
    for (table,) in cursor.fetchall():
        cursor.execute(f"CREATE TABLE `{target}`.`{table}` LIKE `{source}`.`{table}`")
        cursor.execute(
            "SELECT DISTINCT index_name FROM information_schema.statistics "
            "WHERE table_schema = %s AND table_name = %s AND index_type = 'FULLTEXT'",
            [source, table],
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE `{target}`.`{table}` DROP INDEX `{index}`")
        cursor.execute(f"INSERT INTO `{target}`.`{table}` SELECT * FROM `{source}`.`{table}`")
        server.commit()
    server.close()
    print(f"copied {source} to {target} in {time.perf_counter() - started:.1f} s")


def generate(connection, total: int, open_count: int, now) -> None:
    """Insert *total* dossiers (every (total/open)-th open) and an open step per open dossier."""
    from django.db import transaction

    from motcua.dossiers.models import Dossier
    from motcua.notifications.models import EscalationLevel, EscalationPolicy

    unit, procedure, version = fixtures()
    every = total // open_count
    with connection.cursor() as cursor:
        for table in ("notifications_notification", "notifications_escalationfiring"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM notifications_apologydraft")
        cursor.execute("SET FOREIGN_KEY_CHECKS=0")
        cursor.execute("TRUNCATE dossiers_dossierstep")
        cursor.execute("TRUNCATE dossiers_dossier")
        cursor.execute("SET FOREIGN_KEY_CHECKS=1")
    values = {
        "code": "CONCAT('B-', seq)",
        "unit_id": str(unit.pk),
        "current_unit_id": str(unit.pk),
        "procedure_id": str(procedure.pk),
        "procedure_version_id": str(version.pk),
        "status": f"IF(seq % {every} = 0, 'in_progress', 'returned')",
        "channel": "1",
        "applicant_name": "CONCAT('Người nộp ', seq)",
        "search_text": "CONCAT('b-', seq)",
        "form_data": "'{}'",
        "supplement_items": "'[]'",
        "received_at": "NOW() - INTERVAL CAST(seq % 400 AS SIGNED) DAY",
        "due_at": "NOW() + INTERVAL (CAST(seq % 21600 AS SIGNED) - 4320) MINUTE",
        "updated_at": "NOW()",
        "version": "1",
    }
    columns, exprs = [], []
    for field in Dossier._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.attname in values:
            exprs.append(values[field.attname])
        elif field.null:
            exprs.append("NULL")
        else:
            default = field.get_default()
            exprs.append(connection.ops.adapt_unknown_value(default) if default != "" else "''")
            if isinstance(default, bool):
                exprs[-1] = "1" if default else "0"
            elif isinstance(default, int | float):
                exprs[-1] = str(default)
            elif isinstance(default, str):
                exprs[-1] = "'" + default.replace("'", "''") + "'"
            else:
                exprs[-1] = "'" + str(default) + "'"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO dossiers_dossier ({', '.join(columns)}) "
            f"SELECT {', '.join(exprs)} FROM seq_1_to_{total}"
        )
        step_cols = [
            "dossier_id",
            "`index`",
            "name",
            "unit_id",
            "roles",
            "actions",
            "state",
            "started_at",
            "due_at",
            "duration_amount",
            "duration_unit",
            "required_answers",
            "due_state",
            "overdue_office_hours",
        ]
        cursor.execute(
            f"INSERT INTO dossiers_dossierstep ({', '.join(step_cols)}) "
            f"SELECT id, 0, 'Thẩm định', {unit.pk}, '[]', '[]', 'open', received_at, due_at, "
            "8, 'working_days', 0, '', 0 FROM dossiers_dossier WHERE status = 'in_progress'"
        )
        cursor.execute(
            "UPDATE dossiers_dossier d JOIN dossiers_dossierstep s ON s.dossier_id = d.id "
            "SET d.current_step_id = s.id"
        )
    print(f"generated {total:,} dossiers in {time.perf_counter() - started:.1f} s")
    policy, _ = EscalationPolicy.objects.get_or_create(procedure=None)
    if not policy.levels.exists():
        EscalationLevel.objects.create(
            policy=policy, trigger="overdue", audiences=["assignee"], channels=["desk"]
        )


def reset_open(connection, now) -> None:
    """Give every open dossier and step its due columns as the lifecycle would (set-based)."""
    from motcua.dossiers.due_state import due_soon_threshold, office_seconds

    position_now = office_seconds(now)
    lead = int(due_soon_threshold(None).total_seconds())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_notification")
        cursor.execute("DELETE FROM notifications_escalationfiring")
        cursor.execute("DELETE FROM notifications_apologydraft")
        for table in ("dossiers_dossier", "dossiers_dossierstep"):
            condition = (
                "status = 'in_progress'" if table == "dossiers_dossier" else "state = 'open'"
            )
            # Office position approximated as 8/24 of wall time: enough for the benchmark.
            cursor.execute(
                f"UPDATE {table} SET due_state = 'in_time', due_state_since = NOW(), "
                "watch_due_at = due_at, "
                f"due_soon_at = due_at - INTERVAL {lead * 3} SECOND, "
                f"due_position = {position_now} + TIMESTAMPDIFF(SECOND, NOW(), due_at) DIV 3, "
                "due_next_position = NULL, "  # computed by the first pass, as after an upgrade
                f"overdue_since = NULL, overdue_office_hours = 0 WHERE {condition}"
            )
    print(f"reset open rows in {time.perf_counter() - started:.1f} s")


def fixtures():
    from decimal import Decimal

    from motcua.procedures.models import Procedure, Sector
    from motcua.procedures.services import procedure_publish
    from motcua.units.models import Unit
    from tests.units.factories import make_levels, make_unit

    unit = Unit.objects.filter(agency_code="000.00.31.H27").first()
    if unit is None:
        levels = make_levels()
        unit = make_unit("000.00.31.H27", "Ủy ban nhân dân quận Hồng Bàng", levels["district"])
    procedure = Procedure.objects.filter(national_code="1.009994").first()
    if procedure is None:
        sector, _ = Sector.objects.get_or_create(code="XD", defaults={"name": "Xây dựng"})
        procedure = Procedure.objects.create(
            national_code="1.009994",
            name="Cấp giấy phép xây dựng",
            sector=sector,
            level=unit.level,
            processing_amount=Decimal(15),
            processing_unit="working_days",
        )
        procedure.units.set([unit])
        procedure_publish(procedure=procedure)
    return unit, procedure, procedure.versions.order_by("-pk").first()


if __name__ == "__main__":
    main()
