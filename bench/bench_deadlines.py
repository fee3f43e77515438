"""Benchmark the deadline engine: 100,000 due computations over a 5-year calendar.

Run: ``.venv/bin/python bench/bench_deadlines.py [--n 100000] [--seed 1]``. The calendar is the
seed data of ``fixtures/calendar/vn-2024.yaml`` … ``vn-2027.yaml`` plus 2028 from the ``holidays``
package (5 years); starts are random moments (any hour, any day) in 2024–2028, units and amounts
mixed, one in ten with a pause. Prints computations per second on one core.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import holidays  # noqa: E402

from motcua.core.calendar_yaml import calendar_from_files  # noqa: E402
from motcua.core.deadlines import DayRule, Pause, due_at  # noqa: E402
from motcua.core.timeunits import TimeUnit  # noqa: E402
from motcua.core.workcalendar import WorkCalendar  # noqa: E402


def five_year_calendar() -> WorkCalendar:
    files = sorted((ROOT / "fixtures" / "calendar").glob("vn-20*.yaml"))
    calendar = calendar_from_files(files, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    extra = dict(calendar.holidays)
    extra.update({d: str(n) for d, n in holidays.country_holidays("VN", years=2028).items()})
    return calendar.with_changes(holidays=extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    calendar = five_year_calendar()
    tz = calendar.tz
    rng = random.Random(args.seed)
    origin = datetime(2024, 1, 1, tzinfo=tz)
    span = int((datetime(2028, 12, 31, tzinfo=tz) - origin).total_seconds())
    units = [
        (TimeUnit.WORKING_DAYS, DayRule.CIVIL_CODE),
        (TimeUnit.WORKING_DAYS, DayRule.OFFICE_TIME),
        (TimeUnit.WORKING_HOURS, DayRule.CIVIL_CODE),
        (TimeUnit.SAME_DAY, DayRule.CIVIL_CODE),
    ]
    cases = []
    for _ in range(args.n):
        start = origin + timedelta(seconds=rng.randrange(span))
        unit, rule = rng.choice(units)
        amount = rng.randint(1, 40) if unit is not TimeUnit.WORKING_HOURS else rng.randint(1, 80)
        pauses = ()
        if rng.random() < 0.1:
            p_start = start + timedelta(hours=rng.randint(1, 200))
            pauses = (Pause(p_start, p_start + timedelta(hours=rng.randint(1, 300))),)
        cases.append((start, amount, unit, pauses, rule))

    began = time.perf_counter()
    for start, amount, unit, pauses, rule in cases:
        due_at(calendar, start=start, amount=amount, unit=unit, pauses=pauses, day_rule=rule)
    elapsed = time.perf_counter() - began

    years = sorted({d.year for d, _ in calendar.holidays if d >= date(2024, 1, 1)})
    print(
        f"calendar years with holidays: {years[0]}–{years[-1]} ({len(calendar.holidays)} days off)"
    )
    print(f"{args.n} due computations in {elapsed:.3f} s = {args.n / elapsed:,.0f} per second")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
