"""The one list of the core's periodic jobs (Frappe's ``scheduler_events`` idea).

Every scheduled job of the core is declared here, nowhere else; a plugin declares its own in its
hooks module (``scheduled_jobs``, docs/plugins.md), and :func:`active_schedule` returns both. With Redis, ``rq cron`` (via
``manage.py rqcron motcua.jobs.cron_config``) enqueues them; on the embedded default
``manage.py run_schedule`` runs them inline at the same cron moments. Jobs must be idempotent and
batched: they may run twice or be interrupted (STYLE "Jobs").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: str  # dotted path, imported lazily so this module stays importable without Django apps
    cron: str  # five-field cron expression in the site's time zone
    queue: str = "default"


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob(
        name="sessions_clear_expired",
        func="motcua.jobs.tasks.sessions_clear_expired",
        cron="17 2 * * *",
        queue="low",
    ),
    ScheduledJob(
        name="outbox_deliver",
        func="motcua.integrations.outbox.outbox_deliver_due",
        cron="* * * * *",
    ),
    ScheduledJob(
        name="due_sweep",
        func="motcua.jobs.sweep.due_sweep",
        cron="*/5 * * * *",
    ),
    ScheduledJob(
        # Normally started by the calendar change itself; this picks up a run whose enqueue was
        # lost or whose worker died (it resumes from its cursor).
        name="deadlines_recompute_pending",
        func="motcua.jobs.recompute.recompute_pending",
        cron="*/5 * * * *",
    ),
    ScheduledJob(
        name="tasks_resume",  # long desk tasks (training closes) whose worker died
        func="motcua.jobs.progress.tasks_resume",
        cron="*/5 * * * *",
    ),
    ScheduledJob(
        name="daily_digests",
        func="motcua.notifications.digests.daily_digests",
        cron="35 7 * * 1-6",  # skipped on days off by the job itself (holidays, Saturdays)
        queue="low",
    ),
    ScheduledJob(
        name="training_reminders",
        func="motcua.notifications.digests.training_reminders",
        cron="0 8 1 * *",
        queue="low",
    ),
    ScheduledJob(
        name="notifications_deliver",
        func="motcua.notifications.services.notifications_deliver_due",
        cron="* * * * *",
    ),
    ScheduledJob("reports_send_due", "motcua.reports.delivery.subscriptions_send_due", "0 6 * * *"),
    ScheduledJob(
        name="mailbox_purge",
        func="motcua.mailbox.retention.mailbox_purge_expired",
        cron="43 2 * * *",
        queue="low",
    ),
    ScheduledJob(
        name="files_orphans",  # files whose row never committed (a cut COMMIT, a killed process)
        func="motcua.core.orphan_files.orphan_files_delete",
        cron="53 2 * * *",
        queue="low",
    ),
    ScheduledJob(
        name="reports_summaries_repair",
        func="motcua.reports.summaries_rebuild.summaries_repair",
        cron="40 3 * * 0",  # Sunday night: the last two months' summaries from the dossiers
        queue="low",
    ),
    ScheduledJob(
        name="assignment_state_repair",  # open steps per officer and turns, from the steps
        func="motcua.dossiers.assignment.assignment_state_repair",
        cron="50 3 * * 0",
        queue="low",
    ),
)


def active_schedule() -> tuple[ScheduledJob, ...]:
    """Every job of this site: the core's, then those of the plugins the site enables."""
    from django.conf import settings

    return tuple(
        job for plugin in settings.MOTCUA_PLUGINS for job in plugin.get("scheduled_jobs", [])
    )
