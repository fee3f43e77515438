"""How long stored outgoing mail is kept, and the job that deletes it afterwards.

A stored message holds personal data (the citizen's name and address, account-activation links,
dossier codes). Keeping it without limit goes against the storage-limitation principle of Nghị
định 13/2023/NĐ-CP on personal data protection (its text is not reproduced in this repository;
the number of days is therefore site data, not a legal constant): the site config's
``[mail] retention_days`` (default 90) says how many days a message stays in the desk's "Thư đã
gửi" page, and the scheduled job ``mailbox_purge`` (``motcua.jobs.schedule``) deletes older ones
in batches. ``retention_days = 0`` keeps mail forever (the site then answers for it).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from motcua.mailbox.models import OutgoingMail

DEFAULT_RETENTION_DAYS = 90
BATCH = 1000


def mail_retention_days() -> int:
    return int(getattr(settings, "MOTCUA_MAIL_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def mailbox_purge_expired(*, batch: int = BATCH) -> int:
    """Delete messages older than the retention period, *batch* rows per statement (each batch
    its own short transaction, so an interrupted run loses nothing and the next one resumes);
    return how many were deleted. Reads by the ``created_at`` index only."""
    days = mail_retention_days()
    if days <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            OutgoingMail.objects.filter(created_at__lt=cutoff)
            .order_by("created_at")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return deleted
        deleted += OutgoingMail.objects.filter(pk__in=ids).delete()[0]
