"""The input and short display formats both languages share (see the package docstring)."""

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 25/12/2026 — the first one is also how a date is shown in an input
    "%d-%m-%Y",  # 25-12-2026
    "%d.%m.%Y",  # 25.12.2026
    "%Y-%m-%d",  # 2026-12-25 (ISO 8601, native date pickers)
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",  # native datetime-local pickers
    "%Y-%m-%d",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
