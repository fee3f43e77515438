"""Writes of the working calendar and the recomputation of open deadlines (docs/architecture.md, Deadlines).

Every change of calendar data ends in :func:`calendar_changed` (directly, or through
:func:`calendar_year_import`): it gives the calendar a new revision, so that every process rebuilds
its cached :func:`~motcua.core.selectors.site_calendar`, and recomputes the due moment of every open
item of the registered :mod:`~motcua.core.deadline_sources`, auditing old → new. The desk's save
hooks and the import command call these functions; nothing listens to model signals (rule 3).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import deadline_sources
from motcua.core.calendar_yaml import CalendarFileError, CalendarYear, dump_calendar_year
from motcua.core.deadline_sources import DeadlineItem, DeadlineSource
from motcua.core.deadlines import DayRule, DeadlineError, due_at
from motcua.core.models import (
    SITE_CALENDAR_KEY,
    DeadlineChange,
    DeadlineRecomputation,
    Holiday,
    MakeUpWorkingDay,
    OfficeInterval,
    WorkingCalendar,
    new_revision,
    weekdays_to_text,
)
from motcua.core.rows_update import rows_insert
from motcua.core.selectors import (
    calendar_year,
    site_calendar,
    site_calendar_clear,
    site_calendar_row,
    site_day_rule,
    site_default_cutoff,
    site_default_hours,
)
from motcua.core.timeunits import TimeUnit
from motcua.core.workcalendar import CalendarError, WorkCalendar

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500


def _actor(user):
    """Return a user that can be stored as the actor (None for anonymous or missing)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


# -- the calendar row -------------------------------------------------------------------------


def calendar_ensure() -> WorkingCalendar:
    """Return the site's calendar row, creating it from the site config's defaults if missing."""
    row = site_calendar_row()
    if row is not None:
        return row
    with transaction.atomic():
        row, created = WorkingCalendar.objects.get_or_create(
            key=SITE_CALENDAR_KEY, defaults={"same_day_cutoff": site_default_cutoff()}
        )
        if created:
            for start, end in site_default_hours():
                OfficeInterval.objects.create(calendar=row, start=start, end=end)
    return row


def calendar_touch() -> str:
    """Give the calendar a new revision and forget cached calendars; return the revision.

    The cache is cleared now and again when the transaction commits, so that a process never
    keeps a calendar built from data that was rolled back.
    """
    row = calendar_ensure()
    revision = new_revision()
    WorkingCalendar.objects.filter(pk=row.pk).update(revision=revision)
    site_calendar_clear()
    transaction.on_commit(site_calendar_clear)
    return revision


def calendar_changed(
    *, actor=None, reason: str = "", changed_from: date | None = None
) -> DeadlineRecomputation:
    """Record that calendar data changed and queue the recomputation of open deadlines.

    Returns at once with the queued run (a change made while another waits is merged into it);
    the job (:mod:`motcua.core.recompute_jobs`) starts when the caller's transaction commits.
    *changed_from*: the first day the change touches (a holiday's first day), so that only the
    deadlines that can reach it are read; None when the change touches no single day.
    Raises :class:`CalendarError` when the calendar now has no working time at all (the caller's
    transaction should then roll back).
    """
    from motcua.core.recompute_jobs import recompute_request

    calendar_touch()
    site_calendar()  # fail here, not in the middle of the recomputation
    return recompute_request(
        actor=actor, reason=reason or _("Thay đổi lịch làm việc"), changed_from=changed_from
    )


# -- import / export ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarImportResult:
    year: int
    holidays: int
    holiday_days: int
    working_days: int
    settings_changed: tuple[str, ...] = ()
    run: DeadlineRecomputation | None = field(default=None, compare=False)

    def summary(self) -> str:
        """One line for the desk and the command."""
        text = _("Năm %(year)s: %(holidays)s đợt nghỉ (%(days)s ngày), %(working)s ngày làm bù") % {
            "year": self.year,
            "holidays": self.holidays,
            "days": self.holiday_days,
            "working": self.working_days,
        }
        if self.settings_changed:
            text += _("; đã đổi: %(what)s") % {"what": ", ".join(self.settings_changed)}
        if self.run is not None and self.run.finished_at is not None:
            text += _("; tính lại hạn: %(changed)s/%(checked)s thay đổi") % {
                "changed": self.run.changed,
                "checked": self.run.checked,
            }
        elif self.run is not None:
            text += _("; đã xếp hàng tính lại hạn các hồ sơ đang mở")
        return text


def _first_error(exc: ValidationError) -> str:
    messages = exc.messages
    return messages[0] if messages else str(exc)


