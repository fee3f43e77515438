"""Who may take which action on a dossier: role, unit scope and the step's config.

Rules, each enforced by :func:`dossier_action_check`:

1. Reception actions (receive, accept, refuse at intake, return the result) belong to a reception
   officer of the dossier's current unit or of the unit that received it: a boundary-free dossier
   (NĐ 118/2025) is received at one centre for another unit's decision, and its result goes back
   through the counter that received it. A counter reception itself belongs to the receiving
   unit's reception officers. An online submission (``receive`` on the online channel) is open to
   anybody: the portal limits its rate and a reception officer checks it at intake.
2. Workflow actions (forward, approve, consult, issue, supplement request, suspend, refuse, stop,
   transfer, apology …) need (a) the action to be offered by the current step's configuration and
   (b) a role the step allows, held in the step's unit (directly, or through a subtree membership
   of an ancestor — so a leader of the parent unit may act where the step allows leaders). When the
   step is assigned, only the assignee, the assignee's delegate ("B on behalf of A") or a unit
   leader of that unit may act.
3. A consultation is answered by the officer it names or, when it names nobody, by a staff member
   of the consulted unit itself: an active membership in that unit in a working role. A subtree
   membership of an ancestor does not speak for the consulted agency (the city's leader does not
   answer for the Sở), and supervisors (read-only) and citizens never answer.
4. The applicant (citizen account) may withdraw, supplement and choose how to receive the result
   of their own dossier; a reception officer may record any of these on the citizen's behalf.
5. Closing training dossiers belongs to administrators.
6. A dossier without an account may be linked to a citizen account (not staff) once; proving the
   code plus phone or ID number is the caller's duty (the portal's lookup).

A refused check raises :class:`ActionForbidden` with a Vietnamese message and changes nothing.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.lifecycle import CITIZEN_ACTIONS, LIFECYCLE, RECEPTION_ACTIONS, Taker
from motcua.core.people import person_name
from motcua.core.roles import Role
from motcua.dossiers.states import Action
from motcua.units.selectors import user_memberships, user_roles_in_unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from motcua.dossiers.models import Consultation, Dossier
    from motcua.units.models import Unit

    #: Who asks: an officer, a citizen, or nobody logged in.
    AnyUser: TypeAlias = User | AnonymousUser


class ActionForbidden(PermissionDenied):
    """The person may not take this action on this dossier now."""


@dataclass(frozen=True)
class Actor:
    """Who acts, and on whose behalf when working under a delegation."""

    user: object
    on_behalf_of: object | None = None


def delegators_of(user: User) -> set[int]:
    from motcua.dossiers.models import Delegation

    today = timezone.localdate()
    return set(
        Delegation.objects.filter(
            delegate=user, starts_on__lte=today, ends_on__gte=today
        ).values_list("delegator_id", flat=True)
    )


#: The roles read while :func:`dossier_available_actions` checks every action of one dossier:
#: the same (user, unit) question would otherwise be asked once per action.
_ROLES_SEEN: ContextVar[dict[tuple[int | None, int], set[str]] | None] = ContextVar(
    "dossier_roles_seen", default=None
)


def _roles_in(user: AnyUser, unit: Unit) -> set[str]:
    seen = _ROLES_SEEN.get()
    if seen is None:
        return user_roles_in_unit(user=user, unit=unit)
    key = (user.pk, unit.pk)
    if key not in seen:
        seen[key] = user_roles_in_unit(user=user, unit=unit)
    return seen[key]


def _require_roles(user: AnyUser, unit: Unit, allowed: set[str]) -> set[str]:
    held = _roles_in(user, unit)
    if not held & allowed:
        raise ActionForbidden(
            _("Bạn không có vai trò được phép thực hiện thao tác này tại %(unit)s.")
            % {"unit": unit}
        )
    return held


#: Roles that may not answer a consultation for their unit (rule 3).
_NOT_ANSWERING = frozenset({Role.CITIZEN, Role.SUPERVISOR})


def consultation_for(*, user: User, step_id: int | None) -> Consultation | None:
    """Return the open consultation of the step that *user* may answer (rule 3), or None."""
    from motcua.dossiers.models import Consultation
    from motcua.units.models import Membership

    if step_id is None:
        return None
    remembered = user_memberships(user)
    if remembered is not None:
        staff_units = {row[0] for row in remembered if row[3] not in _NOT_ANSWERING}
    else:
        staff_units = set(
            Membership.objects.filter(user=user, is_active=True)
            .exclude(role__name__in=list(_NOT_ANSWERING))
            .values_list("unit_id", flat=True)
        )
    open_ones = Consultation.objects.filter(step_id=step_id, answered_at=None).order_by("pk")
    for consultation in open_ones.select_related("unit"):
        if consultation.officer_id == user.pk or (
            consultation.officer_id is None and consultation.unit_id in staff_units
        ):
            return consultation
    return None


def dossier_action_check(*, user: AnyUser, dossier: Dossier, action: Action) -> Actor:
    """Return the :class:`Actor` if *user* may take *action* on *dossier* now, else raise.

    *dossier* may be unsaved (``receive`` checks the dossier being created).
    """
    from motcua.dossiers.models import Channel

    takers = LIFECYCLE[action].takers  # who may take it, as declared in core/lifecycle.py
    creates = not LIFECYCLE[action].sources
    if creates and dossier.channel == Channel.ONLINE:
        return Actor(user)  # the public portal: anybody may submit, intake checks it
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ActionForbidden(_("Bạn cần đăng nhập để thực hiện thao tác này."))
    if creates and Taker.RECEPTION in takers:
        if Role.RECEPTION_OFFICER in _roles_in(user, dossier.unit):
            return Actor(user)
        raise ActionForbidden(
            _("Chỉ cán bộ một cửa của %(unit)s được tiếp nhận hồ sơ.") % {"unit": dossier.unit}
        )
    if Taker.ADMINISTRATOR in takers:
        if user.is_superuser or Role.ADMINISTRATOR in _roles_in(user, dossier.unit):
            return Actor(user)
        raise ActionForbidden(_("Chỉ quản trị hệ thống được đóng hồ sơ tập huấn."))
    if action in CITIZEN_ACTIONS and dossier.applicant_user_id == user.pk:
        return Actor(user)
    if action == Action.LINK_ACCOUNT:
        if dossier.applicant_user_id is None and not user.is_staff:
            return Actor(user)
        raise ActionForbidden(_("Hồ sơ này đã được gắn với một tài khoản."))
    if action in RECEPTION_ACTIONS or action in CITIZEN_ACTIONS or dossier.current_step_id is None:
        if Taker.RECEPTION not in takers:
            raise ActionForbidden(_("Hồ sơ chưa được chuyển vào quy trình xử lý."))
        if dossier.unit_id != dossier.current_unit_id and Role.RECEPTION_OFFICER in (
            _roles_in(user, dossier.unit)
        ):
            return Actor(user)  # the counter that received it (rule 1)
        _require_roles(user, dossier.current_unit, {Role.RECEPTION_OFFICER})
        return Actor(user)
    if Taker.CONSULTED in takers:
        if consultation_for(user=user, step_id=dossier.current_step_id) is not None:
            return Actor(user)
        raise ActionForbidden(_("Bạn không thuộc đơn vị được xin ý kiến cho hồ sơ này."))
    step = dossier.current_step
    assert step is not None  # current_step_id was checked above
    if action not in step.actions:
        raise ActionForbidden(
            _("Bước “%(step)s” không cho phép thao tác “%(action)s”.")
            % {"step": step.name, "action": Action(action).label}
        )
    held = _require_roles(user, step.unit, set(step.roles))
    if step.assignee_id is None or step.assignee_id == user.pk or Role.UNIT_LEADER in held:
        return Actor(user)
    if step.assignee_id in delegators_of(user):
        return Actor(user, on_behalf_of=step.assignee)
    raise ActionForbidden(
        _("Hồ sơ đang được giao cho %(name)s xử lý.") % {"name": person_name(step.assignee)}
    )


def dossier_available_actions(*, user: AnyUser, dossier: Dossier) -> list[Action]:
    """Return the actions *user* may take on *dossier* right now (for the action buttons)."""
    from motcua.dossiers.transitions import actions_from

    allowed = []
    from motcua.dossiers.guards import guard_problem

    token = _ROLES_SEEN.set({})  # one page's checks: the roles cannot change in between
    try:
        for action in actions_from(dossier.status):
            try:
                dossier_action_check(user=user, dossier=dossier, action=action)
            except ActionForbidden:
                continue
            if guard_problem(dossier=dossier, action=action):
                continue  # the service would refuse it (core/lifecycle.Guard)
            allowed.append(action)
    finally:
        _ROLES_SEEN.reset(token)
    return allowed
