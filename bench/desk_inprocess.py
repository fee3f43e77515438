"""Desk and admin pages timed in process (no server): p50 / p99, CPU time and queries per page.

Reads the bench database only (logging in writes a session row). For the pages of
``scenarios.desk_pages`` (the ledger excepted: its time is WeasyPrint's) and the worklist's group
pages, ``--requests`` sequential ``Client.get`` each after one warm-up; ``--profile NAME`` prints a
pyinstrument profile of one request of the page whose name contains NAME.

    MOTCUA_SITE=bench MOTCUA_DATABASE_URL=mysql://root@localhost/motcua_bench \\
        .venv/bin/python bench/desk_inprocess.py --requests 10 [--only worklist] [--profile leader]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("MOTCUA_SITE", "bench")
os.environ.setdefault("MOTCUA_DATABASE_URL", "mysql://root@localhost/motcua_bench")


def pages(world):
    """The desk pages of ``make bench`` (no ledger) and the worklist's group pages."""
    import bench.scenarios as scenarios

    out = [p for p in scenarios.desk_pages(world) if not p[0].startswith("ledger")]
    out += [
        (
            "worklist group page 2: supervisor, in time",
            "/desk/?group=in_time&page=2",
            world.supervisor,
        ),
        ("worklist group page 1: leader, overdue", "/desk/?group=overdue", world.leader),
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--only", action="append", help="pages whose name contains this")
    parser.add_argument("--profile", help="profile one request of the page whose name has this")
    parser.add_argument("--show", action="store_true", help="print every query of the warm-up")
    parser.add_argument(
        "--slow", type=float, help="print the warm-up's queries slower than this (s)"
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client

    import bench.scenarios as scenarios

    # Keep one connection across requests (as a test does), so the query log covers the request.
    request_finished.disconnect(close_old_connections)
    world = scenarios.bench_world()
    print(f"{world.total:,} dossiers, {world.open:,} open; load {os.getloadavg()[0]:.1f}")
    print(f"{'page':58} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms':>7} {'queries':>7} status")
    for name, path, user in pages(world):
        if args.only and not any(o in name for o in args.only):
            continue
        client = Client(HTTP_ACCEPT_LANGUAGE="vi", HTTP_HOST="127.0.0.1")
        client.force_login(user)
        queries: list[tuple[float, str]] = []

        def log(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - started, sql))

        with connection.execute_wrapper(log):
            status = client.get(path).status_code  # warm-up, and the query count
        walls, cpus = [], []
        for _ in range(args.requests):
            started, cpu = time.perf_counter(), time.process_time()
            client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        walls.sort()
        p99 = walls[min(len(walls) - 1, int(len(walls) * 0.99))]
        print(
            f"{name[:58]:58} {statistics.median(walls):8.1f} {p99:8.1f} "
            f"{statistics.median(cpus):7.1f} {len(queries):7d} {status}"
        )
        for seconds, sql in queries if args.slow is not None or args.show else ():
            if args.show or seconds >= args.slow:
                print(f"    {seconds:.3f} s  {sql[:300]}")
        if args.profile and args.profile in name:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            with profiler:
                client.get(path)
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
