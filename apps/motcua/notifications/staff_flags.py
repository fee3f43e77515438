"""Desk notices to staff written by a dossier's transition, in its transaction.

* The delegator is told each time a delegate acts for them ("B thay A"): the work done in their
  name is theirs to answer for.
* A step nobody can work (no active officer of its unit holds one of its roles) strands the
  dossier: the administrators of the step's unit — unit administrators of the unit or an
  ancestor, else the site administrators — are told, once per step, to staff the unit or move the
  dossier. Transfers refuse such a landing step up front (``services/processing.py``); this catches
  the others (a member leaving, a workflow edited after the dossier was received).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.core.people import person_name
from motcua.core.roles import Role, role_label
from motcua.dossiers.assignment import step_assignable_officers
from motcua.notifications.models import ChannelKind
from motcua.notifications.services import notification_create
from motcua.units.selectors import unit_ancestors


def _dossier_context(dossier) -> dict:
    return {
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure": dossier.procedure.name,
    }


def delegator_tell(*, dossier, event) -> None:
    """Tell the delegator of *event*'s actor what was done in their name (desk notice)."""
    notification_create(
        key=f"delegate:{event.pk}",
        event="delegate_acted",
        channel=ChannelKind.DESK,
        context={
            **_dossier_context(dossier),
            "delegate": person_name(event.actor),
            "action": str(event.get_action_display()),
            "at": event.created_at,
        },
        recipient=event.on_behalf_of,
        dossier_id=dossier.pk,
        link=reverse("desk:dossier", args=[dossier.pk]),
        now=event.created_at,
    )


def unit_administrators(unit):
    """The active administrators answering for *unit*: its own or an ancestor's unit
    administrators; the site administrators when the unit has none."""
    users = get_user_model().objects.filter(is_active=True)
    units = [unit.pk, *(u.pk for u in unit_ancestors(unit=unit))]
    for role in (Role.UNIT_ADMINISTRATOR, Role.ADMINISTRATOR):
        found = users.filter(
            memberships__unit__in=units,
            memberships__is_active=True,
            memberships__role__name=role,
        ).distinct()
        if found.exists():
            return found.order_by("pk")
    return users.none()


def unstaffed_step_flag(*, dossier, step, now) -> None:
    """Flag *step* to its unit's administrators when no active officer can be assigned it."""
    if step is None or step.assignee_id is not None:
        return  # an assignee was checked assignable when the step opened (services/steps.py)
    if step_assignable_officers(unit=step.unit, roles=step.roles).exists():
        return
    context = {
        **_dossier_context(dossier),
        "step": step.name,
        "unit": step.unit.name,
        "roles": ", ".join(role_label(r) for r in step.roles),
    }
    for person in unit_administrators(step.unit):
        notification_create(
            key=f"unstaffed:{step.pk}:{person.pk}",
            event="step_unstaffed",
            channel=ChannelKind.DESK,
            context=context,
            recipient=person,
            dossier_id=dossier.pk,
            link=reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
            now=now,
        )
