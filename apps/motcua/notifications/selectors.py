"""Reads for the desk: a person's notifications and a dossier's escalations."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.notifications.models import ChannelKind, EscalationFiring, Notification


def desk_notifications(*, user) -> QuerySet[Notification]:
    """The in-desk notifications addressed to *user*, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user, channel=ChannelKind.DESK).select_related(
        "dossier"
    )


def unread_count(*, user) -> int:
    return desk_notifications(user=user).filter(read_at__isnull=True).count()


def dossier_escalations(*, dossier) -> QuerySet[EscalationFiring]:
    """The firings of one dossier with who was told, when and how (the dossier page's panel).

    The caller has already read the dossier through ``dossiers_visible``.
    """
    return (
        EscalationFiring.objects.filter(dossier=dossier)
        .select_related("level")
        .prefetch_related("notifications__recipient")
        .order_by("-fired_at", "-pk")
    )


def staff_editable_by(user) -> QuerySet:
    """The staff whose contact details *user* may edit: everyone for a superuser, else the
    active members of the units (and sub-units) *user* administers."""
    from django.contrib.auth import get_user_model

    from motcua.core.roles import Role
    from motcua.units.models import Membership
    from motcua.units.selectors import units_in_scope

    users = get_user_model().objects.all()
    if getattr(user, "is_superuser", False):
        return users
    administered = units_in_scope(user=user, roles=[Role.ADMINISTRATOR])
    members = Membership.objects.filter(unit__in=administered.values("pk"), is_active=True)
    return users.filter(pk__in=members.values("user_id"))
