"""Jobs the worker tests enqueue (importable by a real ``rqworker`` started from the repository)."""

import time
from datetime import timedelta

from motcua.jobs import sweep
from motcua.notifications import escalation


def slow_sweep(batch_size: int, seconds_per_batch: float, lease_seconds: float) -> dict:
    """The real sweep with a pause after each batch's firing step, so a test can kill it midway."""
    fire = escalation.levels_fire

    def slow_fire(**kwargs):
        fired = fire(**kwargs)
        time.sleep(seconds_per_batch)
        return fired

    escalation.levels_fire = slow_fire
    return sweep.due_sweep(batch_size=batch_size, lease=timedelta(seconds=lease_seconds))


def quick_sweep(batch_size: int, lease_seconds: float) -> dict:
    return sweep.due_sweep(batch_size=batch_size, lease=timedelta(seconds=lease_seconds))


def slow_recompute(batch_size: int, seconds_per_batch: float, lease_seconds: float) -> int:
    """The real recompute job with a pause after each committed batch, so a test can kill it."""
    from motcua.core import services
    from motcua.jobs import recompute as recompute_jobs

    apply_batch = services._recompute_batch

    def slow_batch(*args, **kwargs):
        apply_batch(*args, **kwargs)
        time.sleep(seconds_per_batch)

    services._recompute_batch = slow_batch
    return recompute_jobs.recompute_pending(
        batch_size=batch_size, lease=timedelta(seconds=lease_seconds)
    )


def quick_recompute(batch_size: int, lease_seconds: float) -> int:
    from motcua.jobs import recompute as recompute_jobs

    return recompute_jobs.recompute_pending(
        batch_size=batch_size, lease=timedelta(seconds=lease_seconds)
    )
