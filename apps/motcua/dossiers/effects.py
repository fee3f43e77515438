"""Side effects of dossier events, run after commit (DESIGN §2 rule 2): never inside the change.

The applicant is told by e-mail when something needs them or their result is ready. Channels
(SMS, Zalo, national portal sync) plug in here when the integrations issue lands; each effect runs
as a job (inline on the embedded default) so a slow mail server never blocks an officer.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers.states import Action
from motcua.jobs.queue import job_enqueue

log = logging.getLogger(__name__)

_APPLICANT_MESSAGES = {
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Hồ sơ %(code)s cần bổ sung: %(note)s"),
    Action.REFUSE_INTAKE: gettext_lazy("Hồ sơ %(code)s không được tiếp nhận: %(note)s"),
    Action.REFUSE: gettext_lazy("Hồ sơ %(code)s bị từ chối giải quyết: %(note)s"),
    Action.STOP: gettext_lazy("Hồ sơ %(code)s bị dừng giải quyết: %(note)s"),
    Action.ISSUE_RESULT: gettext_lazy("Hồ sơ %(code)s đã có kết quả."),
    Action.APOLOGIZE: gettext_lazy("Hồ sơ %(code)s trả kết quả chậm; xin lỗi ông/bà. %(note)s"),
    Action.RECALCULATE: gettext_lazy(
        "Hồ sơ %(code)s: ngày hẹn trả kết quả được điều chỉnh theo lịch làm việc: %(note)s"
    ),
}


def dossier_event_effects(*, event_id: int) -> None:
    """Queue the side effects of one event (called from ``transaction.on_commit``)."""
    job_enqueue(notify_applicant, event_id)


def notify_applicant(event_id: int) -> bool:
    """E-mail the applicant about an event that concerns them; return whether a mail was sent."""
    from motcua.dossiers.models import DossierEvent

    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if (
        event is None
        or event.action not in _APPLICANT_MESSAGES
        or not event.dossier.applicant_email
    ):
        return False
    body = _APPLICANT_MESSAGES[event.action] % {"code": event.dossier.code, "note": event.note}
    try:
        send_mail(
            _("Thông báo hồ sơ %(code)s") % {"code": event.dossier.code},
            body,
            None,
            [event.dossier.applicant_email],
        )
    except OSError:
        log.exception("could not e-mail the applicant of %s", event.dossier.code)
        return False
    return True
