"""English formats for a Vietnamese site: English words, day-first dates (never US month-first)."""

from django.conf.locale.en.formats import *  # noqa: F403

from config.formats.shared import *  # noqa: F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
