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
    from bench.scenarios import explain_rows
    from motcua.dossiers.assignment import assignment_order
    from motcua.dossiers.workflow import step_unit, workflow_steps
    from motcua.procedures.selectors import procedure_current_version
    from motcua.procedures.workflow import Assignment

    spec = workflow_steps(procedure_current_version(procedure=world.dossier.procedure).snapshot)[0]
    unit = step_unit(spec, world.dossier.current_unit)
    out = []
    for rule in (Assignment.ROUND_ROBIN, Assignment.LEAST_LOADED):
        order = assignment_order(rule=rule, unit=unit, name=spec.name, roles=spec.roles)
        cols, rows = explain_rows(order[:1])
        out.append(f"{rule} (step “{spec.name}”, unit {unit.pk}):\n  " + " | ".join(cols))
        out += ["  " + " | ".join(str(v) for v in row) for row in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receptions", type=int, default=200)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--procedure",
        help="national code of the procedure to receive (default: the bench world's dossier's); "
        "one whose first step is round robin measures the automatic assignment",
    )
    args = parser.parse_args()
    import dataclasses

    import django

    django.setup()
    from bench import scenarios
    from motcua.dossiers.models import Dossier

    world = scenarios.bench_world()
    if args.procedure:
        model = (
            Dossier.objects.filter(
                unit_id=world.unit_id,
                procedure__national_code=args.procedure,
                received_at__isnull=False,
            )
            .select_related("procedure", "procedure_version", "unit", "current_unit")
            .order_by("-pk")
            .first()
        )
        world = dataclasses.replace(world, dossier=model)
    m = scenarios.reception_timing(world, receptions=args.receptions)
    print(
        f"{world.total:,} dossiers; {args.receptions} receptions of "
        f"{world.dossier.procedure.national_code} at unit {world.unit_id}: "
        f"{m['rate']:.1f} dossiers/s, CPU {m['cpu_ms']:.1f} ms/dossier, "
        f"{m['queries']} queries/reception, load {m['load'][0]:.2f} -> {m['load'][1]:.2f}"
    )
    if args.explain:
        print(_explain_pick(world))


if __name__ == "__main__":
    main()
