"""Benchmark the ways to write the due columns of a batch of dossiers with different values per row.

Run on a database with open dossiers (``bench/bench_recompute.py --generate`` builds one):

    .venv/bin/python bench/bench_rows_update.py [--db motcua_h13_bench] [--rows 500] [--repeat 5]

For each MariaDB form of :func:`motcua.core.rows_update.rows_update` (a table value constructor,
``JSON_TABLE``, a temporary table) and for Django's ``bulk_update`` (one ``CASE`` per column),
the same *rows* open dossiers get new values in the nine columns the recompute writes (``due_at``
and the due columns), in a transaction that is rolled back; prints the median time of *repeat*
runs with the load average, and the ``EXPLAIN`` of the chosen form.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="motcua_h13_bench")
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["MOTCUA_DATABASE_URL"] = f"mysql://root@127.0.0.1/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection, transaction

    from motcua.core import rows_update as module
    from motcua.dossiers.due_state import WRITTEN
    from motcua.dossiers.models import Dossier

    dossiers = list(
        Dossier.objects.filter(status="in_progress")
        .order_by("pk")
        .only("pk", *WRITTEN)[: args.rows]
    )
    for d in dossiers:  # new values in every column, as when every deadline moves
        d.due_at += timedelta(days=1)
        d.watch_due_at = d.due_at
        d.due_soon_at = d.due_at - timedelta(days=2)
        d.due_position = (d.due_position or 0) + 28_800
        d.due_next_position = (d.due_next_position or 0) + 28_800
        d.due_state = "due_soon"
        d.overdue_office_hours = 0
    rows = [(d.pk, *[getattr(d, n) for n in WRITTEN]) for d in dossiers]

    def timed(write) -> float:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    write()
                    times.append(time.perf_counter() - started)
                    raise Rollback
            except Rollback:
                pass
        return statistics.median(times)

    load = os.getloadavg()
    print(f"database {args.db}: {len(rows)} rows × {len(WRITTEN)} columns, load {load[0]:.1f}")
    for form in module.MYSQL_FORMS:
        seconds = timed(lambda form=form: module.rows_update(Dossier, WRITTEN, rows, form=form))
        print(f"  rows_update {form:<10}: {seconds * 1000:7.1f} ms")
    seconds = timed(lambda: Dossier.objects.bulk_update(dossiers, WRITTEN, batch_size=100))
    print(f"  bulk_update CASE×100 : {seconds * 1000:7.1f} ms")
    sql, params = module.MYSQL_FORMS[module.MYSQL_FORM](
        Dossier, WRITTEN, module._prepared(Dossier, WRITTEN, rows[:3])
    )[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        print(f"EXPLAIN ({module.MYSQL_FORM}, 3 rows):")
        for line in cursor.fetchall():
            print("  ", line)


if __name__ == "__main__":
    main()
