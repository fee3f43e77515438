"""The QĐ 766/QĐ-TTg indicators, computed from our own dossiers for one period.

Every count is a named condition on the dossier table (:data:`COUNTS`); the same condition makes
the number (an aggregate) and the list behind it (:func:`drilldown`), so the two always agree.
Callers pass a queryset already scoped by ``dossiers_visible(user=...)``; training dossiers and
dossiers never received are dropped here (:func:`motcua.dossiers.ontime.counted`).

Units: the reception of a dossier is credited to its receiving unit (``unit``, "đơn vị tiếp
nhận"), as in the ledger (form 07) and the national portal's sync, which reports each dossier
under the agency that received it; its processing to the unit that decides it (``competent_unit``,
the receiving unit when empty). The two differ only for a boundary-free dossier (NĐ 118/2025/NĐ-CP,
``dossiers/boundary.py``): a centre receives it for another unit. Each count says which credit it
uses (``CountMeasure.credit``); grouping by ``unit`` and restricting to units (``Window.units``)
follow it, so a provincial centre's row counts what it received and a commune's row what it
decided, and the rows still add up to the totals.

Formulas (the decision's annex is not available to us; the wording is that of the national
portal's formula description "Mô tả công thức tính chỉ số 766"):

- 2.1 on-time rate = (ended on time + pending in time) / handled in the period, where *handled*
  = received before the period's end and not ended before its start ("đã và đang xử lý"); the
  verdict is :mod:`motcua.dossiers.ontime`.
- 2.2 average processing time = AVG of the processing time of dossiers received in the period
  that reached a result (their end may fall in a later period), in working days; per procedure
  in the procedure's own unit.
- 3.1 share of procedures offered online = procedures with online service (full or partial) /
  active procedures of the units in scope.
- 3.3 share submitted online = received online (channel 2) / received in the period.
- 3.6 share paid online = paid online / received in the period with a fee.
- 4.1 share with an electronic result = resolved with a result file / resolved with a result.
- 4.2 share digitised = received with at least one document file / received in the period.
- 5.4 satisfaction = 100% − % late (ended late + pending overdue, of handled) − % of handled
  rated dissatisfied (score ≤ 2 of the citizen's rating).

"Nếu mẫu số = 0: hiển thị 0 hoặc N/A": a rate with a zero denominator is ``None`` (shown "—").
Rates are rounded to 2 decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.core.selectors import site_calendar
from motcua.dossiers import ontime
from motcua.dossiers.models import Channel, Dossier, DossierDocument
from motcua.portal.models import Rating
from motcua.printing.context import day_bounds
from motcua.procedures.models import OnlineLevel, Procedure
from motcua.reports.models import IndicatorSetting, ScoreBand


@dataclass(frozen=True)
class Window:
    """A reporting period: aware [start, end) and the moment unfinished dossiers are judged at."""

    date_from: date
    date_to: date
    start: datetime
    end: datetime
    at: datetime
    #: Count only what these units (ids) are credited with (a unit's report); None: no restriction.
    units: tuple[int, ...] | None = None


def window(
    date_from: date, date_to: date, *, now: datetime | None = None, units: QuerySet | None = None
) -> Window:
    """Return the window of local days *date_from* … *date_to* inclusive (for *units*, if given).

    The units' ids are read once: a literal list keeps every count's condition index-friendly
    (no correlated subquery per dossier).
    """
    start, end = day_bounds(date_from, date_to)
    ids = None if units is None else tuple(units.values_list("pk", flat=True))
    return Window(date_from, date_to, start, end, ontime.judging_moment(end, now=now), ids)


#: Which unit a count credits (see the module docstring).
RECEPTION, PROCESSING = "reception", "processing"
#: The unit credited with the processing: the competent unit, else the receiving one.
PROCESSING_UNIT = Coalesce(F("competent_unit"), F("unit"))


def _credited(credit: str, units: tuple[int, ...]) -> Q:
    if credit == RECEPTION:
        return Q(unit__in=units)
    return Q(competent_unit__in=units) | Q(competent_unit__isnull=True, unit__in=units)


def credit_condition(credit: str, w: Window) -> Q:
    """The condition keeping a count of *credit* to the units of *w* (none when unrestricted)."""
    return Q() if w.units is None else _credited(credit, w.units)


def _received(w: Window) -> Q:
    return Q(received_at__gte=w.start, received_at__lt=w.end)


def _handled(w: Window) -> Q:
    return Q(received_at__lt=w.end) & ~ontime.ended_by(w.start)


def _ended(w: Window) -> Q:
    return _handled(w) & ontime.ended_by(w.at)


def _pending(w: Window) -> Q:
    return _handled(w) & ~ontime.ended_by(w.at)


def _late(w: Window) -> Q:
    return ontime.late_condition(w.at)


def _with_result(w: Window) -> Q:
    return _ended(w) & Q(status__in=ontime.RESULT_STATUSES)


def _digitised() -> Q:
    files = DossierDocument.objects.filter(dossier=OuterRef("pk")).exclude(file="")
    return Q(Exists(files))


def _dissatisfied() -> Q:
    return Q(Exists(Rating.objects.filter(dossier=OuterRef("pk"), score__lte=2)))


@dataclass(frozen=True)
class CountMeasure:
    key: str
    label: str
    legal: str
    condition: Callable[[Window], Q]
    credit: str = PROCESSING  # RECEPTION: counted for the receiving unit

    def where(self, w: Window) -> Q:
        """The count's condition in *w*, restricted to what ``w.units`` are credited with."""
        if w.units is None:
            return self.condition(w)
        return self.condition(w) & _credited(self.credit, w.units)


