"""``manage.py deadline``: print the due moment of a processing time (docs/architecture.md, Deadlines).

    manage.py deadline --calendar fixtures/calendar/vn-2025.yaml --start 2025-01-24T10:00 \\
        --amount 3 --unit working_days
    2025-02-05T17:00:00+07:00

Without ``--calendar`` the site's calendar (database) and its working-day rule are used. A start
without an offset is read in the site's time zone. Bad input exits with status 2 and one line.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.calendar_yaml import CalendarFileError, calendar_from_files
from motcua.core.deadlines import DayRule, DeadlineError, Pause, due_at
from motcua.core.management.commands._oneline import OneLineErrorsCommand, fail
from motcua.core.timeunits import TimeUnit


def _moment(text: str, what: str, tz: ZoneInfo) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise fail(
            _("%(what)s: %(value)r không phải thời điểm ISO 8601 (ví dụ 2025-01-24T10:00)")
            % {"what": what, "value": text}
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value


class Command(OneLineErrorsCommand):
    help = gettext_lazy(
        "In ra hạn xử lý (ISO 8601 có múi giờ) của một thời hạn tính từ thời điểm tiếp nhận."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--calendar",
            action="append",
            metavar="FILE.yaml",
            help=_("tệp lịch năm (nhắc lại cho nhiều năm); bỏ trống: lịch của site trong CSDL"),
        )
        parser.add_argument("--start", required=True, help=_("thời điểm tiếp nhận, ISO 8601"))
        parser.add_argument("--amount", help=_("số ngày hoặc số giờ (không cần với same_day)"))
        parser.add_argument("--unit", required=True, help=" | ".join(TimeUnit.values))
        parser.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="START,END",
            help=_("khoảng tạm dừng (nhắc lại được)"),
        )
        parser.add_argument("--day-rule", help=" | ".join(DayRule.values))

    def handle(self, *args, **options):
        tz = ZoneInfo(settings.TIME_ZONE)
        try:
            unit = TimeUnit(options["unit"])
        except ValueError:
            raise fail(
                _("--unit: %(unit)r không hợp lệ (cần một trong: %(choices)s)")
                % {"unit": options["unit"], "choices": ", ".join(TimeUnit.values)}
            ) from None
        amount_text = options["amount"]
        if amount_text is None:
            if unit is not TimeUnit.SAME_DAY:
                raise fail(_("--amount: cần số ngày hoặc số giờ"))
            amount_text = "1"
        try:
            amount = Decimal(amount_text)
        except InvalidOperation:
            raise fail(_("--amount: %(value)r không phải là số") % {"value": amount_text}) from None
        if amount < 0:
            raise fail(_("--amount: thời hạn không được âm (%(value)s)") % {"value": amount_text})
        if amount == amount.to_integral_value():
            amount = int(amount)
        start = _moment(options["start"], "--start", tz)
        pauses = []
        for text in options["pause"]:
            parts = text.split(",")
            if len(parts) != 2:
                raise fail(_("--pause: %(value)r phải có dạng START,END") % {"value": text})
            pauses.append(Pause(_moment(parts[0], "--pause", tz), _moment(parts[1], "--pause", tz)))
        try:
            if options["calendar"]:
                calendar = calendar_from_files(options["calendar"], tz=tz)
                day_rule = DayRule.CIVIL_CODE
            else:
                from motcua.core.selectors import site_calendar, site_day_rule

                calendar, day_rule = site_calendar(), site_day_rule()
            if options["day_rule"]:
                day_rule = options["day_rule"]
            due = due_at(
                calendar, start=start, amount=amount, unit=unit, pauses=pauses, day_rule=day_rule
            )
        except (CalendarFileError, DeadlineError) as exc:
            raise fail(str(exc)) from None
        except DatabaseError as exc:
            raise fail(
                _(
                    "Không đọc được lịch của site trong CSDL (%(error)s); chạy migrate hoặc dùng "
                    "--calendar"
                )
                % {"error": exc}
            ) from None
        self.stdout.write(due.isoformat())
