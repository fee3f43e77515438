"""Vietnamese formats: Django's (long dates, "," decimals, "." thousands) with day-first input."""

from django.conf.locale.vi.formats import *  # noqa: F403

from config.formats.shared import *  # noqa: F403

NUMBER_GROUPING = 3  # 1.500.000 (Django's vi leaves it unset, so numbers were never grouped)
