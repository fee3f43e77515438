"""Files written by a transaction that fails are deleted again (storage is not transactional).

A model saved with a new file writes the file to the store (a folder, an object store) at once,
before its transaction commits. Inside :func:`files_kept_on_success`, every file a model save
writes is noted; if the block raises, the rows that named those files are rolled back, so the
files are deleted. A block that succeeds hands its files to the enclosing block, which deletes
them if it fails in turn.

The block goes *inside* the transaction (``with transaction.atomic(), files_kept_on_success():``):
an error of the COMMIT itself — a database that died with the commit in flight, whose outcome the
client cannot know — keeps the files, since a file nobody names can be found and removed later,
while a committed row whose file was deleted cannot be repaired.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import FileField
from django.db.models.signals import pre_save

log = logging.getLogger(__name__)

_journal: ContextVar[list | None] = ContextVar("motcua_stored_files", default=None)


@contextmanager
def files_kept_on_success():
    """Delete the files that model saves in the block wrote, if the block raises."""
    written: list = []
    token = _journal.set(written)
    try:
        yield written
    except BaseException:
        files_delete(written)
        raise
    finally:
        _journal.reset(token)
    outer = _journal.get()
    if outer is not None:
        outer.extend(written)


def files_delete(written) -> None:
    """Delete each written file (a field file once saved); a store that fails is only logged."""
    for field_file in written:
        if not getattr(field_file, "_committed", False) or not field_file.name:
            continue
        try:
            field_file.storage.delete(field_file.name)
        except Exception:  # a local folder (OSError) or an object store that stopped answering
            log.warning("could not delete %s", field_file.name)


def _note_new_files(sender, instance, **kwargs) -> None:
    written = _journal.get()
    if written is None:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, FileField):
            value = getattr(instance, field.attname)
            if value and not getattr(value, "_committed", True):
                written.append(value)  # saved by the field's pre_save, right after this signal


def install_file_journal() -> None:
    pre_save.connect(_note_new_files, dispatch_uid="motcua.core.stored_files")
