"""Endings: refusal (form 03), stop (form 05), the citizen's withdrawal, apology with a new date
(form 04), the result's return, and the batch closing of old training dossiers.

Refusing, stopping and withdrawing each need a reason (it is shown to the citizen); each ends the
open step and the open pause, and the engine records ``finished_at`` (``Clock.ENDS``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.lifecycle import TERMINAL
from motcua.core.roles import Role
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.services.engine import DossierError, _perform, _require
from motcua.dossiers.services.steps import _close_step
from motcua.dossiers.states import Action


def _close_open_work(d: Dossier, moment: datetime) -> None:
    """End the open step and the open pause of a dossier that is finishing."""
    _close_step(d, moment)
    open_pause = d.pauses.filter(ended_at=None).first()
    if open_pause:
        open_pause.ended_at = moment
        open_pause.save(update_fields=["ended_at"])


def _end(dossier, user, action: Action, reason: str, expected_version) -> Dossier:
    """End the dossier by *action* with its *reason* (the event note, shown to the citizen)."""
    return _perform(
        dossier=dossier,
        action=action,
        user=user,
        expected_version=expected_version,
        note=reason,
        change=lambda d, actor, moment: _close_open_work(d, moment),
    )


def dossier_refuse(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """Refuse to process the dossier (form 03); the reason is written for the citizen."""
    _require(reason, _("Cần ghi rõ lý do từ chối giải quyết."))
    return _end(dossier, user, Action.REFUSE, reason, expected_version)


def dossier_stop(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """Stop processing (form 05), e.g. the applicant did not supplement in time."""
    _require(reason, _("Cần ghi rõ lý do dừng giải quyết."))
    return _end(dossier, user, Action.STOP, reason, expected_version)


def dossier_withdraw(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """The applicant withdraws the dossier (or the counter records it for them), with a reason."""
    _require(reason, _("Cần ghi rõ lý do rút hồ sơ."))
    return _end(dossier, user, Action.WITHDRAW, reason, expected_version)


def dossier_apologize(
    *, dossier, user, new_due_at: datetime, reason: str, expected_version=None
) -> Dossier:
    """Apology with a new date (form 04): due_at stays for the KPIs, the new date is recorded."""
    _require(reason, _("Cần ghi rõ lý do chậm trả kết quả."))

    def change(d, actor, moment):
        if new_due_at <= max(moment, d.due_at or moment):
            raise DossierError(_("Ngày hẹn lại phải sau hạn trả kết quả hiện tại."))
        d.apology_due_at = new_due_at
        return {"new_due_at": new_due_at.isoformat()}

    return _perform(
        dossier=dossier,
        action=Action.APOLOGIZE,
        user=user,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def dossier_return_result(
    *, dossier, user, delivery: str, postal_tracking: str = "", expected_version=None, note=""
) -> Dossier:
    """Return the result at the counter, online or by post (tracking number), and close."""
    if delivery not in Delivery.values:
        raise DossierError(_("Hình thức trả kết quả không hợp lệ."))
    if delivery == Delivery.POST:
        _require(postal_tracking, _("Cần nhập mã vận đơn bưu chính."))

    def change(d, actor, moment):
        if delivery == Delivery.ONLINE and not d.result_file:
            raise DossierError(_("Chưa có tệp kết quả để trả trực tuyến."))
        d.delivery, d.postal_tracking, d.returned_at = delivery, postal_tracking, moment
        return {"delivery": delivery, "postal_tracking": postal_tracking}

    return _perform(
        dossier=dossier,
        action=Action.RETURN_RESULT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def dossier_shipment_record(
    *, dossier, user, carrier: str, tracking: str, status: str, note: str = ""
) -> Dossier:
    """Record a carrier's status of the result sent by post (a timeline entry; state kept).

    Taken by a delivery connector (a plugin) for the reception officer who sent the shipment; the
    note is the carrier's status for the citizen. The tracking code is kept on the dossier.
    """
    _require(tracking, _("Cần nhập mã vận đơn bưu chính."))
    _require(status, _("Thiếu tình trạng chuyển phát."))

    def change(d, actor, moment):
        if not d.postal_tracking:
            d.postal_tracking = tracking[:40]
        return {"carrier": carrier, "tracking": tracking, "status": status}

    return _perform(
        dossier=dossier,
        action=Action.RECORD_SHIPMENT,
        user=user,
        expected_version=None,
        note=note or status,
        change=change,
    )


def dossiers_close_training(*, user, older_than_days: int = 30) -> int:
    """Close open training dossiers received more than N days ago; return how many were closed.

    Only dossiers of units the user administers are touched (all for a superuser), so a partial
    administrator never meets a refusal half-way through the batch.
    """
    from motcua.units.selectors import units_in_scope

    cutoff = timezone.now() - timedelta(days=older_than_days)
    candidates = Dossier.objects.filter(is_training=True, submitted_at__lt=cutoff)
    if not getattr(user, "is_superuser", False):
        administered = units_in_scope(user=user, roles=[Role.ADMINISTRATOR])
        if not administered.exists():
            raise ActionForbidden(_("Chỉ quản trị hệ thống được đóng hồ sơ tập huấn."))
        candidates = candidates.filter(unit__in=administered.values("pk"))
    ids = list(candidates.exclude(status__in=list(TERMINAL)).values_list("pk", flat=True))
    closed = 0
    for pk in ids:
        _perform(
            dossier=pk,
            action=Action.CLOSE_TRAINING,
            user=user,
            expected_version=None,
            note=_("Đóng hồ sơ tập huấn cũ"),
            change=lambda d, a, m: _close_open_work(d, m),
        )  # returns None: no event data
        closed += 1
    return closed
