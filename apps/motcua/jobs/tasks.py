"""Small maintenance jobs; domain jobs live with their app and are listed in ``schedule.py``."""

from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_clear_expired() -> int:
    """Delete expired login sessions in batches; return how many were deleted (safe to rerun)."""
    deleted = 0
    while True:
        ids = list(
            Session.objects.filter(expire_date__lt=timezone.now()).values_list("pk", flat=True)[
                :1000
            ]
        )
        if not ids:
            return deleted
        deleted += Session.objects.filter(pk__in=ids).delete()[0]
