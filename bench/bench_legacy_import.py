"""Legacy import throughput (docs/legacy-import.md): N rows of a CSV into the site's database.

Run on a migrated, otherwise empty MariaDB database of your own (never the shared bench one)::

    MOTCUA_DATABASE_URL=mysql://root@localhost/motcua_<you> .venv/bin/python manage.py migrate
    MOTCUA_DATABASE_URL=mysql://root@localhost/motcua_<you> .venv/bin/python -m bench.bench_legacy_import 50000

It creates a province, a commune, a procedure and an administrator if missing, writes the file,
imports it (pass 1 checks, pass 2 writes in batches of 2,000) and prints rows per second; the
imported rows stay (run it on a throwaway database).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime, timedelta


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from motcua.dossiers.services import dossiers_import
    from motcua.procedures.models import Procedure, Sector
    from motcua.procedures.services import procedure_publish
    from motcua.units.levels import ensure_levels
    from motcua.units.models import Unit, UnitLevel

    ensure_levels(UnitLevel)
    province, _ = Unit.objects.get_or_create(
        agency_code="000.00.00.B99",
        defaults={"name": "Tỉnh thử", "level": UnitLevel.objects.get(code="province")},
    )
    commune, _ = Unit.objects.get_or_create(
        agency_code="000.01.00.B99",
        defaults={
            "name": "Xã thử",
            "level": UnitLevel.objects.get(code="commune"),
            "parent": province,
        },
    )
    sector, _ = Sector.objects.get_or_create(code="BENCH", defaults={"name": "Thử"})
    procedure, made = Procedure.objects.get_or_create(
        national_code="9.BENCH",
        defaults={
            "name": "Thủ tục thử",
            "sector": sector,
            "level": UnitLevel.objects.get(code="commune"),
            "processing_amount": 5,
            "result_type": "Giấy",
        },
    )
    if made:
        procedure.units.set([commune])
        procedure_publish(procedure=procedure)
    admin = get_user_model().objects.filter(is_superuser=True).first() or (
        get_user_model().objects.create_superuser("bench.import", "", "x")
    )
    stamp = f"{time.time():.0f}"
    start = datetime(2024, 1, 2, 8, 0)  # noqa: DTZ001 - local wall-clock text for the file
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write(
            "code,procedure_code,applicant_name,unit_code,received_at,due_at,finished_at,status\n"
        )
        for i in range(count):
            r = start + timedelta(minutes=i)
            f.write(
                f"B{stamp}-{i:07d},9.BENCH,Người {i},000.01.00.B99,{r:%d/%m/%Y %H:%M},"
                f"{r + timedelta(days=7):%d/%m/%Y %H:%M},{r + timedelta(days=3):%d/%m/%Y %H:%M},"
                "Đã trả kết quả\n"
            )
        path = f.name
    began = time.perf_counter()
    with open(path, "rb") as handle:
        record = dossiers_import(user=admin, handle=handle, file_name="bench.csv")
    spent = time.perf_counter() - began
    os.unlink(path)
    print(
        f"{record.status}: {record.imported} of {count} rows in {spent:.1f} s = {count / spent:,.0f} rows/s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50000)
