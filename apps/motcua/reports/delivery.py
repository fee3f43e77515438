"""Scheduled reports: each subscription's report for the last finished period, e-mailed with the
XLSX attached and logged in :class:`~motcua.reports.models.ReportDelivery`.

Each recipient's report is computed in *that recipient's* scope (``dossiers_visible`` of the
subscriber), never the sender's or the system's. The job is idempotent: a period already sent to
a subscription is skipped (and the database refuses a second successful row for it), so running
it twice or after a crash sends nothing twice. Subscriptions are read by id in batches; one
failure is logged and does not stop the others.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.reports import builder, exports, summary_reads
from motcua.reports import indicators as ind
from motcua.reports.cells import safe_cell, workbook_file
from motcua.reports.models import Frequency, ReportDelivery, ReportSubscription
from motcua.reports.periods import relative_period
from motcua.reports.selectors import report_scope

log = logging.getLogger(__name__)
BATCH = 200


def last_period(frequency: str, *, today: date) -> tuple[date, date]:
    """Return the last finished week (Mon–Sun), month or quarter before *today*."""
    if frequency == Frequency.WEEKLY:
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if frequency == Frequency.MONTHLY:
        return relative_period("last_month", today=today)
    return relative_period("last_quarter", today=today)


SUMMARY_COLUMNS = [
    ("received", _("Tiếp nhận")),
    ("handled", _("Đã và đang xử lý")),
    ("resolved_on_time", _("Kết thúc đúng hạn")),
    ("resolved_late", _("Kết thúc quá hạn")),
    ("pending_in_time", _("Đang xử lý trong hạn")),
    ("pending_overdue", _("Đang xử lý quá hạn")),
    ("on_time_rate", _("Tỷ lệ đúng hạn (%)")),
    ("online_rate", _("Tỷ lệ nộp trực tuyến (%)")),
    ("satisfaction_rate", _("Tỷ lệ hài lòng (%)")),
]


def summary_xlsx(*, user, first: date, last: date):
    """Write the standard unit summary of *user*'s scope to an XLSX file; return (file, rows)."""
    from openpyxl import Workbook

    from motcua.units.models import Unit

    w = ind.window(first, last)
    scope = report_scope(user=user)  # the recipient's own scope, never the sender's
    grouped = summary_reads.grouped_counts(scope, w, "unit")
    rows = ind.combine(grouped, "unit")
    names = Unit.objects.in_bulk([r["unit"] for r in rows])
    total = ind.with_shares(ind.combine(grouped), scope.procedures)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tổng hợp"))
    sheet.append([_("Kỳ báo cáo"), f"{first:%d/%m/%Y} – {last:%d/%m/%Y}"])
    sheet.append([_("Đơn vị")] + [str(label) for _k, label in SUMMARY_COLUMNS])
    for row in rows:
        unit = names.get(row["unit"])
        cells = [row[k] for k, _l in SUMMARY_COLUMNS]
        sheet.append([safe_cell(unit.name if unit else "")] + [_number(c) for c in cells])
    sheet.append([_("Tổng cộng")] + [_number(total[k]) for k, _l in SUMMARY_COLUMNS])
    return workbook_file(book), len(rows)


def _number(value):
    return float(value) if value is not None and not isinstance(value, int) else value


def _report_file(subscription: ReportSubscription, first: date, last: date):
    user = subscription.user
    if subscription.report_id is None:
        return summary_xlsx(user=user, first=first, last=last)
    definition = dict(subscription.report.definition)
    # A scheduled saved report covers the period just ended, received in it.
    definition["filters"] = [
        *(definition.get("filters") or []),
        {"field": "received_at", "op": "range", "value": [str(first), str(last)]},
    ]
    plan = builder.validate(definition)
    handle = exports.xlsx_file(plan, user=user, name=subscription.report.name)
    rows = builder.run(plan, user=user)
    return handle, len(rows) if isinstance(rows, list) else rows.count()


def subscription_send(subscription: ReportSubscription, *, today: date) -> ReportDelivery | None:
    """Send one subscription's report for its last finished period, unless already sent."""
    first, last = last_period(subscription.frequency, today=today)
    if subscription.last_period_end and subscription.last_period_end >= last:
        return None
    if ReportDelivery.objects.filter(subscription=subscription, period_end=last, ok=True).exists():
        return None
    user = subscription.user
    title = subscription.report.name if subscription.report_id else _("Báo cáo tổng hợp")
    try:
        if not user.is_active or not user.email:
            raise ValueError(_("Người nhận không còn hoạt động hoặc chưa có thư điện tử."))
        handle, rows = _report_file(subscription, first, last)
        with handle:
            message = EmailMessage(
                subject=f"{title} {first:%d/%m/%Y} – {last:%d/%m/%Y}",
                body=_("Báo cáo định kỳ trong phạm vi của bạn, kèm tệp XLSX."),
                to=[user.email],
            )
            message.attach(
                f"bao-cao-{last:%Y%m%d}.xlsx",
                handle.read(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            message.send()
    except Exception as exc:  # one bad subscription must not stop the others
        log.exception("report subscription %s failed", subscription.pk)
        return ReportDelivery.objects.create(
            subscription=subscription, period_start=first, period_end=last, ok=False, error=str(exc)
        )
    try:
        with transaction.atomic():
            delivery = ReportDelivery.objects.create(
                subscription=subscription, period_start=first, period_end=last, ok=True, rows=rows
            )
            ReportSubscription.objects.filter(pk=subscription.pk).update(last_period_end=last)
    except IntegrityError:  # another worker logged the same period first
        return None
    return delivery


def subscriptions_send_due(*, today: date | None = None) -> int:
    """Send every active subscription's due report (the scheduled job); return how many sent."""
    today = today or timezone.localdate()
    ids = list(
        ReportSubscription.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for start in range(0, len(ids), BATCH):
        batch = ReportSubscription.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
            "user", "report"
        )
        for subscription in batch:
            delivery = subscription_send(subscription, today=today)
            sent += bool(delivery and delivery.ok)
    return sent
