"""``manage.py processing_times``: record the QĐ 766 §2.2 processing time of dossiers that got
their result before the lifecycle recorded it (data imported or older than this module).

Select ids in SQL, work in batches of ``--batch``, isolate per-row errors; safe to run twice (a
dossier that already has its time is not selected).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.dossiers.models import Dossier
from motcua.reports.timing import processing_time_record


class Command(BaseCommand):
    help = "Record the processing time (QĐ 766 §2.2) of finished dossiers that lack it."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options):
        missing = Dossier.objects.filter(
            status__in=("result_ready", "returned"),
            received_at__isnull=False,
            finished_at__isnull=False,
            processing_time__isnull=True,
        )
        done = failed = 0
        last = 0
        while True:
            ids = list(
                missing.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            last = ids[-1]
            for dossier in Dossier.objects.filter(pk__in=ids).select_related("procedure_version"):
                try:
                    processing_time_record(dossier=dossier)
                    done += 1
                except Exception as exc:  # one bad row must not stop the batch
                    failed += 1
                    self.stderr.write(f"{dossier.code}: {exc}")
        self.stdout.write(f"recorded {done}, failed {failed}")
