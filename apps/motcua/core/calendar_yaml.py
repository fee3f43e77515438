"""Read and write one year of the working calendar as YAML (the format described in docs/architecture.md, Deadlines).

The documented format, with optional ``year``, ``name`` and ``decision`` (the decision that declared
a day off or a make-up day)::

    year: 2025                                   # optional when every date is in one year
    office_hours: [["07:30", "11:30"], ["13:00", "17:00"]]
    weekdays: [mon, tue, wed, thu, fri]
    same_day_cutoff: "15:00"
    holidays:
      - "2025-01-01"
      - {date: "2025-04-07", name: "Giỗ Tổ Hùng Vương"}
      - {from: "2025-01-25", to: "2025-02-02", name: "Tết Ất Tỵ", decision: "TB 6150/TB-BLĐTBXH"}
    working_days: ["2025-02-15", {date: "2025-04-26", name: "Làm bù cho 02/5"}]

``office_hours``, ``weekdays`` and ``same_day_cutoff`` may be left out: an import then keeps the
site's values, and a stand-alone calculation uses the default calendar (docs/architecture.md, Deadlines). With an explicit ``year``,
dates may fall in the adjacent years (31/12 off for the next New Year); without it they must all be
in one year. Times must be quoted ("13:00"): YAML 1.1 reads an unquoted 13:00 as the number 780.

Every problem is one :class:`CalendarFileError` line naming the key and the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.utils.translation import gettext as _

from motcua.core.workcalendar import (
    DEFAULT_OFFICE_HOURS,
    DEFAULT_SAME_DAY_CUTOFF,
    DEFAULT_WEEKDAYS,
    WEEKDAY_CODES,
    CalendarError,
    WorkCalendar,
    expand_range,
)

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEYS = ("year", "office_hours", "weekdays", "same_day_cutoff", "holidays", "working_days")


class CalendarFileError(ValueError):
    """A calendar file cannot be read; the message is one line naming the key and value."""


@dataclass(frozen=True)
class HolidayEntry:
    """Days off from ``start`` to ``end`` inclusive (one day when equal)."""

    start: date
    end: date
    name: str = ""
    decision: str = ""


@dataclass(frozen=True)
class WorkingDayEntry:
    """A make-up working day (a Saturday declared working)."""

    day: date
    name: str = ""
    decision: str = ""


@dataclass(frozen=True)
class CalendarYear:
    """One year's calendar as read from a file; ``None`` = key absent (keep the site's value)."""

    year: int | None
    office_hours: tuple[tuple[time, time], ...] | None = None
    weekdays: frozenset[int] | None = None
    same_day_cutoff: time | None = None
    holidays: tuple[HolidayEntry, ...] = ()
    working_days: tuple[WorkingDayEntry, ...] = field(default=())

    def holiday_dates(self) -> dict[date, str]:
        """Return every day off, ranges expanded, with its name."""
        return {
            day: entry.name
            for entry in self.holidays
            for day in expand_range(entry.start, entry.end)
        }

    def to_calendar(self, tz: ZoneInfo) -> WorkCalendar:
        """Return the :class:`WorkCalendar` of this file alone (defaults for absent keys)."""
        try:
            return WorkCalendar(
                tz=tz,
                office_hours=self.office_hours or DEFAULT_OFFICE_HOURS,
                weekdays=DEFAULT_WEEKDAYS if self.weekdays is None else self.weekdays,
                same_day_cutoff=self.same_day_cutoff or DEFAULT_SAME_DAY_CUTOFF,
                holidays=self.holiday_dates(),
                working_days={e.day: e.name for e in self.working_days},
            )
        except CalendarError as exc:
            raise CalendarFileError(str(exc)) from None


def _fail(where: str, key: str, message: str) -> CalendarFileError:
    prefix = f"{where}: " if where else ""
    return CalendarFileError(f"{prefix}{key}: {message}")


def _shown(value) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _parse_time(value, key: str, where: str) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        raise _fail(
            where,
            key,
            _(
                'giờ phải đặt trong ngoặc kép, ví dụ "13:00" (YAML đọc giờ '
                "không có ngoặc thành số %(value)s)"
            )
            % {"value": value},
        )
    if not isinstance(value, str) or not _HHMM.match(value):
        raise _fail(where, key, _('%(value)s không phải giờ "HH:MM"') % {"value": _shown(value)})
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def _parse_date(value, key: str, where: str) -> date:
    if isinstance(value, datetime):
        raise _fail(
            where,
            key,
            _('%(value)s là thời điểm, cần một ngày "YYYY-MM-DD"') % {"value": value.isoformat()},
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(
        where,
        key,
        _('%(value)s không phải ngày hợp lệ (cần "YYYY-MM-DD")') % {"value": _shown(value)},
    )


def _parse_text(item: dict, name: str, key: str, where: str) -> str:
    value = item.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise _fail(
            where, f"{key}.{name}", _("%(value)s phải là chuỗi ký tự") % {"value": _shown(value)}
        )
    return str(value).strip()


def _check_keys(item: dict, allowed: tuple[str, ...], key: str, where: str) -> None:
    for name in item:
        if name not in allowed:
            raise _fail(
                where,
                f"{key}.{name}",
                _("khóa không hợp lệ (chỉ dùng: %(allowed)s)") % {"allowed": ", ".join(allowed)},
            )


def _parse_holiday(item, key: str, where: str) -> HolidayEntry:
    if not isinstance(item, dict):
        day = _parse_date(item, key, where)
        return HolidayEntry(day, day)
    if "date" in item:
        _check_keys(item, ("date", "name", "decision"), key, where)
        start = end = _parse_date(item["date"], f"{key}.date", where)
    elif "from" in item or "to" in item:
        _check_keys(item, ("from", "to", "name", "decision"), key, where)
        for bound in ("from", "to"):
            if bound not in item:
                raise _fail(where, key, _("thiếu khóa '%(bound)s'") % {"bound": bound})
        start = _parse_date(item["from"], f"{key}.from", where)
        end = _parse_date(item["to"], f"{key}.to", where)
        if end < start:
            raise _fail(
                where,
                f"{key}.to",
                _("%(to)s trước ngày bắt đầu %(start)s")
                % {"to": end.isoformat(), "start": start.isoformat()},
            )
    else:
        raise _fail(where, key, _("cần 'date' hoặc 'from' và 'to'"))
    return HolidayEntry(
        start,
        end,
        _parse_text(item, "name", key, where),
        _parse_text(item, "decision", key, where),
    )


def _parse_working_day(item, key: str, where: str) -> WorkingDayEntry:
    if not isinstance(item, dict):
        return WorkingDayEntry(_parse_date(item, key, where))
    _check_keys(item, ("date", "name", "decision"), key, where)
    if "date" not in item:
        raise _fail(where, key, _("thiếu khóa 'date'"))
    return WorkingDayEntry(
        _parse_date(item["date"], f"{key}.date", where),
        _parse_text(item, "name", key, where),
        _parse_text(item, "decision", key, where),
    )


def _list(data: dict, key: str, where: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(
            where, key, _("phải là một danh sách, không phải %(value)s") % {"value": _shown(value)}
        )
    return value


def parse_calendar_year(text: str, *, where: str = "") -> CalendarYear:
    """Parse one year's calendar from YAML *text*; *where* (a file name) prefixes errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = _("dòng %(line)s") % {"line": mark.line + 1} if mark else "YAML"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _fail(
            where, at, _("YAML không hợp lệ (%(problem)s)") % {"problem": problem}
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CalendarFileError(
            (f"{where}: " if where else "") + _("tệp lịch phải là một bảng khóa: giá trị")
        )
    for key in data:
        if key not in _KEYS:
            raise _fail(
                where,
                str(key),
                _("khóa không hợp lệ (chỉ dùng: %(allowed)s)") % {"allowed": ", ".join(_KEYS)},
            )

    year = data.get("year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999
    ):
        raise _fail(where, "year", _("%(value)s không phải là năm") % {"value": _shown(year)})

    office_hours = None
    if "office_hours" in data:
        raw = data["office_hours"]
        if not isinstance(raw, list) or not raw:
            raise _fail(where, "office_hours", _('cần danh sách [["HH:MM", "HH:MM"], ...]'))
        pairs = []
        for i, pair in enumerate(raw):
            key = f"office_hours[{i}]"
            if not isinstance(pair, list) or len(pair) != 2:
                raise _fail(
                    where, key, _('%(value)s phải là ["HH:MM", "HH:MM"]') % {"value": _shown(pair)}
                )
            start = _parse_time(pair[0], f"{key}[0]", where)
            end = _parse_time(pair[1], f"{key}[1]", where)
            if end <= start:
                raise _fail(
                    where,
                    key,
                    _("giờ kết thúc %(end)s phải sau giờ bắt đầu %(start)s")
                    % {"end": pair[1], "start": pair[0]},
                )
            pairs.append((start, end))
        pairs.sort()
        for (_a, b), (c, _d) in zip(pairs, pairs[1:], strict=False):
            if c < b:
                raise _fail(
                    where,
                    "office_hours",
                    _("các khoảng giờ chồng lên nhau (%(at)s)") % {"at": c.strftime("%H:%M")},
                )
        office_hours = tuple(pairs)

    weekdays = None
    if "weekdays" in data:
        raw = _list(data, "weekdays", where)
        days = set()
        for i, code in enumerate(raw):
            if not isinstance(code, str) or code.strip().lower() not in WEEKDAY_CODES:
                raise _fail(
                    where,
                    f"weekdays[{i}]",
                    _("%(value)s không phải ngày trong tuần (%(codes)s)")
                    % {"value": _shown(code), "codes": ", ".join(WEEKDAY_CODES)},
                )
            days.add(WEEKDAY_CODES.index(code.strip().lower()))
        weekdays = frozenset(days)

    cutoff = None
    if "same_day_cutoff" in data:
        cutoff = _parse_time(data["same_day_cutoff"], "same_day_cutoff", where)

    holidays = tuple(
        _parse_holiday(item, f"holidays[{i}]", where)
        for i, item in enumerate(_list(data, "holidays", where))
    )
    working_days = tuple(
        _parse_working_day(item, f"working_days[{i}]", where)
        for i, item in enumerate(_list(data, "working_days", where))
    )

    seen: dict[date, str] = {}
    for i, entry in enumerate(holidays):
        for day in expand_range(entry.start, entry.end):
            if day in seen:
                raise _fail(
                    where,
                    f"holidays[{i}]",
                    _("ngày %(day)s đã có ở %(other)s")
                    % {"day": day.isoformat(), "other": seen[day]},
                )
            seen[day] = f"holidays[{i}]"
    for i, entry in enumerate(working_days):
        if entry.day in seen:
            raise _fail(
                where,
                f"working_days[{i}]",
                _("ngày %(day)s đã có ở %(other)s")
                % {"day": entry.day.isoformat(), "other": seen[entry.day]},
            )
        seen[entry.day] = f"working_days[{i}]"

    years = {d.year for d in seen}
    if year is None:
        if len(years) > 1:
            raise _fail(
                where,
                "year",
                _("các ngày thuộc nhiều năm (%(years)s); hãy ghi rõ 'year:'")
                % {"years": ", ".join(str(y) for y in sorted(years))},
            )
        year = years.pop() if years else None
    else:
        for day, key in seen.items():
            if abs(day.year - year) > 1:
                raise _fail(
                    where,
                    key,
                    _("ngày %(day)s không thuộc năm %(year)s")
                    % {"day": day.isoformat(), "year": year},
                )

    return CalendarYear(
        year=year,
        office_hours=office_hours,
        weekdays=weekdays,
        same_day_cutoff=cutoff,
        holidays=holidays,
        working_days=working_days,
    )


