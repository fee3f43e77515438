"""Scheduled reports: computed per recipient in the recipient's scope, sent once, logged."""

import io
from datetime import date

import pytest
from django.core import mail
from openpyxl import load_workbook

from motcua.reports import delivery
from motcua.reports.models import ReportDelivery, ReportSubscription, SavedReport

pytestmark = pytest.mark.django_db


def _sheet(message):
    _name, content, _mime = message.attachments[0]
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.values]


def test_unit_summary_is_computed_in_each_recipients_scope(world, march, settings):
    u = world.users
    for user, email in ((u.leader, "ld@hb.vn"), (u.other_spec, "cv@lc.vn")):
        user.email = email
        user.save()
        ReportSubscription.objects.create(user=user, frequency="monthly")

    sent = delivery.subscriptions_send_due(today=date(2025, 4, 2))

    assert sent == 2
    by_to = {m.to[0]: _sheet(m) for m in mail.outbox}
    hb, lc = by_to["ld@hb.vn"], by_to["cv@lc.vn"]
    assert hb[0][:2] == ["Kỳ báo cáo", "01/03/2025 – 31/03/2025"]
    assert [r[0] for r in hb[2:-1]] == ["Ủy ban nhân dân quận Hồng Bàng"]
    assert hb[-1][:2] == ["Tổng cộng", 6]  # received in March at Hồng Bàng
    assert [r[0] for r in lc[2:-1]] == ["Ủy ban nhân dân quận Lê Chân"]
    assert lc[-1][:2] == ["Tổng cộng", 1]
    assert ReportDelivery.objects.filter(ok=True).count() == 2


def test_a_saved_report_is_run_with_the_subscribers_scope_not_the_owners(world, march):
    u = world.users
    report = SavedReport.objects.create(
        owner=u.city_leader, name="Danh sách hồ sơ", definition={"columns": ["code"]}
    )
    u.other_spec.email = "cv@lc.vn"
    u.other_spec.save()
    ReportSubscription.objects.create(user=u.other_spec, report=report, frequency="monthly")

    delivery.subscriptions_send_due(today=date(2025, 4, 2))

    codes = [r[0] for r in _sheet(mail.outbox[0])[1:]]
    assert codes == [march.lechan.code]


def test_running_the_job_twice_sends_each_period_once_and_logs_failures(world, march):
    u = world.users
    u.leader.email = "ld@hb.vn"
    u.leader.save()
    ReportSubscription.objects.create(user=u.leader, frequency="weekly")
    ReportSubscription.objects.create(user=u.spec2, frequency="weekly")  # no e-mail address

    assert delivery.subscriptions_send_due(today=date(2025, 4, 2)) == 1
    assert delivery.subscriptions_send_due(today=date(2025, 4, 3)) == 0
    assert len(mail.outbox) == 1
    failed = ReportDelivery.objects.filter(ok=False).first()  # retried (and logged) each run
    assert ReportDelivery.objects.filter(ok=False).count() == 2
    assert "thư điện tử" in failed.error
    assert (failed.period_start, failed.period_end) == (date(2025, 3, 24), date(2025, 3, 30))
