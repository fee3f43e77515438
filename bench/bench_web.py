"""``make bench``: the site at provincial scale, measured against a bare WSGI floor in one run.

Steps: migrate the bench database and fill it with ``generate_load`` (a no-op when the same
``--dossiers`` / ``--seed`` set is already there); start gunicorn with 2 workers for the site and,
on another port, for a bare WSGI app answering one indexed SELECT by code (same server, same
driver: the floor); load public pages with ``wrk`` at 2 and 64 connections; time desk and admin
pages with N sequential requests per role; time reception, form 01 and a calendar change through
the service layer; record every hot query's EXPLAIN. Writes ``bench/results/<date>.md`` and
``bench/results/<date>-explain.md`` and prints the table. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("MOTCUA_SITE", "bench")
os.environ.setdefault("MOTCUA_DATABASE_URL", "mysql://root@localhost/motcua_bench")

#: Loopback port of the site (``--port``, default ``BENCH_SITE_PORT`` or 8471); the floor takes the
#: next one, so that two benches on one machine do not meet.
SITE_PORT = int(os.environ.get("BENCH_SITE_PORT", "8471"))
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))


def _args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="generator processes")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    parser.add_argument("--requests", type=int, default=30, help="sequential requests per page")
    parser.add_argument("--receptions", type=int, default=200)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="measure only this part (repeatable): public pages, desk pages, service timings, "
        "the due sweep",
    )
    parser.add_argument("--port", type=int, default=SITE_PORT, help="site port; floor = port + 1")
    return parser.parse_args()


PARTS = ("public", "desk", "service", "sweep")


# --------------------------------------------------------------------------- servers


def _create_database(url: str) -> None:
    """Create the bench database (utf8mb4, the project's collation) when it is missing."""
    from urllib.parse import urlparse

    import MySQLdb

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"bench: bad database name {name!r}")
    conn = MySQLdb.connect(
        host=parts.hostname or "localhost",
        user=parts.username or "root",
        passwd=parts.password or "",
    )
    conn.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    conn.close()


def _serve(app: str, port: int, env: dict) -> subprocess.Popen:
    cmd = [
        GUNICORN,
        "-c",
        str(ROOT / "config/gunicorn.conf.py"),
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
    ]
    proc = subprocess.Popen(
        [*cmd, "--chdir", str(ROOT), app],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(ROOT / f"bench/results/.gunicorn-{port}.log", "w"),  # noqa: SIM115
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/thu-tuc/", timeout=30)
            return proc
        except urllib.error.HTTPError:
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"bench: gunicorn on port {port} did not start (see bench/results/)")


def _worker_rss_mb(proc: subprocess.Popen) -> list[float]:
    out = []
    for child in Path("/proc").glob("[0-9]*"):
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        if f"PPid:\t{proc.pid}\n" in status:
            rss = re.search(r"VmRSS:\s+(\d+)", status)
            if rss:
                out.append(int(rss.group(1)) / 1024)
    return out


# --------------------------------------------------------------------------- measurements


def wrk(url: str, connections: int, seconds: int, script: Path | None = None) -> dict:
    cmd = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=False).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": _ms(lat.get("50")),
        "p99": _ms(lat.get("99")),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _ms(text: str | None) -> float | None:
    if not text:
        return None
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def sequential(url: str, cookie: str, n: int) -> dict:
    times, statuses = [], set()
    for _ in range(n):
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                statuses.add(response.status)
        except urllib.error.HTTPError as exc:
            statuses.add(exc.code)
        except OSError as exc:
            statuses.add(type(exc).__name__)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
        "status": ",".join(str(s) for s in sorted(statuses, key=str)),
    }


def _session_cookie(user, extra: dict | None = None) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    if user is not None:
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for key, value in (extra or {}).items():
        store[key] = value
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


# --------------------------------------------------------------------------- the run


