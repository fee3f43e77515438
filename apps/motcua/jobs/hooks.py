"""The core's periodic jobs, through the plugin contract (docs/plugins.md): ``schedule.SCHEDULE``."""

from motcua.jobs import schedule as _schedule

name = "motcua_jobs"
label = "Tác vụ nền"
core = True
scheduled_jobs = list(_schedule.SCHEDULE)
