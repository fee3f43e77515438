"""Leases in the database: a job that must not overlap itself takes one before it works.

A lease is a row per name with its holder and expiry, taken with a conditional UPDATE, so it works
the same on SQLite and MariaDB and with or without Redis. A run that dies keeps the lease only
until it expires; a long run renews it after each unit of work.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.jobs.models import JobLock


def lease_take(name: str, *, lease: timedelta) -> str | None:
    """Take the lease *name* for *lease*; return the holder token, or None if someone holds it."""
    token = uuid.uuid4().hex
    now = timezone.now()
    try:
        with transaction.atomic():
            JobLock.objects.get_or_create(name=name)
    except IntegrityError:  # created concurrently: fine, it exists
        pass
    taken = JobLock.objects.filter(
        Q(held_until__isnull=True) | Q(held_until__lt=now), name=name
    ).update(holder=token, held_until=now + lease)
    return token if taken else None


def lease_renew(name: str, token: str, *, lease: timedelta) -> bool:
    """Extend the lease if *token* still holds it; return whether it does."""
    return bool(
        JobLock.objects.filter(name=name, holder=token).update(held_until=timezone.now() + lease)
    )


def lease_release(name: str, token: str) -> None:
    JobLock.objects.filter(name=name, holder=token).update(held_until=None, holder="")
