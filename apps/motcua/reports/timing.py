"""Record the processing time of a dossier when it gets its result (QĐ 766 §2.2).

"Thời gian giải quyết TTHC trung bình = Tổng thời gian giải quyết của các hồ sơ / Tổng số hồ sơ",
counted over dossiers that reached "đã xử lý xong / đã trả kết quả". The time of one dossier is
the office time from reception to the result, minus the office time of its closed pauses
(supplement waiting and suspensions stop the clock), expressed in the procedure's own unit.
The lifecycle calls :func:`processing_time_record` once, in the transaction that records the result,
so the average is a plain AVG over an indexed table instead of a calendar walk per page view.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from motcua.core import deadlines
from motcua.core.selectors import site_calendar
from motcua.core.timeunits import TimeUnit
from motcua.dossiers.models import Dossier
from motcua.reports.models import ProcessingTime


def office_seconds(dossier: Dossier) -> int:
    """Return the office seconds from reception to the end, closed pauses excluded."""
    calendar = site_calendar()
    start, end = dossier.received_at, dossier.finished_at
    total = deadlines.office_time_between(calendar, start, end)
    pauses = [
        deadlines.Pause(p.started_at, p.ended_at)
        for p in dossier.pauses.filter(ended_at__isnull=False, started_at__gte=start)
    ]
    paused = deadlines.paused_office_time(calendar, pauses, start=start) if pauses else None
    seconds = (total - paused) if paused is not None else total
    return max(0, int(seconds.total_seconds()))


def in_unit(seconds: int, unit: str) -> Decimal:
    """Convert office seconds to the procedure's unit (working hours, or working days)."""
    per = (
        3600 if unit == TimeUnit.WORKING_HOURS else site_calendar().day_office_time.total_seconds()
    )
    return (Decimal(seconds) / Decimal(per)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def processing_time_record(*, dossier: Dossier) -> ProcessingTime | None:
    """Store the processing time of *dossier* if it has a result; idempotent (update or create)."""
    if dossier.received_at is None or dossier.finished_at is None:
        return None
    if dossier.status not in ("result_ready", "returned"):
        return None
    snapshot = dossier.procedure_version.snapshot or {}
    unit = (snapshot.get("procedure") or {}).get("processing_unit") or TimeUnit.WORKING_DAYS
    seconds = office_seconds(dossier)
    row, _created = ProcessingTime.objects.update_or_create(
        dossier=dossier,
        defaults={"office_seconds": seconds, "amount": in_unit(seconds, unit), "unit": unit},
    )
    return row
