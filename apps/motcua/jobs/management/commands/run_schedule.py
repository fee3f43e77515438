"""Run the periodic jobs of ``motcua.jobs.schedule`` inline (embedded default, no Redis)."""

import logging
import time
from datetime import datetime

from croniter import croniter
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.jobs.schedule import active_schedule

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Chạy các tác vụ định kỳ ngay trong tiến trình (khi không có Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then exit.")

    def handle(self, *args, once=False, **options):
        schedule = active_schedule()  # the core's jobs and the enabled plugins'
        if once:
            for job in schedule:
                self._run(job)
            return
        now = timezone.localtime()
        upcoming = {job.name: croniter(job.cron, now).get_next(datetime) for job in schedule}
        self.stdout.write(f"run_schedule: {len(schedule)} jobs; waiting for their next moment")
        while True:
            now = timezone.localtime()
            for job in schedule:
                if upcoming[job.name] <= now:
                    self._run(job)
                    upcoming[job.name] = croniter(job.cron, now).get_next(datetime)
            time.sleep(min(30.0, max(1.0, (min(upcoming.values()) - now).total_seconds())))

    def _run(self, job):
        try:
            result = import_string(job.func)()
            self.stdout.write(f"{job.name}: {result}")
        except Exception:  # one failing job must not stop the others
            log.exception("scheduled job %s failed", job.name)