def calendar_year_import(
    data: CalendarYear, *, actor=None, recompute: bool = True
) -> CalendarImportResult:
    """Replace one year of the site calendar with *data* (parsed by ``calendar_yaml``).

    All or nothing: in one transaction the year's holidays and make-up days are replaced, the
    weekly hours, weekdays and cut-off are set when the file has them (they are site-wide), the
    result is validated, and open deadlines are recomputed. Raises :class:`CalendarFileError`
    (one line naming the entry) and leaves the database untouched on any problem.
    """
    if data.year is None:
        raise CalendarFileError(_("year: không xác định được năm của lịch; hãy ghi 'year:'"))
    with transaction.atomic():
        calendar_ensure()
        row = WorkingCalendar.objects.select_for_update().get(key=SITE_CALENDAR_KEY)
        changed: list[str] = []
        if data.office_hours is not None:
            current = tuple(row.office_intervals.order_by("start").values_list("start", "end"))
            if current != data.office_hours:
                row.office_intervals.all().delete()
                for start, end in data.office_hours:
                    OfficeInterval.objects.create(calendar=row, start=start, end=end)
                changed.append(_("giờ hành chính"))
        if data.weekdays is not None and data.weekdays != row.weekday_numbers:
            row.weekdays = weekdays_to_text(data.weekdays)
            changed.append(_("ngày làm việc trong tuần"))
        if data.same_day_cutoff is not None and data.same_day_cutoff != row.same_day_cutoff:
            row.same_day_cutoff = data.same_day_cutoff
            changed.append(_("giờ chốt trong ngày"))
        if changed:
            row.save()
        # the first day the import can change: the earliest of the year's old and new days
        touched = [
            *Holiday.objects.filter(calendar=row, year=data.year).values_list(
                "start_date", flat=True
            ),
            *MakeUpWorkingDay.objects.filter(calendar=row, year=data.year).values_list(
                "date", flat=True
            ),
            *(entry.start for entry in data.holidays),
            *(entry.day for entry in data.working_days),
        ]
        Holiday.objects.filter(calendar=row, year=data.year).delete()
        MakeUpWorkingDay.objects.filter(calendar=row, year=data.year).delete()
        days = 0
        for i, entry in enumerate(data.holidays):
            holiday = Holiday(
                calendar=row,
                year=data.year,
                start_date=entry.start,
                end_date=entry.end,
                name=entry.name,
                decision=entry.decision,
            )
            try:
                holiday.full_clean()
            except ValidationError as exc:
                raise CalendarFileError(f"holidays[{i}]: {_first_error(exc)}") from None
            holiday.save()
            days += holiday.days
        for i, entry in enumerate(data.working_days):
            working = MakeUpWorkingDay(
                calendar=row,
                year=data.year,
                date=entry.day,
                name=entry.name,
                decision=entry.decision,
            )
            try:
                working.full_clean()
            except ValidationError as exc:
                raise CalendarFileError(f"working_days[{i}]: {_first_error(exc)}") from None
            working.save()
        calendar_touch()
        try:
            site_calendar()
        except CalendarError as exc:
            raise CalendarFileError(str(exc)) from None
        run = None
        if recompute:
            from motcua.core.recompute_jobs import recompute_request

            run = recompute_request(
                actor=actor,
                reason=_("Nhập lịch năm %(year)s") % {"year": data.year},
                changed_from=None if changed else min(touched, default=date(data.year, 1, 1)),
            )
    return CalendarImportResult(
        year=data.year,
        holidays=len(data.holidays),
        holiday_days=days,
        working_days=len(data.working_days),
        settings_changed=tuple(changed),
        run=run,
    )


