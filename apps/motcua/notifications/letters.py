"""Draft form 04 for every dossier that became overdue (mẫu số 04, the apology and request for an
extension, numbered as ``motcua.printing.registry`` says: Phụ lục I Thông tư 03/2025/TT-VPCP).

Nghị định 61/2018/NĐ-CP Điều 19 khoản 7 (as amended by Nghị định 107/2021): a dossier settled late
gets a written apology with the new date. The sweep prepares the draft in the batch where the
dossier crosses its deadline and tells the assignee in the desk; the proposed new date is
``apology_extra_days`` working days (site data, 5 by default — no legal text fixes it) after the
day its result date passed (or after today, if the sweep is late), at the end of office hours. Only
the dossier's own result date counts: a late step inside a dossier still in time needs no apology. The officer records the apology with the date
they decide, which completes the draft.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse

from motcua.core.selectors import site_calendar
from motcua.dossiers.due_fields import DueState
from motcua.dossiers.models import Dossier
from motcua.notifications.models import ApologyDraft, ChannelKind
from motcua.notifications.services import notification_create

DEFAULT_EXTRA_DAYS = 5


def proposed_new_date(since: datetime, calendar=None) -> datetime:
    calendar = calendar or site_calendar()
    days = int(settings.SITE.extra.get("apology_extra_days", DEFAULT_EXTRA_DAYS))
    day = calendar.add_working_days(calendar.local(since).date(), days)
    return calendar.end_of_day(day)


def apology_drafts_prepare(*, ids, now: datetime) -> int:
    """Prepare a draft for each overdue dossier of *ids* that has none for its
    current deadline; runs in the sweep batch's transaction. Returns how many were prepared."""
    existing = ApologyDraft.objects.filter(dossier=OuterRef("pk"), due_at=OuterRef("due_at"))
    rows = Dossier.objects.filter(
        due_state=DueState.OVERDUE,
        due_at__lt=now,  # the dossier's own result date passed, not only a step's
        apology_due_at__isnull=True,
        is_training=False,
        pk__in=list(ids),
    ).filter(~Exists(existing))
    calendar = site_calendar()
    drafts = [
        ApologyDraft(
            dossier_id=pk,
            due_at=due_at,
            proposed_due_at=proposed_new_date(max(due_at, now), calendar),
            created_at=now,
        )
        for pk, due_at in rows.values_list("pk", "due_at")
    ]
    if not drafts:
        return 0
    ApologyDraft.objects.bulk_create(drafts, ignore_conflicts=True)
    written = ApologyDraft.objects.filter(
        created_at=now, dossier_id__in=[d.dossier_id for d in drafts]
    )
    made = written.count()
    # only the assignee of the current step is told: drafts without one are not read
    for draft in written.filter(dossier__current_step__assignee__isnull=False).select_related(
        "dossier__procedure", "dossier__current_step__assignee"
    ):
        dossier = draft.dossier
        step = dossier.current_step
        if step is not None and step.assignee_id:
            notification_create(
                key=f"apology-draft:{draft.pk}",
                event="apology_draft",
                channel=ChannelKind.DESK,
                recipient=step.assignee,
                context={
                    "code": dossier.code,
                    "applicant_name": dossier.applicant_name,
                    "procedure": dossier.procedure.name,
                    "due_at": dossier.due_at,
                    "new_due_at": draft.proposed_due_at,
                },
                dossier_id=dossier.pk,
                link=reverse("desk:act", args=[dossier.pk, "apologize"]),
                now=now,
            )
    return made


def apology_drafts_complete(*, dossier, now: datetime) -> int:
    """Mark the open drafts of *dossier* completed (called when the apology is recorded)."""
    return ApologyDraft.objects.filter(dossier=dossier, completed_at__isnull=True).update(
        completed_at=now
    )
