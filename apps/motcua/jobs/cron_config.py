"""Config module for ``manage.py rqcron motcua.jobs.cron_config``: registers the site's ``active_schedule()``."""

from django.utils.module_loading import import_string
from rq import cron

from motcua.jobs.schedule import active_schedule

for job in active_schedule():
    cron.register(import_string(job.func), queue_name=job.queue, cron=job.cron, name=job.name)