#: Every count of the dashboard; each is also the filter of its drill-down list.
COUNTS: tuple[CountMeasure, ...] = (
    CountMeasure("received", _("Tiếp nhận trong kỳ"), "QĐ 766 §2.1", _received, RECEPTION),
    CountMeasure("handled", _("Đã và đang xử lý trong kỳ"), "QĐ 766 §2.1", _handled),
    CountMeasure("resolved", _("Đã kết thúc xử lý"), "QĐ 766 §2.1", _ended),
    CountMeasure(
        "resolved_on_time", _("Kết thúc đúng hạn"), "QĐ 766 §2.1", lambda w: _ended(w) & ~_late(w)
    ),
    CountMeasure(
        "resolved_late", _("Kết thúc quá hạn"), "QĐ 766 §2.1", lambda w: _ended(w) & _late(w)
    ),
    CountMeasure("with_result", _("Đã có kết quả"), "QĐ 766 §2.2", _with_result),
    CountMeasure(
        "refused_stopped",
        _("Từ chối, dừng giải quyết"),
        "QĐ 766 §2.1",
        lambda w: _ended(w) & Q(status__in=("rejected", "stopped")),
    ),
    CountMeasure(
        "withdrawn",
        _("Công dân rút hồ sơ"),
        "QĐ 766 §2.1",
        lambda w: _ended(w) & Q(status="withdrawn"),
    ),
    CountMeasure("pending", _("Đang xử lý cuối kỳ"), "QĐ 766 §2.1", _pending),
    CountMeasure(
        "pending_in_time",
        _("Đang xử lý trong hạn"),
        "QĐ 766 §2.1",
        lambda w: _pending(w) & ~_late(w),
    ),
    CountMeasure(
        "pending_overdue", _("Đang xử lý quá hạn"), "QĐ 766 §2.1", lambda w: _pending(w) & _late(w)
    ),
    CountMeasure(
        "received_online",
        _("Nộp trực tuyến"),
        "QĐ 766 §3.3",
        lambda w: _received(w) & Q(channel=Channel.ONLINE),
        RECEPTION,
    ),
    CountMeasure(
        "received_with_fee",
        _("Có phí, lệ phí"),
        "QĐ 766 §3.6",
        lambda w: _received(w) & Q(fee_total__gt=0),
        RECEPTION,
    ),
    CountMeasure(
        "paid_online",
        _("Thanh toán trực tuyến"),
        "QĐ 766 §3.6",
        lambda w: _received(w) & Q(fee_total__gt=0, paid_online=True),
        RECEPTION,
    ),
    CountMeasure(
        "electronic_result",
        _("Có kết quả điện tử"),
        "QĐ 766 §4.1",
        lambda w: _with_result(w) & ~Q(result_file=""),
    ),
    CountMeasure(
        "digitised",
        _("Được số hóa"),
        "QĐ 766 §4.2",
        lambda w: _received(w) & _digitised(),
        RECEPTION,
    ),
    CountMeasure(
        "dissatisfied",
        _("Đánh giá không hài lòng"),
        "QĐ 766 §5.4",
        lambda w: _handled(w) & _dissatisfied(),
    ),
)
COUNT_KEYS = {m.key: m for m in COUNTS}
RECEPTION_KEYS = [m.key for m in COUNTS if m.credit == RECEPTION]
#: The processing counts and the §2.2 sums (the processing time is the deciding unit's).
PROCESSING_KEYS = [m.key for m in COUNTS if m.credit == PROCESSING] + [
    "office_seconds_sum",
    "office_seconds_n",
]


