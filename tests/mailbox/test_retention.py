"""Stored outgoing mail holds personal data: it is deleted after the site's retention period, in
batches, by a scheduled job."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from motcua.jobs.schedule import SCHEDULE
from motcua.mailbox.config import MailConfigError, mail_settings
from motcua.mailbox.models import OutgoingMail
from motcua.mailbox.retention import mailbox_purge_expired

pytestmark = pytest.mark.django_db


def _mail(subject: str, days_ago: int) -> OutgoingMail:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return OutgoingMail.objects.create(
            from_address="motcua@localhost",
            to="nguyenvana@example.vn",
            subject=subject,
            body="Mã kích hoạt tài khoản của Nguyễn Văn A",
            outcome=OutgoingMail.Outcome.KEPT,
        )


def test_mail_older_than_the_retention_period_is_purged_in_batches(settings):
    settings.MOTCUA_MAIL_RETENTION_DAYS = 30
    old = [_mail(f"cũ {i}", 31 + i) for i in range(5)]
    recent = _mail("mới", 29)
    assert mailbox_purge_expired(batch=2) == 5  # three batches of at most two rows
    assert list(OutgoingMail.objects.all()) == [recent]
    assert not OutgoingMail.objects.filter(pk__in=[m.pk for m in old]).exists()
    assert mailbox_purge_expired() == 0  # idempotent


def test_a_retention_of_zero_keeps_mail(settings):
    settings.MOTCUA_MAIL_RETENTION_DAYS = 0
    _mail("rất cũ", 3000)
    assert mailbox_purge_expired() == 0 and OutgoingMail.objects.count() == 1


def test_the_purge_is_a_scheduled_job():
    job = next(job for job in SCHEDULE if job.name == "mailbox_purge")
    assert job.func == "motcua.mailbox.retention.mailbox_purge_expired"


def test_the_retention_period_is_site_data():
    assert mail_settings({})["MOTCUA_MAIL_RETENTION_DAYS"] == 90
    assert mail_settings({"retention_days": 14})["MOTCUA_MAIL_RETENTION_DAYS"] == 14
    with pytest.raises(MailConfigError, match="retention_days"):
        mail_settings({"retention_days": -1})
    with pytest.raises(MailConfigError, match="retention_days"):
        mail_settings({"retention_days": "90"})
