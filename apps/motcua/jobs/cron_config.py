"""Config module for ``manage.py rqcron motcua.jobs.cron_config``: registers :data:`SCHEDULE`."""

from django.utils.module_loading import import_string
from rq import cron

from motcua.jobs.schedule import SCHEDULE

for job in SCHEDULE:
    cron.register(import_string(job.func), queue_name=job.queue, cron=job.cron, name=job.name)
