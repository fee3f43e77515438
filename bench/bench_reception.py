"""Reception throughput alone: N dossiers received through ``dossier_receive`` in one process.

The service part of ``bench_web.py`` without the servers, on a database the generator filled::

    MOTCUA_SITE=bench MOTCUA_DATABASE_URL=mysql://root@localhost/motcua_b2 \\
      .venv/bin/python bench/bench_reception.py --receptions 300 [--explain]

Prints dossiers/s (wall), CPU ms per dossier, queries of one reception, the load average before
and after, and with ``--explain`` the EXPLAIN of the automatic assignment's pick.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("MOTCUA_SITE", "bench")


def _explain_pick(world) -> str:
    from django.db import connection
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from motcua.dossiers.assignment import step_assignable_officers
    from motcua.dossiers.models import AssignmentTurn, OfficerLoad
    from motcua.dossiers.workflow import step_unit, workflow_steps

    spec = workflow_steps(world.dossier.procedure_version.snapshot)[0]
    unit = step_unit(spec, world.dossier.current_unit)
    officers = step_assignable_officers(unit=unit, roles=spec.roles)
    turn = AssignmentTurn.objects.filter(unit=unit, name=spec.name, officer=OuterRef("pk"))
    load = OfficerLoad.objects.filter(officer=OuterRef("pk")).values("open_steps")[:1]
    queries = {
        f"round robin ({spec.assignment} step “{spec.name}”, unit {unit.pk})": officers.annotate(
            last=Subquery(turn.values("last_assigned_at")[:1])
        ).order_by(F("last").asc(nulls_first=True), "pk")[:1],
        "least loaded": officers.annotate(load=Coalesce(Subquery(load), 0)).order_by("load", "pk")[
            :1
        ],
    }
    out = []
    for name, qs in queries.items():
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            cols = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
        out.append(f"{name}:\n  " + " | ".join(cols))
        out += ["  " + " | ".join(str(v) for v in row) for row in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receptions", type=int, default=200)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from bench import scenarios

    world = scenarios.bench_world()
    m = scenarios.reception_timing(world, receptions=args.receptions)
    print(
        f"{world.total:,} dossiers; {args.receptions} receptions at unit {world.unit_id}: "
        f"{m['rate']:.1f} dossiers/s, CPU {m['cpu_ms']:.1f} ms/dossier, "
        f"{m['queries']} queries/reception, load {m['load'][0]:.2f} -> {m['load'][1]:.2f}"
    )
    if args.explain:
        print(_explain_pick(world))


if __name__ == "__main__":
    main()
