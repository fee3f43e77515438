"""``manage.py reports_rebuild``: rebuild the monthly summaries of the indicators from the dossiers.

For backfill (a database older than the summaries, bulk imports) and repair. See
:mod:`motcua.reports.summaries_rebuild` for the two passes; safe to interrupt and run again.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from motcua.reports.officer_summaries import officer_months_rebuild
from motcua.reports.summaries import month_of_date
from motcua.reports.summaries_rebuild import entries_rebuild, summaries_rebuild


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"Ngày {option} không hợp lệ: {value!r} (định dạng YYYY-MM-DD).", returncode=2
        ) from None


class Command(BaseCommand):
    help = (
        "Recompute the summary entries (indicators and officers) of the dossiers received from "
        "--from to --to (all when omitted), then the monthly summary rows and the per-officer "
        "monthly rows from the month of --from on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD (reception date)")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD, inclusive")
        parser.add_argument(
            "--missing", action="store_true", help="only dossiers that have no entry yet"
        )
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, date_from, date_to, missing, batch, **options):
        first, last = _date(date_from, "--from"), _date(date_to, "--to")
        if first and last and last < first:
            raise CommandError("Ngày --to phải không trước ngày --from.", returncode=2)
        quiet = options["verbosity"] < 1 or options["no_progress"]
        started = time.perf_counter()
        bar = tqdm(total=None, unit=" hồ sơ", disable=quiet, smoothing=0.1)

        def progress(done, total=None):
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        entries = entries_rebuild(
            date_from=first,
            date_to=last,
            missing_only=missing,
            batch_size=batch,
            progress=progress,
        )
        bar.close()
        entries_s = time.perf_counter() - started
        first_month = month_of_date(first) if first else None
        bar = tqdm(total=None, unit=" tháng", disable=quiet)
        rows = summaries_rebuild(first_month=first_month, progress=progress)
        bar.close()
        officers = officer_months_rebuild(first_month=first_month)
        self.stdout.write(
            f"entries {entries} in {entries_s:.1f} s ({entries / max(entries_s, 1e-6):.0f}/s), "
            f"summary rows {rows}, officer rows {officers}, "
            f"{time.perf_counter() - started:.1f} s in all"
        )
