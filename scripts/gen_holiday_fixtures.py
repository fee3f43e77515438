"""Generate the seed calendars ``fixtures/calendar/vn-<year>.yaml`` from the ``holidays`` package.

Usage: ``.venv/bin/python scripts/gen_holiday_fixtures.py [2024 2025 ...] [--force]``

The ``holidays`` package (VN) is the starting point (docs/stack.md): it knows the lunar dates, the
observed days of Labor Code 2019 Art. 112 and the government's swapped days (``weekend_workdays``).
On top of it this script applies what civil servants actually get:

* days off that touch through a weekend are one stretch, announced with its weekends
  ("nghỉ Tết từ 25/1 đến 2/2/2025"), so a multi-day group is widened to the adjacent Saturday and
  Sunday; the arithmetic is the same, the file reads like the announcement;
* a swapped weekday off is paired with its make-up Saturday (``working_days``);
* the names and the decision references of ``OFFICIAL`` below (hand-checked; where the number of a
  decision is not known here, the issuer is named and admins complete it in the desk).

Existing files are kept unless ``--force``: after generation they are data, corrected by hand or in
the desk (export a year again from the desk to capture those corrections).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "calendar"

LABOR_CODE = "Bộ luật Lao động 2019, Điều 112"

#: Names and decisions of the stretches, keyed by (year, first weekday off of the package group).
#: "dates" (optional) replaces the stretch when the official arrangement differs from the package.
OFFICIAL: dict[tuple[int, date], dict[str, str]] = {
    (2024, date(2024, 1, 1)): {"name": "Tết Dương lịch", "decision": LABOR_CODE},
    (2024, date(2024, 2, 8)): {
        "name": "Tết Nguyên đán Giáp Thìn",
        "decision": "Bộ LĐTBXH thông báo lịch nghỉ Tết Âm lịch và Quốc khánh 2024 cho CBCCVC "
        "(Thủ tướng đồng ý)",
    },
    (2024, date(2024, 4, 18)): {"name": "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "decision": LABOR_CODE},
    (2024, date(2024, 4, 29)): {
        "name": "Ngày Chiến thắng 30/4 và Quốc tế Lao động 1/5 (hoán đổi thứ Hai 29/4 với thứ "
        "Bảy 4/5)",
        "decision": "Công văn 2450/VPCP-KGVX ngày 12/4/2024",
    },
    (2024, date(2024, 9, 2)): {"name": "Quốc khánh 2/9", "decision": LABOR_CODE},
    (2025, date(2025, 1, 1)): {"name": "Tết Dương lịch", "decision": LABOR_CODE},
    (2025, date(2025, 1, 27)): {
        "name": "Tết Nguyên đán Ất Tỵ",
        "decision": "Thông báo 6150/TB-BLĐTBXH ngày 12/11/2024",
    },
    (2025, date(2025, 4, 7)): {"name": "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "decision": LABOR_CODE},
    (2025, date(2025, 4, 30)): {
        "name": "Ngày Chiến thắng 30/4 và Quốc tế Lao động 1/5 (hoán đổi thứ Sáu 2/5 với thứ "
        "Bảy 26/4)",
        "decision": "Thủ tướng đồng ý hoán đổi ngày làm việc dịp 30/4–1/5/2025 (Bộ LĐTBXH "
        "thông báo)",
    },
    (2025, date(2025, 9, 1)): {
        "name": "Quốc khánh 2/9",
        "decision": "Thông báo 6150/TB-BLĐTBXH ngày 12/11/2024",
    },
    (2026, date(2026, 1, 1)): {"name": "Tết Dương lịch", "decision": LABOR_CODE},
    (2026, date(2026, 2, 16)): {
        "name": "Tết Nguyên đán Bính Ngọ",
        "decision": "Bộ Nội vụ thông báo lịch nghỉ Tết Âm lịch 2026 cho CBCCVC (Thủ tướng đồng ý)",
    },
    (2026, date(2026, 4, 27)): {
        "name": "Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật 26/4, nghỉ bù thứ Hai 27/4)",
        "decision": LABOR_CODE + " (nghỉ bù khi trùng ngày nghỉ hằng tuần)",
    },
    (2026, date(2026, 4, 30)): {
        "name": "Ngày Chiến thắng 30/4 và Quốc tế Lao động 1/5",
        "decision": LABOR_CODE,
    },
    (2026, date(2026, 8, 31)): {
        "name": "Quốc khánh 2/9 (hoán đổi thứ Hai 31/8 với thứ Bảy 22/8)",
        "decision": "Bộ Nội vụ thông báo (theo holidays 0.109; quản trị viên xác nhận số hiệu)",
    },
    (2026, date(2026, 11, 24)): {
        "name": "Ngày Văn hóa Việt Nam",
        "decision": "Nghị quyết 80-NQ/TW (theo holidays 0.109; quản trị viên xác nhận)",
    },
    (2027, date(2027, 1, 1)): {"name": "Tết Dương lịch", "decision": LABOR_CODE},
    (2027, date(2027, 2, 4)): {
        "name": "Tết Nguyên đán Đinh Mùi (dự kiến)",
        "decision": LABOR_CODE + "; chờ thông báo chính thức cho CBCCVC",
    },
    (2027, date(2027, 4, 16)): {"name": "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "decision": LABOR_CODE},
    (2027, date(2027, 4, 30)): {
        "name": "Ngày Chiến thắng 30/4 và Quốc tế Lao động 1/5 (1/5 là thứ Bảy, nghỉ bù thứ "
        "Hai 3/5)",
        "decision": LABOR_CODE,
    },
    (2027, date(2027, 9, 2)): {"name": "Quốc khánh 2/9", "decision": LABOR_CODE},
    (2027, date(2027, 11, 24)): {
        "name": "Ngày Văn hóa Việt Nam",
        "decision": "Nghị quyết 80-NQ/TW (theo holidays 0.109; quản trị viên xác nhận)",
    },
}

_SUBSTITUTE = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def stretches(days: dict[date, str]) -> list[tuple[date, date, list[tuple[date, str]]]]:
    """Group days off that touch, or touch through a weekend, into stretches."""
    groups: list[list[tuple[date, str]]] = []
    for day, name in sorted(days.items()):
        if groups:
            last = groups[-1][-1][0]
            between = [last + timedelta(n) for n in range(1, (day - last).days)]
            if all(_weekend(d) for d in between):
                groups[-1].append((day, name))
                continue
        groups.append([(day, name)])
    result = []
    for group in groups:
        first, last = group[0][0], group[-1][0]
        if len(group) > 1:  # widen to the adjacent weekend, as announcements do
            while _weekend(first - timedelta(1)):
                first -= timedelta(1)
            while _weekend(last + timedelta(1)):
                last += timedelta(1)
        result.append((first, last, group))
    return result


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _short(day: date) -> str:
    return f"{day.day}/{day.month}"


def year_yaml(year: int) -> str:
    package = holidays.country_holidays("VN", years=year, language="vi")
    days = {d: str(n) for d, n in package.items()}
    lines = [
        f"# Lịch làm việc năm {year} của cán bộ, công chức, viên chức (motcua, định dạng: docs/architecture.md, Deadlines).",
        f"# Sinh bởi scripts/gen_holiday_fixtures.py từ gói holidays {holidays.__version__} (VN),",
        "# rồi hiệu chỉnh theo lịch nghỉ chính thức; quản trị viên sửa tiếp trong màn hình quản trị",
        "# (Lịch làm việc) hoặc sửa tệp này rồi: manage.py calendar_import fixtures/calendar/"
        f"vn-{year}.yaml",
        f"year: {year}",
        'office_hours: [["07:30", "11:30"], ["13:00", "17:00"]]',
        "weekdays: [mon, tue, wed, thu, fri]",
        'same_day_cutoff: "15:00"',
        "holidays:",
    ]
    missing = []
    decided: list[tuple[date, date, str]] = []
    for first, last, group in stretches(days):
        weekday_group = [(d, n) for d, n in group if not _weekend(d)]
        key_day = (weekday_group or group)[0][0]
        official = OFFICIAL.get((year, key_day))
        if official is None:
            missing.append(key_day)
            official = {"name": "; ".join(dict.fromkeys(n for _d, n in group)), "decision": ""}
        decided.append((first, last, official["decision"]))
        detail = ", ".join(f"{_short(d)} {n}" for d, n in group)
        lines.append(f"  # gói holidays: {detail}")
        fields = [f"from: {_q(first.isoformat())}", f"to: {_q(last.isoformat())}"]
        if first == last:
            fields = [f"date: {_q(first.isoformat())}"]
        fields.append(f"name: {_q(official['name'])}")
        if official["decision"]:
            fields.append(f"decision: {_q(official['decision'])}")
        lines.append("  - {" + ", ".join(fields) + "}")
    makeup = sorted(d for d in package.weekend_workdays if d.year == year)
    lines.append("working_days:" if makeup else "working_days: []")
    for day in makeup:
        swapped = [
            d
            for d, n in days.items()
            if (m := _SUBSTITUTE.search(n)) and date(int(m[3]), int(m[2]), int(m[1])) == day
        ]
        off = swapped[0] if swapped else None
        name = f"Làm bù cho ngày nghỉ {off.day:02d}/{off.month:02d}/{off.year}" if off else "Làm bù"
        decision = next((dec for a, b, dec in decided if off and a <= off <= b), "")
        lines.append(f"  # gói holidays, weekend_workdays: {day.isoformat()} (thứ Bảy)")
        fields = [f"date: {_q(day.isoformat())}", f"name: {_q(name)}"]
        if decision:
            fields.append(f"decision: {_q(decision)}")
        lines.append("  - {" + ", ".join(fields) + "}")
    if missing:
        print(f"{year}: no OFFICIAL entry for {', '.join(map(str, missing))}", file=sys.stderr)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("years", nargs="*", type=int, default=[2024, 2025, 2026, 2027])
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for year in args.years:
        path = OUT / f"vn-{year}.yaml"
        if path.exists() and not args.force:
            print(f"{path.relative_to(ROOT)}: exists, kept (use --force to regenerate)")
            continue
        path.write_text(year_yaml(year), encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: written")


if __name__ == "__main__":
    main()
