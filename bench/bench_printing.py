"""Benchmark form rendering: each legal form (01–07) rendered to PDF N times after a warm-up.

Run: ``.venv/bin/python bench/bench_printing.py [--n 30] [--warmup 3]``. The script creates an
in-memory SQLite test database (the test settings), builds the demo dossiers of the printing tests
through the lifecycle services (a full one with supplement, late steps, apology and return; a
refused one; a stopped one), then times ``render_form_pdf`` end to end (scoped read, context,
sandboxed template, QR code, WeasyPrint) and, for form 01, the split between HTML and PDF and a
PAdES signature with a throwaway certificate. Prints median and 90th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TARGET_MS = {"01": 300}


def timed(func, *, n: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.9) - 1)]


def build_demo():
    """Return (world, dossiers) built like the printing tests' ``demo`` fixture."""
    from tests.dossiers import conftest as lifecycle
    from tests.printing import conftest as printing

    world = lifecycle.world.__wrapped__(None)
    applicant = lifecycle.applicant.__wrapped__()
    documents = lifecycle.documents.__wrapped__()
    dossiers = {
        "full": printing.build_full(world, applicant, documents),
        "refused": printing.build_refused(world, applicant, documents),
        "stopped": printing.build_stopped(world, applicant, documents),
    }
    return world, dossiers


def throwaway_signer():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from motcua.printing.signing import SigningConfig, load_signer

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    path = Path(tempfile.mkdtemp(prefix="motcua-bench-")) / "bench.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"bench", key, cert, None, serialization.NoEncryption()
        )
    )
    config = SigningConfig(
        pkcs12_path=path, password=None, required=False, reason="bench", location=""
    )
    return load_signer(config)


def bulk_ledger(world, count: int, *, now) -> None:
    """Receive *count* more dossiers in March 2025 and time one ledger print of the month."""
    import time_machine

    from motcua.dossiers import services
    from motcua.printing import render
    from tests.dossiers import conftest as lifecycle

    applicant = lifecycle.applicant.__wrapped__()
    documents = lifecycle.documents.__wrapped__()
    days = [d for d in range(3, 29) if date(2025, 3, d).weekday() < 5]  # working days
    for i in range(count):
        moment = lifecycle.at(2025, 3, days[i % len(days)], 8 + i % 8, (i * 7) % 60)
        with time_machine.travel(moment, tick=False):
            services.dossier_receive(
                user=world.users.reception,
                procedure=world.procedure,
                unit=world.units.d,
                applicant={**applicant, "applicant_name": f"Nguyễn Văn Bench {i:04d}"},
                documents=documents,
            )
    kw = {
        "user": world.users.reception,
        "unit": world.units.d,
        "date_from": date(2025, 3, 1),
        "date_to": date(2025, 3, 31),
    }
    from io import BytesIO

    from pypdf import PdfReader

    pdf = render.render_form_pdf(code="07", now=now, **kw)
    pages = len(PdfReader(BytesIO(pdf)).pages)
    samples = timed(lambda: render.render_form_pdf(code="07", now=now, **kw), n=3, warmup=0)
    print(
        f"bulk ledger (form 07), {count + 3} dossiers, {pages} pages: "
        f"{summary(samples)[0]:.0f} ms (median of 3)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--ledger", type=int, default=200, help="dossiers in the bulk ledger run (0: skip)"
    )
    args = parser.parse_args()

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from motcua.printing import render
    from motcua.printing.registry import FORMS
    from motcua.printing.signing import sign_pdf
    from tests.dossiers.conftest import at
    from tests.printing.conftest import PRINT_MOMENT

    world, dossiers = build_demo()
    now = at(*PRINT_MOMENT)
    u = world.users
    jobs = {
        "01": {"user": u.reception, "dossier": dossiers["full"]},
        "02": {"user": u.spec1, "dossier": dossiers["full"]},
        "03": {"user": u.reception, "dossier": dossiers["refused"]},
        "04": {"user": u.leader, "dossier": dossiers["full"]},
        "05": {"user": u.reception, "dossier": dossiers["stopped"]},
        "06": {"user": u.leader, "dossier": dossiers["full"]},
        "07": {
            "user": u.reception,
            "unit": world.units.d,
            "date_from": date(2025, 3, 1),
            "date_to": date(2025, 3, 31),
        },
    }

    print(
        f"# {platform.node()} — {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; n={args.n} after {args.warmup} warm-up renders"
    )
    print()
    print("| form | name | pages | median ms | p90 ms |")
    print("|---|---|---|---|---|")
    results = {}
    for code, kw in jobs.items():
        pdf = render.render_form_pdf(code=code, now=now, **kw)
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(pdf)).pages)
        samples = timed(
            lambda kw=kw, code=code: render.render_form_pdf(code=code, now=now, **kw),
            n=args.n,
            warmup=args.warmup,
        )
        median, p90 = summary(samples)
        results[code] = median
        print(f"| {code} | {FORMS[code].name} | {pages} | {median:.0f} | {p90:.0f} |")

    # Form 01 split: data + sandboxed HTML, then WeasyPrint; and a PAdES signature.
    spec, data, issuer = render.form_data(code="01", now=now, **jobs["01"])
    html_samples = timed(
        lambda: render.render_html(spec, data, unit=issuer), n=args.n, warmup=args.warmup
    )
    html, _template, _problem = render.render_html(spec, data, unit=issuer)
    pdf_samples = timed(lambda: render.html_to_pdf(html), n=args.n, warmup=args.warmup)
    signer = throwaway_signer()
    pdf = render.html_to_pdf(html)
    sign_samples = timed(lambda: sign_pdf(pdf, signer=signer), n=args.n, warmup=args.warmup)
    print()
    print(
        f"form 01 split: template {summary(html_samples)[0]:.1f} ms, "
        f"WeasyPrint {summary(pdf_samples)[0]:.0f} ms, "
        f"PAdES signature (RSA 2048) {summary(sign_samples)[0]:.0f} ms (medians)"
    )
    if args.ledger:
        bulk_ledger(world, args.ledger, now=now)
    for code, target in TARGET_MS.items():
        verdict = "OK" if results[code] < target else "OVER"
        print(f"target form {code} < {target} ms: {verdict} ({results[code]:.0f} ms)")


if __name__ == "__main__":
    main()