def read_calendar_year(path: str | Path) -> CalendarYear:
    """Read and parse a calendar file; errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CalendarFileError(_("%(path)s: không tìm thấy tệp") % {"path": path}) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(
            _("%(path)s: không đọc được tệp (%(error)s)") % {"path": path, "error": exc}
        ) from None
    return parse_calendar_year(text, where=path.name)


def calendar_from_files(paths: Iterable[str | Path], *, tz: ZoneInfo) -> WorkCalendar:
    """Return one :class:`WorkCalendar` from several year files (later files win on hours)."""
    years = [read_calendar_year(p) for p in paths]
    office_hours, weekdays, cutoff = DEFAULT_OFFICE_HOURS, DEFAULT_WEEKDAYS, DEFAULT_SAME_DAY_CUTOFF
    holidays: dict[date, str] = {}
    working: dict[date, str] = {}
    for cy in years:
        office_hours = cy.office_hours or office_hours
        weekdays = weekdays if cy.weekdays is None else cy.weekdays
        cutoff = cy.same_day_cutoff or cutoff
        holidays.update(cy.holiday_dates())
        working.update({e.day: e.name for e in cy.working_days})
    try:
        return WorkCalendar(
            tz=tz,
            office_hours=office_hours,
            weekdays=weekdays,
            same_day_cutoff=cutoff,
            holidays=holidays,
            working_days=working,
        )
    except CalendarError as exc:
        raise CalendarFileError(str(exc)) from None


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _entry(fields: list[tuple[str, str]]) -> str:
    return (
        "{"
        + ", ".join(f"{k}: {_q(v)}" for k, v in fields if v or k in ("date", "from", "to"))
        + "}"
    )


def dump_calendar_year(cy: CalendarYear, *, header: str = "") -> str:
    """Return *cy* as YAML text in the documented format (parse_calendar_year reads it back)."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    if cy.year is not None:
        lines.append(f"year: {cy.year}")
    if cy.office_hours is not None:
        pairs = ", ".join(
            f"[{_q(a.strftime('%H:%M'))}, {_q(b.strftime('%H:%M'))}]" for a, b in cy.office_hours
        )
        lines.append(f"office_hours: [{pairs}]")
    if cy.weekdays is not None:
        lines.append("weekdays: [" + ", ".join(WEEKDAY_CODES[w] for w in sorted(cy.weekdays)) + "]")
    if cy.same_day_cutoff is not None:
        lines.append(f"same_day_cutoff: {_q(cy.same_day_cutoff.strftime('%H:%M'))}")
    lines.append("holidays:" if cy.holidays else "holidays: []")
    for h in sorted(cy.holidays, key=lambda e: e.start):
        if h.start == h.end and not h.name and not h.decision:
            lines.append(f"  - {_q(h.start.isoformat())}")
        elif h.start == h.end:
            fields = [("date", h.start.isoformat()), ("name", h.name), ("decision", h.decision)]
            lines.append(f"  - {_entry(fields)}")
        else:
            fields = [
                ("from", h.start.isoformat()),
                ("to", h.end.isoformat()),
                ("name", h.name),
                ("decision", h.decision),
            ]
            lines.append(f"  - {_entry(fields)}")
    lines.append("working_days:" if cy.working_days else "working_days: []")
    for w in sorted(cy.working_days, key=lambda e: e.day):
        if not w.name and not w.decision:
            lines.append(f"  - {_q(w.day.isoformat())}")
        else:
            fields = [("date", w.day.isoformat()), ("name", w.name), ("decision", w.decision)]
            lines.append(f"  - {_entry(fields)}")
    return "\n".join(lines) + "\n"
