"""A model field for a processing-time unit whose error names the allowed units, in Vietnamese.

Shared by procedures and (later) workflow steps; candidates to move next to ``TimeUnit`` in core.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext

from motcua.core.timeunits import TimeUnit


def _invalid_time_unit_message() -> str:
    allowed = ", ".join(f"{value} ({label})" for value, label in TimeUnit.choices)
    # "%(value)s" is filled in by ValidationError with the rejected value.
    return gettext("Đơn vị thời gian “%(value)s” không hợp lệ; chỉ dùng: {allowed}.").format(
        allowed=allowed
    )


#: Lazy, so the message follows the active language and any TimeUnit added later.
INVALID_TIME_UNIT_MESSAGE = lazy(_invalid_time_unit_message, str)()


class TimeUnitField(models.CharField):
    """A ``CharField`` limited to :class:`TimeUnit`, in model validation and in forms alike."""

    default_error_messages = {"invalid_choice": INVALID_TIME_UNIT_MESSAGE}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("choices", TimeUnit.choices)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)  # follows TimeUnit; choices are not a schema change
        if kwargs.get("max_length") == 20:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        error_messages = {"invalid_choice": INVALID_TIME_UNIT_MESSAGE}
        error_messages.update(kwargs.pop("error_messages", None) or {})
        return super().formfield(error_messages=error_messages, **kwargs)
