"""Pauses of the processing clock: supplement requested (form 02) and suspension.

A pause stops the clock; when it ends, the dossier's and the open step's due moments are
recomputed from their start with every closed pause (``services/deadlines.py``).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import uploads
from motcua.core.roles import Role
from motcua.dossiers.models import Dossier, DossierDocument, DossierPause, PauseKind
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.services.deadlines import dossier_recompute_deadlines
from motcua.dossiers.services.engine import DossierError, _perform, _require
from motcua.dossiers.states import Action, Status
from motcua.units.selectors import user_roles_in_unit


def _pause(d: Dossier, kind: str, moment: datetime, reason: str) -> None:
    d.paused_from = d.status
    DossierPause.objects.create(dossier=d, kind=kind, started_at=moment, reason=reason)


def _resume(d: Dossier, moment: datetime) -> dict:
    pause = d.pauses.filter(ended_at=None).order_by("-started_at").first()
    if pause is not None:
        pause.ended_at = moment
        pause.save(update_fields=["ended_at"])
    old_due = d.due_at
    dossier_recompute_deadlines(dossier=d)
    d.paused_from = ""
    return {
        "due_before": timezone.localtime(old_due).isoformat() if old_due else None,
        "due_after": timezone.localtime(d.due_at).isoformat() if d.due_at else None,
    }


def dossier_request_supplement(
    *, dossier, user, items: list[str], note="", expected_version=None, override: bool = False
) -> Dossier:
    """Ask the citizen to supplement (form 02); the clock stops until they do.

    At most once per dossier while it is processed; a second request needs a unit leader's
    override and makes the dossier count as late (QĐ 766 §2.1). Guidance at intake (an online
    dossier not yet received, its clock not started) is not counted.
    """
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DossierError(_("Cần liệt kê giấy tờ, nội dung phải bổ sung."))

    def change(d, actor, moment):
        at_intake = d.status == Status.SUBMITTED
        if d.supplement_count >= 1 and not at_intake:
            if not override:
                raise DossierError(
                    _(
                        "Hồ sơ đã được yêu cầu bổ sung một lần; lần tiếp theo cần "
                        "lãnh đạo đơn vị đồng ý và sẽ bị tính là trễ hạn."
                    )
                )
            if Role.UNIT_LEADER not in user_roles_in_unit(user=user, unit=d.current_unit):
                raise ActionForbidden(_("Chỉ lãnh đạo đơn vị được yêu cầu bổ sung lần thứ hai."))
            d.late_by_rule = True
        if not at_intake:  # guidance before reception is not a request of processing
            d.supplement_count += 1
        d.supplement_items = items
        _pause(d, PauseKind.SUPPLEMENT, moment, "; ".join(items))
        return {"items": items, "count": d.supplement_count}

    # The event note is what the applicant's notice carries: it must name the items.
    listed = "; ".join(items)
    text = f"{listed}. {note.strip()}" if (note or "").strip() else listed
    return _perform(
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        user=user,
        expected_version=expected_version,
        note=text,
        change=change,
    )


def dossier_supplement(
    *, dossier, user, files: dict | None = None, note="", expected_version=None
) -> Dossier:
    """The citizen (or the counter on their behalf) supplements; the clock restarts."""

    def change(d, actor, moment):
        for name, upload in (files or {}).items():
            DossierDocument.objects.create(
                dossier=d,
                name=name,
                **uploads.stored_fields(upload),
                received=True,
                is_supplement=True,
                is_mandatory=False,
            )
        return _resume(d, moment)

    return _perform(
        dossier=dossier,
        action=Action.SUPPLEMENT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def dossier_suspend(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """Suspend processing (e.g. waiting for the tax office); the clock stops."""
    _require(reason, _("Cần ghi rõ lý do tạm dừng."))
    return _perform(
        dossier=dossier,
        action=Action.SUSPEND,
        user=user,
        expected_version=expected_version,
        note=reason,
        change=lambda d, a, m: _pause(d, PauseKind.SUSPEND, m, reason),
    )


def dossier_resume(*, dossier, user, note="", expected_version=None) -> Dossier:
    """Resume a suspended dossier; its due moments move later by the paused office time."""
    return _perform(
        dossier=dossier,
        action=Action.RESUME,
        user=user,
        expected_version=expected_version,
        note=note,
        change=lambda d, a, m: _resume(d, m),
    )