def calendar_year_export(year: int) -> str:
    """Return one year of the site calendar as YAML text (the import format)."""
    header = _("Lịch làm việc năm %(year)s, xuất từ motcua lúc %(now)s") % {
        "year": year,
        "now": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
    return dump_calendar_year(calendar_year(year), header=header)


# -- recomputation -----------------------------------------------------------------------------


class DueMemo:
    """The due moments of one run, each computed once (:func:`~motcua.core.deadlines.due_at`).

    Under the Civil Code rule (Art. 147: a period counted in days starts on the day after the
    event), a deadline in working days without pauses is the end of the N-th working day after the
    day of receipt whatever the hour (``due_at`` reads only the day's ordinal there), so it is
    kept once per local day, amount and unit (the
    generator's shortcut, ``dossiers/loadgen/rows.py``); every other item once per its exact
    inputs. A deadline that cannot be computed is remembered as its error.
    """

    def __init__(self, calendar: WorkCalendar, day_rule: DayRule):
        self.calendar, self.day_rule = calendar, day_rule
        self.by_day = day_rule == DayRule.CIVIL_CODE
        self.memo: dict = {}

    def __call__(self, item: DeadlineItem):
        if self.by_day and not item.pauses and item.unit == TimeUnit.WORKING_DAYS:
            key: tuple = (self.calendar._split(item.start)[0], item.amount, item.unit)
        else:
            key = (item.start, item.amount, item.unit, item.pauses)
        try:
            hit = self.memo[key]
        except KeyError:
            try:
                hit = due_at(
                    self.calendar,
                    start=item.start,
                    amount=item.amount,
                    unit=item.unit,
                    pauses=item.pauses,
                    day_rule=self.day_rule,
                )
            except DeadlineError as exc:
                hit = exc
            self.memo[key] = hit
        if isinstance(hit, DeadlineError):
            raise hit
        return hit


_CHANGE_COLUMNS = ("run", "source", "item_id", "old_due", "new_due", "error")


def _changes_insert(rows: Sequence[tuple]) -> None:
    """The audit rows ``(run id, source, item id, old, new, error)`` in one multi-row INSERT."""
    rows_insert(DeadlineChange, _CHANGE_COLUMNS, rows)


def _recompute_batch(
    run: DeadlineRecomputation,
    source: DeadlineSource,
    batch: Sequence[DeadlineItem],
    due: DueMemo,
) -> None:
    """Recompute one batch; its writes, audit rows, counters and cursor commit together."""
    updates = []
    changes = []
    failed = 0
    for item in batch:
        try:
            new_due = due(item)
        except DeadlineError as exc:
            failed += 1
            changes.append((run.pk, source.name, str(item.id), item.due, None, str(exc)))
            continue
        if new_due != item.due:
            updates.append((item.id, new_due))
            changes.append((run.pk, source.name, str(item.id), item.due, new_due, ""))
    counters = ["checked", "changed", "failed", "cursor"]
    try:
        with transaction.atomic():
            if updates:
                source.apply(updates)
            _changes_insert(changes)
            run.changed += len(updates)
            run.checked += len(batch)
            run.failed += failed
            run.cursor = {**run.cursor, source.name: batch[-1].id}
            run.save(update_fields=counters)
        return
    except (DatabaseError, ValueError, TypeError) as exc:
        logger.exception("deadline recompute: %s could not apply a batch", source.name)
        run.refresh_from_db(fields=counters)
        message = _("Không lưu được hạn mới: %(error)s") % {"error": exc}
        failed += len(updates)
        _changes_insert(
            [c for c in changes if c[5]]
            + [
                (run.pk, source.name, str(item_id), None, new_due, message)
                for item_id, new_due in updates
            ]
        )
    run.checked += len(batch)
    run.failed += failed
    run.cursor = {**run.cursor, source.name: batch[-1].id}
    run.save(update_fields=counters)


def _open_items(source: DeadlineSource, *, batch_size: int, after, changed_from=None):
    """The source's batches, resumed after the id *after* and narrowed to the items that can
    reach the day *changed_from*, where the source supports it."""
    accepts = inspect.signature(source.open_items).parameters
    kwargs: dict = {"batch_size": batch_size}
    if after is not None and "after" in accepts:
        kwargs["after"] = after
    if changed_from is not None and "changed_from" in accepts:
        kwargs["changed_from"] = changed_from
    return source.open_items(**kwargs)


def deadlines_recompute(
    *,
    actor=None,
    reason: str = "",
    calendar: WorkCalendar | None = None,
    day_rule: DayRule | str | None = None,
    sources: Iterable[DeadlineSource] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    run: DeadlineRecomputation | None = None,
    between_batches: Callable[[DeadlineRecomputation], bool] | None = None,
) -> DeadlineRecomputation:
    """Recompute every open deadline of *sources* (default: all registered) and audit the changes.

    Each item's due moment is computed afresh from its start, amount, unit and pauses with the
    site calendar and day rule (docs/architecture.md, Deadlines); a *run* that names the first
    changed day (``changed_from``) reads only the items that can reach it. Items whose due moment changes are handed to the
    source's ``apply`` and recorded old → new; items that cannot be computed are recorded with the
    error and left alone. Work is done in batches, each in its own transaction (a savepoint inside
    the caller's) with the run's counters and cursor, so a batch whose ``apply`` fails is recorded
    as failed and the others go on, and a run that was killed resumes after its last committed
    batch when given again as *run* (see :mod:`motcua.core.recompute_jobs`). Running it twice
    changes nothing the second time. *between_batches* is called after each batch; when it
    returns False the run stops there as superseded. A source that cannot even list its items
    raises, and the caller's transaction rolls back with it.
    """
    calendar = calendar if calendar is not None else site_calendar()
    day_rule = DayRule(day_rule) if day_rule is not None else site_day_rule()
    if run is None:
        row = site_calendar_row()
        run = DeadlineRecomputation.objects.create(
            actor=_actor(actor),
            reason=(reason or "")[:255],
            calendar_revision=row.revision if row else "",
            day_rule=day_rule,
            status=DeadlineRecomputation.Status.RUNNING,
            started_at=timezone.now(),
        )
    due = DueMemo(calendar, day_rule)
    done = list(run.cursor.get("sources_done", []))
    for source in deadline_sources.registered() if sources is None else sources:
        if source.name in done:
            continue
        after = run.cursor.get(source.name)
        items = _open_items(
            source, batch_size=batch_size, after=after, changed_from=run.changed_from
        )
        for batch in items:
            if not batch:
                continue
            _recompute_batch(run, source, batch, due)
            if between_batches is not None and not between_batches(run):
                run.status = DeadlineRecomputation.Status.SUPERSEDED
                run.finished_at = timezone.now()
                run.save(update_fields=["status", "finished_at"])
                return run
        done.append(source.name)
        run.cursor = {**run.cursor, "sources_done": done}
        run.save(update_fields=["cursor"])
    run.status = (
        DeadlineRecomputation.Status.FAILED if run.failed else DeadlineRecomputation.Status.DONE
    )
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at", "failed"])
    return run
