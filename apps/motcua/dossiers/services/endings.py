"""Endings: refusal (form 03), stop (form 05), the citizen's withdrawal, apology with a new date
(form 04), the result's return, and the batch closing of old training dossiers.

Refusing, stopping and withdrawing each need a reason (it is shown to the citizen); each ends the
open step and the open pause, and the engine records ``finished_at`` (``Clock.ENDS``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.lifecycle import TERMINAL
from motcua.core.roles import Role
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.services.engine import DossierError, _perform, _require
from motcua.dossiers.services.fees import fee_check_before_return
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
    *,
    dossier,
    user,
    delivery: str,
    postal_tracking: str = "",
    postal_carrier: str = "",
    postal_sent_on: date | None = None,
    expected_version=None,
    note="",
) -> Dossier:
    """Return the result at the counter, online or by post, and close.

    By post, the carrier, the tracking number and the day it was sent are kept next to the
    address the applicant gave (never in its place) and told to the applicant. The fee must be
    settled first where the procedure asks it (``services/fees.py``).
    """
    if delivery not in Delivery.values:
        raise DossierError(_("Hình thức trả kết quả không hợp lệ."))
    postal_tracking, postal_carrier = (
        (postal_tracking or "").strip(),
        (postal_carrier or "").strip(),
    )
    if delivery == Delivery.POST:
        _require(postal_carrier, _("Cần nhập đơn vị bưu chính."))
        _require(postal_tracking, _("Cần nhập mã vận đơn bưu chính."))
    else:
        postal_tracking, postal_carrier, postal_sent_on = "", "", None

    def change(d, actor, moment):
        fee_check_before_return(d)
        if delivery == Delivery.ONLINE and not d.result_file:
            raise DossierError(_("Chưa có tệp kết quả để trả trực tuyến."))
        if delivery == Delivery.POST:
            # The address it goes to: the one chosen for delivery, else the applicant's own.
            d.delivery_address = (d.delivery_address or d.applicant_address).strip()
            if not d.delivery_address:
                raise DossierError(
                    _("Chưa có địa chỉ nhận kết quả qua bưu chính: cập nhật địa chỉ trước khi gửi.")
                )
        sent_on = postal_sent_on or (timezone.localdate(moment) if postal_tracking else None)
        d.delivery, d.returned_at = delivery, moment
        d.postal_tracking, d.postal_carrier, d.postal_sent_on = (
            postal_tracking,
            postal_carrier,
            sent_on,
        )
        return {
            "delivery": delivery,
            "postal_tracking": postal_tracking,
            "postal_carrier": postal_carrier,
            "postal_sent_on": sent_on.isoformat() if sent_on else None,
        }

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


def _training_candidates(*, user, older_than_days: int):
    """Open training dossiers submitted more than N days ago in the units *user* administers."""
    from motcua.units.selectors import units_in_scope

    cutoff = timezone.now() - timedelta(days=older_than_days)
    candidates = Dossier.objects.filter(is_training=True, submitted_at__lt=cutoff)
    if not getattr(user, "is_superuser", False):
        administered = units_in_scope(user=user, roles=[Role.ADMINISTRATOR])
        if not administered.exists():
            raise ActionForbidden(_("Chỉ quản trị hệ thống được đóng hồ sơ tập huấn."))
        candidates = candidates.filter(unit__in=administered.values("pk"))
    return candidates.exclude(status__in=list(TERMINAL))


def _close_one_training(pk: int, user) -> None:
    _perform(
        dossier=pk,
        action=Action.CLOSE_TRAINING,
        user=user,
        expected_version=None,
        note=_("Đóng hồ sơ tập huấn cũ"),
        change=lambda d, a, m: _close_open_work(d, m),
    )  # returns None: no event data


def dossiers_close_training(*, user, older_than_days: int = 30) -> int:
    """Close open training dossiers received more than N days ago; return how many were closed.

    Only dossiers of units the user administers are touched (all for a superuser), so a partial
    administrator never meets a refusal half-way through the batch. Each dossier is closed in its
    own transaction through the lifecycle (one ``close_training`` event each). The desk runs this
    as a job (:func:`training_close_request`); this direct form is for scripts and tests.
    """
    ids = list(
        _training_candidates(user=user, older_than_days=older_than_days).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        _close_one_training(pk, user)
    return len(ids)


TRAINING_CLOSE_BATCH = 100


def training_close_request(*, user, older_than_days: int):
    """Queue the closing of old training dossiers as a job with progress; return the task.

    Refuses at once (:class:`ActionForbidden`) a user who administers no unit, so the desk says
    so in the request rather than in a failed job.
    """
    from motcua.jobs.progress import task_request

    total = _training_candidates(user=user, older_than_days=older_than_days).count()
    return task_request(
        func="motcua.dossiers.services.endings.training_close_job",
        label=_("Đóng hồ sơ tập huấn nộp cách đây hơn %(days)s ngày") % {"days": older_than_days},
        actor=user,
        params={"older_than_days": older_than_days},
        total=total,
    )


def training_close_job(task_id: int) -> int:
    """The job: close the candidates in batches, reporting progress; resumable after a kill
    (the candidate set shrinks as dossiers are closed, so a second run continues the first)."""
    from motcua.jobs.progress import task_advance, task_claim, task_finish

    task = task_claim(task_id)
    if task is None or task.actor is None:
        return 0
    user, days = task.actor, int(task.params.get("older_than_days", 30))
    last, closed = 0, 0
    while True:
        ids = list(
            _training_candidates(user=user, older_than_days=days)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:TRAINING_CLOSE_BATCH]
        )
        if not ids:
            break
        last = ids[-1]
        done, failed, error = 0, 0, ""
        for pk in ids:
            try:
                _close_one_training(pk, user)
                done += 1
            except (DossierError, ActionForbidden) as exc:  # e.g. changed meanwhile
                failed += 1
                error = f"{pk}: {exc}"
        task_advance(task, done=done, failed=failed, error=error)
        closed += done
    task_finish(task)
    return closed