def _relevant(w: Window) -> Q:
    """Rows any count can touch: received in the period or still open at its start (indexed)."""
    return (
        Q(received_at__gte=w.start, received_at__lt=w.end)
        | Q(received_at__lt=w.start, finished_at__gte=w.start)
        | Q(received_at__lt=w.start, finished_at__isnull=True)
    )


def base(dossiers: QuerySet[Dossier], w: Window) -> QuerySet[Dossier]:
    """Return the counted dossiers of *dossiers* that matter for window *w*."""
    return ontime.counted(dossiers).filter(_relevant(w))


def _aggregates(w: Window) -> dict:
    values = {m.key: Count("pk", filter=m.where(w)) for m in COUNTS}
    timed = _received(w) & Q(status__in=ontime.RESULT_STATUSES)
    if w.units is not None:
        timed &= _credited(PROCESSING, w.units)
    # Sum and count rather than AVG, so grouped rows add up to their totals (§2.2 average).
    values["office_seconds_sum"] = Sum("processing_time__office_seconds", filter=timed)
    values["office_seconds_n"] = Count("processing_time__office_seconds", filter=timed)
    return values


def drilldown(dossiers: QuerySet[Dossier], w: Window, key: str) -> QuerySet[Dossier]:
    """Return the dossiers behind count *key*; ``len`` equals the dashboard number."""
    return base(dossiers, w).filter(COUNT_KEYS[key].where(w))


def rate(numerator, denominator) -> Decimal | None:
    """Return numerator / denominator in percent, 2 decimals; None when the denominator is 0."""
    if not denominator:
        return None
    value = Decimal(numerator or 0) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _days(seconds) -> Decimal | None:
    if seconds is None:
        return None
    per = Decimal(site_calendar().day_office_time.total_seconds())
    return (Decimal(seconds) / per).quantize(Decimal("0.01"), ROUND_HALF_UP)


def rates(counts: dict) -> dict:
    """Return the rates (percent, 2 decimals) of a row of counts; see the module docstring."""
    c = counts
    late_pct = rate(c["resolved_late"] + c["pending_overdue"], c["handled"])
    dissatisfied_pct = rate(c["dissatisfied"], c["handled"])
    satisfaction = None
    if late_pct is not None:
        satisfaction = Decimal(100) - late_pct - (dissatisfied_pct or 0)
    return {
        "on_time_rate": rate(c["resolved_on_time"] + c["pending_in_time"], c["handled"]),
        "late_rate": late_pct,
        "online_rate": rate(c["received_online"], c["received"]),
        "paid_online_rate": rate(c["paid_online"], c["received_with_fee"]),
        "electronic_result_rate": rate(c["electronic_result"], c["with_result"]),
        "digitised_rate": rate(c["digitised"], c["received"]),
        "dissatisfied_rate": dissatisfied_pct,
        "satisfaction_rate": satisfaction,
        "avg_processing_days": _days(
            (c["office_seconds_sum"] or 0) / c["office_seconds_n"]
            if c["office_seconds_n"]
            else None
        ),
    }


def indicator_counts(dossiers: QuerySet[Dossier], w: Window) -> dict:
    """Return every count of :data:`COUNTS` and the §2.2 average, in one aggregate query."""
    return base(dossiers, w).aggregate(**_aggregates(w))


SUMMED = [m.key for m in COUNTS] + ["office_seconds_sum", "office_seconds_n"]


