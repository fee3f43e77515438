"""What the citizen's status page says about where the dossier stands, state by state.

For every state of the lifecycle (``core/lifecycle.py``) the page says in plain Vietnamese what is
happening, since when, why (the reason the officer wrote for the citizen: pauses, refusals,
stops), and what the citizen has to do, if anything. The appointment date is shown only while it
is a promise: not before the clock starts (submitted), not while it is stopped (the date moves
on resume), never after the dossier ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motcua.core.lifecycle import PAUSED, TERMINAL
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.states import Action, Status
from motcua.mailbox.backends import mail_leaves_the_site

#: States in which the appointment date is a firm promise to the citizen.
APPOINTMENT_STATES = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.RESULT_READY})
#: The event that put the dossier in each state (its moment and its note, for the citizen).
_ENTERED_BY = {
    Status.SUPPLEMENT_REQUESTED: (Action.REQUEST_SUPPLEMENT,),
    Status.SUSPENDED: (Action.SUSPEND,),
    Status.RESULT_READY: (Action.ISSUE_RESULT,),
    Status.RETURNED: (Action.RETURN_RESULT,),
    Status.REJECTED: (Action.REFUSE, Action.REFUSE_INTAKE),
    Status.WITHDRAWN: (Action.WITHDRAW,),
    Status.STOPPED: (Action.STOP, Action.CLOSE_TRAINING),
}


@dataclass(frozen=True)
class Situation:
    """The page's "Tình trạng" box: a headline, the facts, what to do, and the dates shown."""

    headline: str
    facts: list[str] = field(default_factory=list)
    todo: str = ""
    appointment: datetime | None = None
    new_appointment: datetime | None = None
    ended: bool = False


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else ""


def _entry(dossier: Dossier, events=None):
    """The latest event that put the dossier in its state; from *events* (its events in order,
    as the status page already read them) when given."""
    actions = _ENTERED_BY.get(Status(dossier.status))
    if not actions:
        return None
    if events is not None:
        entered = [e for e in events if e.action in actions and e.to_status == dossier.status]
        return max(entered, key=lambda e: (e.created_at, e.id), default=None)
    return (
        dossier.events.filter(action__in=list(actions), to_status=dossier.status)
        .order_by("-created_at", "-id")
        .only("action", "note", "created_at")
        .first()
    )


def mail_reaches_applicant(dossier: Dossier) -> bool:
    """Whether a mail to the applicant reaches them: an address, and a site whose mail leaves it
    (the embedded default keeps every message for the desk's "Thư đã gửi" page)."""
    email = dossier.applicant_email or getattr(dossier.applicant_user, "email", "")
    return bool(email) and mail_leaves_the_site()


def situation(dossier: Dossier, status_text: str, *, events=None) -> Situation:
    """Return what the status page says about *dossier* now (see the module docstring).

    *events*: the dossier's events, if the caller has read them already (saves a query).
    """
    status = Status(dossier.status)
    event = _entry(dossier, events)
    since = _when(event.created_at) if event else ""
    reason = (event.note or "").strip() if event else ""
    facts: list[str] = []
    todo = ""
    if status == Status.SUBMITTED:
        facts.append(_("Thời hạn giải quyết được tính từ khi hồ sơ được tiếp nhận."))
        todo = (
            _("Ông/bà chưa cần làm gì; kết quả kiểm tra sẽ được báo qua thư điện tử.")
            if mail_reaches_applicant(dossier)
            else _("Ông/bà chưa cần làm gì; kết quả kiểm tra sẽ hiện trên trang này.")
        )
    elif status in (Status.RECEIVED, Status.IN_PROGRESS):
        facts.append(_("Cơ quan đang giải quyết: %(unit)s.") % {"unit": dossier.current_unit.name})
        todo = _("Ông/bà chưa cần làm gì; cơ quan sẽ báo khi có kết quả hoặc cần bổ sung.")
    elif status == Status.SUPPLEMENT_REQUESTED:
        facts.append(_("Cần bổ sung từ %(since)s.") % {"since": since})
        facts.append(
            _(
                "Thời hạn giải quyết đang tạm dừng trong khi chờ bổ sung; ngày hẹn trả kết quả "
                "sẽ được tính lại khi ông/bà bổ sung."
            )
        )
        todo = _("Ông/bà cần gửi bổ sung các nội dung nêu ở mục “Nội dung cần bổ sung”.")
    elif status == Status.SUSPENDED:
        facts.append(_("Tạm dừng từ %(since)s.") % {"since": since})
        if reason:
            facts.append(_("Lý do: %(reason)s") % {"reason": reason})
        facts.append(
            _(
                "Thời hạn giải quyết đang tạm dừng, không tính thời gian tạm dừng; ngày hẹn trả "
                "kết quả sẽ được tính lại khi hồ sơ được giải quyết tiếp."
            )
        )
        todo = _("Ông/bà chưa cần làm gì; cơ quan sẽ báo khi tiếp tục giải quyết.")
    elif status == Status.RESULT_READY:
        facts.append(_("Có kết quả từ %(since)s.") % {"since": since})
    elif status == Status.RETURNED:
        facts.append(
            _("Đã trả kết quả lúc %(when)s — %(how)s.")
            % {"when": _when(dossier.returned_at), "how": dossier.get_delivery_display()}
        )
        if dossier.delivery == Delivery.POST and dossier.postal_tracking:
            facts.append(postal_text(dossier))
    elif status == Status.REJECTED:
        refused_at_intake = event is not None and event.action == Action.REFUSE_INTAKE
        how = _("từ chối tiếp nhận") if refused_at_intake else _("từ chối giải quyết")
        facts.append(_("Hồ sơ bị %(how)s lúc %(when)s.") % {"how": how, "when": since})
        if reason:
            facts.append(_("Lý do: %(reason)s") % {"reason": reason})
    elif status == Status.WITHDRAWN:
        facts.append(_("Hồ sơ đã được rút lúc %(when)s.") % {"when": since})
        if reason:
            facts.append(_("Lý do rút: %(reason)s") % {"reason": reason})
    elif status == Status.STOPPED:
        facts.append(_("Dừng giải quyết từ %(when)s.") % {"when": since})
        if reason:
            facts.append(_("Lý do: %(reason)s") % {"reason": reason})
    if status in TERMINAL and status != Status.RETURNED:
        todo = _("Hồ sơ đã kết thúc. Nếu vẫn cần giải quyết, ông/bà có thể nộp hồ sơ mới.")
    return Situation(
        headline=status_text,
        facts=facts,
        todo=todo,
        appointment=dossier.due_at if status in APPOINTMENT_STATES else None,
        new_appointment=dossier.apology_due_at if status not in TERMINAL | PAUSED else None,
        ended=status in TERMINAL,
    )


def postal_text(dossier: Dossier) -> str:
    """The postal return said to the citizen: carrier, tracking number, day sent, address."""
    sent = date_format(dossier.postal_sent_on, "d/m/Y") if dossier.postal_sent_on else ""
    return _(
        "Gửi qua %(carrier)s, mã vận đơn %(tracking)s, ngày gửi %(sent)s, đến địa chỉ %(address)s."
    ) % {
        "carrier": dossier.postal_carrier or _("bưu chính công ích"),
        "tracking": dossier.postal_tracking,
        "sent": sent or "—",
        "address": dossier.delivery_address or "—",
    }
