from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "motcua.jobs"
    label = "jobs"
    verbose_name = _("Tác vụ nền")

    def ready(self) -> None:
        from motcua.core import recompute_jobs
        from motcua.jobs.recompute import recompute_enqueue

        # core queues deadline recomputations; the jobs app runs them (core imports no app)
        recompute_jobs.enqueue_hook = recompute_enqueue