def main() -> None:
    args = _args()
    if not shutil.which("wrk"):
        raise SystemExit(
            "bench: wrk is missing (scripts/bootstrap.sh bench, or apt-get install wrk)"
        )
    _create_database(os.environ["MOTCUA_DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    results_dir = ROOT / "bench/results"
    results_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", "--noinput", verbosity=0)
    if not args.skip_generate:
        started = time.perf_counter()
        call_command("generate_load", dossiers=args.dossiers, seed=args.seed, jobs=args.jobs)
        generate_s = time.perf_counter() - started
    else:
        generate_s = None

    import bench.scenarios as scenarios

    world = scenarios.bench_world()
    env = {**os.environ, "MOTCUA_SITE": "bench", "BENCH_FLOOR_CODE": world.code}
    parts = set(args.only or PARTS)
    rows: list[tuple] = []
    loads = [os.getloadavg()[0]]
    site = _serve("config.wsgi", args.port, env)
    floor = _serve("bench.floor_wsgi:application", args.port + 1, env)
    try:
        base = f"http://127.0.0.1:{args.port}"
        if "public" in parts:
            rows += public_pages(world, base, f"http://127.0.0.1:{args.port + 1}/", args.seconds)
        if "desk" in parts:
            for name, path, user in scenarios.desk_pages(world):
                m = sequential(base + path, _session_cookie(user), args.requests)
                rows.append(("desk", name, None, m["p50"], m["p99"], "", m["status"]))
        rss = _worker_rss_mb(site)
        loads.append(os.getloadavg()[0])
    finally:
        for proc in (site, floor):
            proc.terminate()
            proc.wait(timeout=30)
    if "service" in parts:
        for name, value, unit in scenarios.service_timings(world, receptions=args.receptions):
            rows.append(("service", name, value, None, None, unit, ""))
    if generate_s is not None:
        rows.append(
            (
                "service",
                f"generate_load {args.dossiers:,} (this run)",
                generate_s,
                None,
                None,
                "s",
                "",
            )
        )
    rows.append(
        ("service", "RSS of a site worker after the run", max(rss or [0]), None, None, "MB", "")
    )
    sweep_explain = ""
    if "sweep" in parts:
        sweep, sweep_explain = sweep_part()
        rows += sweep
    stamp = _today().isoformat()
    suffix = "" if parts == set(PARTS) else "-" + "-".join(sorted(parts))
    table = _table(rows, args, world, loads)
    (results_dir / f"{stamp}{suffix}.md").write_text(table, encoding="utf-8")
    if "desk" in parts or sweep_explain:
        explain = scenarios.explain_hot_queries(world) if "desk" in parts else ""
        explain = "\n".join(part for part in (explain, sweep_explain) if part)
        (results_dir / f"{stamp}{suffix}-explain.md").write_text(explain, encoding="utf-8")
    print(table)


def sweep_part() -> tuple[list[tuple], str]:
    """The due sweep at the bench's size (target: a full pass over 1,000,000 dossiers in under
    10 s): a pass that catches up with the time since the set was last swept, then two passes at
    steady state, each timed, with the EXPLAIN of the sweep's batch queries. The generator's
    finish step fills the due states, so a finished set costs only the passes; a set without
    them gets them first (``due_states_rebuild``, timed on its own line)."""
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from bench.bench_sweep import sweep_counts, sweep_explain, sweep_passes
    from motcua.dossiers.models import Dossier

    rows = []
    if not Dossier.objects.exclude(due_state="").exists():
        started = time.perf_counter()
        call_command("due_states_rebuild", no_progress=True, stdout=io.StringIO())
        seconds = time.perf_counter() - started
        rows.append(
            ("sweep", "due_states_rebuild (no due states yet)", seconds, None, None, "s", "")
        )
    explain = sweep_explain(timezone.now())
    counts = sweep_counts()
    size = f"{counts['dossiers']:,} dossiers, {counts['open']:,} open"
    for label, seconds, result, load in sweep_passes(["catch-up", "steady", "steady"]):
        detail = (
            f"{result.get('batches', 0)} batches, {result.get('changed', 0)} rows written, "
            f"{result.get('fired', 0)} levels fired; load {load[0]:.1f}"
        )
        rows.append(
            ("sweep", f"due sweep pass, {label} ({size})", seconds, None, None, "s", detail)
        )
    return rows, explain


def _drain(url: str) -> None:
    """Wait until the server has answered what wrk left queued (gunicorn's backlog outlives wrk's
    connections): one request at the back of the queue, so the next line starts on an idle server."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with contextlib.suppress(OSError):
        urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/favicon.ico", timeout=120).read()


def public_pages(world, base: str, floor_url: str, seconds: int) -> list[tuple]:
    """The public pages with wrk at 2 and 64 connections, each beside the floor's rate."""
    import bench.scenarios as scenarios

    results_dir = ROOT / "bench/results"
    status_cookie = _session_cookie(None, scenarios.status_grant(world.dossier))
    lookup_lua = scenarios.lookup_script(results_dir, world.dossier, base)
    public = [
        ("floor: 1 indexed SELECT by code", floor_url, None),
        ("status page", f"{base}/tra-cuu/{world.code}/", status_cookie),
        ("lookup POST", f"{base}/tra-cuu/", lookup_lua),
        ("catalogue", f"{base}/thu-tuc/", None),
        ("procedure page", f"{base}/thu-tuc/{world.procedure_code}/", None),
    ]
    rows = []
    for name, url, extra in public:
        for conns in (2, 64):
            script = extra if isinstance(extra, Path) else None
            if isinstance(extra, str):
                script = scenarios.cookie_script(results_dir, extra)
            wrk(url, conns, 2, script)  # warm-up, not measured: templates compiled in each worker
            _drain(url)
            m = wrk(url, conns, seconds, script)
            _drain(url)
            # The floor again right after, at the same concurrency: on a shared machine the load
            # moves within a minute, so each page is compared with the floor measured beside it.
            floor = m if name.startswith("floor") else wrk(floor_url, conns, seconds)
            ratio = m["rps"] / (floor["rps"] or 1)
            rows.append(
                (
                    "public",
                    f"{name} @{conns}",
                    m["rps"],
                    m["p50"],
                    m["p99"],
                    f"{ratio:.2f}× (floor {floor['rps']:,.0f})",
                    m["errors"],
                )
            )
    return rows


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _table(rows, args, world, loads) -> str:
    lines = [
        f"# make bench — {_today():%Y-%m-%d}",
        "",
        f"{world.total:,} dossiers ({world.open:,} open), seed {args.seed}; gunicorn 2 workers; "
        f"wrk {args.seconds}s per line; desk pages {args.requests} sequential requests each. "
        f"Machine: {os.cpu_count()} cores (shared), MariaDB {world.server}; load average "
        f"(1 min) {' → '.join(f'{x:.1f}' for x in loads)} (start → end of the web part).",
        "",
        "| part | measurement | req/s or value | p50 ms | p99 ms | ratio / unit | errors / status |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for part, name, value, p50, p99, unit, status in rows:
        lines.append(
            f"| {part} | {name} | {_fmt(value)} | {_fmt(p50)} | {_fmt(p99)} | {unit} | {status} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
