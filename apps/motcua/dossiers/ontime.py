"""The one on-time verdict of a dossier (QĐ 766/QĐ-TTg, indicator 2.1), for SQL and for one row.

The rule, as the national portal's formula description for indicator 2.1 states it (the
decision's own annex is not available to us):

1. Only dossiers that were received count (``received_at`` set); training dossiers never count
   (callers filter them, see :func:`counted`).
2. The *end moment* ("Thời gian kết thúc xử lý") is the first of: processed (result ready) >
   returned > stopped / refused / withdrawn. The lifecycle stamps ``finished_at`` on the first of
   result ready, refused, stopped and withdrawn, and a return only follows a result, so the end is
   ``finished_at`` (``returned_at`` only if ``finished_at`` were missing).
3. A dossier that has not ended by the judging moment is judged at that moment: the end of the
   period, or now for a period that has not ended ("Chưa có trạng thái hoàn thành → lấy ngày cuối
   kỳ báo cáo"). While it waits for a supplement its end is the moment the supplement was asked
   for. The law names only the supplement; we judge a suspension the same way because the clock
   is stopped during every pause.
4. Supplement waiting time is excluded: the lifecycle moves ``due_at`` later by the paused office
   time when the dossier resumes, so comparing the end with ``due_at`` already excludes it.
5. On time when end ≤ ``due_at`` ("Ngày kết thúc xử lý <, = ngày hẹn trả"); a dossier with no
   due moment (a procedure without a processing time) is on time.
6. More than one supplement request counts late whatever the moments (``late_by_rule``, set by
   the lifecycle on the second request).

An apology letter (form 04) records a new date in ``apology_due_at`` but the verdict keeps the
original ``due_at``.

The same rule exists twice by necessity: as ORM expressions (:func:`end_moment`, :func:`is_late`,
used in aggregates and per row) and as :func:`dossier_verdict` for one loaded dossier (printing).
``tests/reports/test_ontime.py`` checks that both give the same verdict on every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierPause
from motcua.dossiers.states import PAUSED

#: Statuses in which the processing has ended (rule 2).
ENDED_STATUSES = ("result_ready", "returned", "rejected", "stopped", "withdrawn")
#: Statuses that end with a result (resolved, "đã xử lý xong / đã trả kết quả").
RESULT_STATUSES = ("result_ready", "returned")


def judging_moment(period_end: datetime, *, now: datetime | None = None) -> datetime:
    """Return the moment an unfinished dossier is judged at: the period's end, at most now."""
    now = now or timezone.now()
    return min(period_end, now)


def counted(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Keep the dossiers the indicators count: received, and not training (rule 1)."""
    return dossiers.filter(received_at__isnull=False, is_training=False)


def _stored_end():
    return Coalesce(F("finished_at"), F("returned_at"), output_field=DateTimeField())


def _open_pause_start():
    return Subquery(
        DossierPause.objects.filter(dossier=OuterRef("pk"), ended_at=None)
        .order_by("-started_at")
        .values("started_at")[:1],
        output_field=DateTimeField(),
    )


def ended_by(at: datetime) -> Q:
    """Return the condition "the dossier had ended before *at*" (rule 2)."""
    return Q(finished_at__lt=at) | Q(finished_at__isnull=True, returned_at__lt=at)


def end_moment(at: datetime):
    """Return the ORM expression of the end moment of each dossier judged at *at* (rules 2–3)."""
    pause_start = _open_pause_start()
    # CAST: MariaDB would hand a bare parameter back as text when the CASE is selected.
    moment = Cast(Value(at, output_field=DateTimeField()), DateTimeField())
    return Case(
        When(ended_by(at), then=_stored_end()),
        When(Q(status__in=list(PAUSED)) & LessThan(pause_start, moment), then=pause_start),
        default=moment,
        output_field=DateTimeField(),
    )


def late_condition(at: datetime) -> Q:
    """Return the condition "late when judged at *at*" (rules 4–6) for filters and aggregates."""
    return Q(late_by_rule=True) | Q(GreaterThan(end_moment(at), F("due_at")), due_at__isnull=False)


def is_late(at: datetime):
    """Return the ORM expression: True when the dossier is late when judged at *at*."""
    return Case(
        When(late_condition(at), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


@dataclass(frozen=True)
class Verdict:
    """The verdict of one dossier: its end moment, whether it had ended, and whether late."""

    end: datetime
    ended: bool
    late: bool


def verdict_of(
    *,
    finished_at: datetime | None,
    returned_at: datetime | None,
    status: str,
    due_at: datetime | None,
    late_by_rule: bool,
    pause_start: datetime | None,
    at: datetime,
) -> Verdict:
    """Return the verdict of a dossier's fields judged at *at* (rules 2–6), without a query.

    *pause_start* is the start of its open pause (if any); it counts only while the dossier is
    paused, as in :func:`end_moment`.
    """
    stored = finished_at or returned_at
    if stored is not None and stored < at:
        end, ended = stored, True
    else:
        end, ended = at, False
        if status in PAUSED and pause_start is not None and pause_start < at:
            end = pause_start
    late = late_by_rule or (due_at is not None and end > due_at)
    return Verdict(end=end, ended=ended, late=late)


def dossier_verdict(dossier: Dossier, *, at: datetime | None = None) -> Verdict:
    """Return the QĐ 766 §2.1 verdict of one *dossier* judged at *at* (default now).

    The same rules as :func:`end_moment` and :func:`is_late`, for a dossier already loaded.
    """
    at = judging_moment(at) if at is not None else timezone.now()
    pause = None
    if dossier.status in PAUSED:
        pause = (
            DossierPause.objects.filter(dossier=dossier, ended_at=None)
            .order_by("-started_at")
            .values_list("started_at", flat=True)
            .first()
        )
    return verdict_of(
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        status=dossier.status,
        due_at=dossier.due_at,
        late_by_rule=dossier.late_by_rule,
        pause_start=pause,
        at=at,
    )
