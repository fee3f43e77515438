"""Files in the store that no row names are deleted once old enough (the daily ``files_orphans``).

A file is written before the transaction that names it commits (``core/stored_files.py``); when
that COMMIT is cut — the database dying with it in flight — the file is kept on purpose, since
the row may have committed, and a web process killed between the write and the commit leaves its
file too. Rule: a file of the default storage (every file field of the project uses it) that no
file field of any model names, and that is older than ``min_age`` (a day by default: far longer
than any request or job takes from writing a file to committing its row), is an orphan and is
deleted. Files still named are never touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

MIN_AGE = timedelta(days=1)


def stored_names(storage=None, folder: str = "") -> Iterator[str]:
    """Every file name in *storage* (default: the default storage), folders walked."""
    storage = storage or default_storage
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in dirs:
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def named_files() -> set[str]:
    """Every file name a row names, over the file fields of all models."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                rows = model._base_manager.exclude(**{field.attname: ""}).exclude(
                    **{f"{field.attname}__isnull": True}
                )
                names.update(rows.values_list(field.attname, flat=True).iterator())
    return names


def orphan_files_delete(
    *, min_age: timedelta = MIN_AGE, now: datetime | None = None, dry_run: bool = False
) -> dict[str, int]:
    """Delete the orphans older than *min_age*; return how many files, orphans and deletions."""
    now = now or timezone.now()
    stored = set(stored_names())
    named = named_files()
    orphans = [
        name
        for name in sorted(stored - named)
        if now - default_storage.get_modified_time(name) >= min_age
    ]
    if not dry_run:
        for name in orphans:
            default_storage.delete(name)
    return {
        "files": len(stored),
        "orphans": len(orphans),
        "deleted": 0 if dry_run else len(orphans),
    }
