"""Progress figures of long work (done / total, rate, estimated end), shared by every panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Rate:
    """Done / total, rate and estimated end of a piece of long work."""

    done: int
    total: int | None
    percent: int | None
    rate: float | None  # items per second
    eta: datetime | None


def rate_of(
    *,
    done: int,
    total: int | None,
    started_at: datetime | None,
    finished_at: datetime | None,
    running: bool,
    now: datetime | None = None,
) -> Rate:
    """Compute the progress figures from counters and times (shared by every progress panel)."""
    now = now or timezone.now()
    percent = min(100, done * 100 // total) if total else (100 if finished_at else None)
    rate = eta = None
    if started_at is not None:
        elapsed = ((finished_at or now) - started_at).total_seconds()
        if elapsed > 0 and done:
            rate = done / elapsed
            if running and total and total > done:
                eta = now + timedelta(seconds=(total - done) / rate)
    return Rate(done=done, total=total, percent=percent, rate=rate, eta=eta)