def grouped_counts(dossiers: QuerySet[Dossier], w: Window, *by: str) -> list[dict]:
    """Return the raw counts grouped by the dossier field paths *by*, in one scan.

    Grouped by ``unit``, a group whose dossiers were decided by another unit (boundary-free)
    gives two rows: its reception counts under the receiving unit, its processing counts under
    the deciding one (:func:`combine` adds rows with the same key).
    """
    if "unit" not in by:
        return list(base(dossiers, w).values(*by).annotate(**_aggregates(w)).order_by(*by))
    rows = (
        base(dossiers, w)
        .annotate(processing_unit=PROCESSING_UNIT)
        .values(*by, "processing_unit")
        .annotate(**_aggregates(w))
        .order_by(*by, "processing_unit")
    )
    split = []
    for row in rows:
        processing_unit = row.pop("processing_unit")
        if processing_unit == row["unit"]:
            split.append(row)
            continue
        split.append({**row, **dict.fromkeys(PROCESSING_KEYS, 0)})
        split.append({**row, "unit": processing_unit, **dict.fromkeys(RECEPTION_KEYS, 0)})
    return split


def combine(rows: list[dict], by: str | None = None):
    """Add up grouped counts with their rates: a list per value of *by*, or one dict of all."""
    groups: dict = {}
    for row in rows:
        key = row[by] if by else None
        total = groups.setdefault(key, {**({by: key} if by else {}), **dict.fromkeys(SUMMED, 0)})
        for name in SUMMED:
            total[name] += row[name] or 0
    if by is None and not groups:
        groups[None] = dict.fromkeys(SUMMED, 0)
    for total in groups.values():
        total.update(rates(total))
    return list(groups.values()) if by else groups[None]


def indicator_rows(dossiers: QuerySet[Dossier], w: Window, by: str) -> list[dict]:
    """Return the counts and rates grouped by the dossier field path *by* (e.g. ``unit``)."""
    return combine(grouped_counts(dossiers, w, by), by)


def procedure_shares(procedures: QuerySet[Procedure]) -> dict:
    """Return indicator 3.1: procedures offered online (full / partial) among *procedures*."""
    totals = procedures.filter(is_active=True).aggregate(
        procedures=Count("pk", distinct=True),
        online_full=Count("pk", filter=Q(online_level=OnlineLevel.FULL), distinct=True),
        online_partial=Count("pk", filter=Q(online_level=OnlineLevel.PARTIAL), distinct=True),
    )
    totals["online_procedure_rate"] = rate(
        totals["online_full"] + totals["online_partial"], totals["procedures"]
    )
    return totals


#: Which rate each scored indicator reads.
SCORED = {
    "2.1": "on_time_rate",
    "3.1": "online_procedure_rate",
    "3.3": "online_rate",
    "3.6": "paid_online_rate",
    "4.1": "electronic_result_rate",
    "4.2": "digitised_rate",
    "5.4": "satisfaction_rate",
}


def score(values: dict) -> dict:
    """Score the rates by the editable settings: full points from the target, else pro rata.

    "Đạt từ X% trở lên sẽ đạt điểm tối đa; dưới X% tính theo công thức: tỷ lệ × điểm tối đa / X%"
    (QĐ 766, national portal's formula description). The band is the first whose lower bound
    the total (in percent of the maximum) reaches.
    """
    lines, total, maximum = [], Decimal(0), Decimal(0)
    for setting in IndicatorSetting.objects.filter(is_active=True, code__in=SCORED):
        value = values.get(SCORED[setting.code])
        if value is None or not setting.max_points:
            points = None
        elif value >= setting.target_percent:
            points = setting.max_points
        else:
            points = (value * setting.max_points / setting.target_percent).quantize(Decimal("0.01"))
        if points is not None:
            total += points
            maximum += setting.max_points
        lines.append({"code": setting.code, "name": setting.name, "value": value, "points": points})
    percent = rate(total, maximum)
    band = None
    if percent is not None:
        band = ScoreBand.objects.filter(min_percent__lte=percent).order_by("-min_percent").first()
    return {
        "lines": lines,
        "points": total,
        "max_points": maximum,
        "percent": percent,
        "band": band.label if band else "",
    }


def indicators(
    dossiers: QuerySet[Dossier], w: Window, *, procedures: QuerySet[Procedure] | None = None
) -> dict:
    """Return every indicator for the period: counts, rates, procedure shares and the score."""
    return with_shares(indicator_counts(dossiers, w), procedures)


def with_shares(values: dict, procedures: QuerySet[Procedure] | None) -> dict:
    """Complete a row of counts with its rates, the procedure shares (3.1) and the score."""
    values.update(rates(values))
    if procedures is not None:
        values.update(procedure_shares(procedures))
    values["score"] = score(values)
    return values
