"""The role permission page's rules: which rights of which objects each role holds.

Rights are Django permissions of a role's group: ``view``, ``add``, ``change``, ``delete`` (Django's
own), ``export`` (``export_<model>``, checked by the desk's XLSX/CSV export through
``IMPORT_EXPORT_EXPORT_PERMISSION_CODE``) and ``print`` (``dossiers.print_dossier``, checked by
every print view: forms 01–07, the ledger, the result and signed copies). A role reads at a scope
that is data (:class:`~motcua.security.models.RoleScope`): its unit, its unit and the units below,
or the whole site. Every change is recorded in the security log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.roles import Role
from motcua.security.models import RoleScope, SecurityEventKind
from motcua.security.services import security_event_record
from motcua.units.models import Membership, MembershipScope, shipped_scope_for

RIGHTS = ("view", "add", "change", "delete", "export", "print")
RIGHT_LABELS = {
    "view": _("Xem"),
    "add": _("Thêm"),
    "change": _("Sửa"),
    "delete": _("Xóa"),
    "export": _("Xuất tệp"),
    "print": _("In"),
}
#: Apps whose objects the page lists (history tables are read through their object).
APPS = ("units", "procedures", "dossiers", "printing", "integrations", "portal", "core", "jobs")


@dataclass(frozen=True)
class ObjectRow:
    content_type: ContentType
    label: str
    app: str  # the app's name in words ("Hồ sơ"), not its code ("dossiers")
    permissions: dict[str, Permission | None]  # right → permission (None: the right does not exist)


def role_scope(group: Group) -> str:
    """Return the scope code (``unit``, ``subtree``, ``all``) *group* reads at: its row of
    :class:`RoleScope`, or the shipped default for a group without one."""
    stored = RoleScope.objects.filter(group=group).values_list("scope", flat=True).first()
    return stored or shipped_scope_for(group.name)


def role_scope_label(group: Group) -> str:
    """Return the scope a role reads at, in words (a citizen reads only their own dossiers)."""
    if group.name == Role.CITIZEN:
        return str(_("Hồ sơ của chính mình"))
    return str(MembershipScope(role_scope(group)).label)


def role_scope_update(*, group: Group, scope: str, actor, request=None) -> dict:
    """Set the scope *group* reads at; its memberships that had the old scope follow, one given
    another scope by hand keeps it. Recorded in the security log with the number of memberships
    changed. A citizen's scope is not a unit scope and cannot be set."""
    if scope not in MembershipScope.values:
        raise ValidationError(_("Phạm vi không hợp lệ."))
    if group.name == Role.CITIZEN:
        raise ValidationError(_("Công dân, tổ chức chỉ xem hồ sơ của chính mình."))
    with transaction.atomic():
        old = role_scope(group)
        if old == scope:
            return {}
        RoleScope.objects.update_or_create(group=group, defaults={"scope": scope})
        followed = Membership.objects.filter(role=group, scope=old).update(scope=scope)
        change = {"role": group.name, "scope": {"from": old, "to": scope}, "memberships": followed}
        role_change_record(group, change, actor, request)
    return change


def object_rows() -> list[ObjectRow]:
    """Return every object of the matrix with its permissions, in app then name order."""
    types = [
        ct
        for ct in ContentType.objects.filter(app_label__in=[*APPS, "auth"]).order_by(
            "app_label", "model"
        )
        if not ct.model.startswith("historical")
        and (ct.app_label != "auth" or ct.model in ("user", "group"))
    ]
    by_type: dict[int, dict[str, Permission]] = {}
    for permission in Permission.objects.filter(content_type__in=types):
        right = permission.codename.split("_", 1)[0]
        by_type.setdefault(permission.content_type_id, {})[right] = permission
    rows = []
    for ct in types:
        model = ct.model_class()
        label = str(model._meta.verbose_name) if model else ct.model
        perms = by_type.get(ct.pk, {})
        app = str(apps.get_app_config(ct.app_label).verbose_name)
        rows.append(ObjectRow(ct, label, app, {right: perms.get(right) for right in RIGHTS}))
    return rows


def role_permissions_update(*, group: Group, chosen_ids: set[int], actor, request=None) -> dict:
    """Set the role's permissions among those the page shows; record the difference."""
    shown = {p.pk for row in object_rows() for p in row.permissions.values() if p is not None}
    chosen = chosen_ids & shown
    with transaction.atomic():
        current = set(group.permissions.filter(pk__in=shown).values_list("pk", flat=True))
        added, removed = chosen - current, current - chosen
        if added:
            group.permissions.add(*added)
        if removed:
            group.permissions.remove(*removed)
        change = {
            "role": group.name,
            "added": sorted(
                Permission.objects.filter(pk__in=added).values_list("codename", flat=True)
            ),
            "removed": sorted(
                Permission.objects.filter(pk__in=removed).values_list("codename", flat=True)
            ),
        }
        if added or removed:
            role_change_record(group, change, actor, request)
    return change


def role_change_record(group: Group, change: dict, actor, request) -> None:
    """One role change in the security log, by every page that changes a role (this page, the
    desk's group page). The role is in ``data["role"]`` (its stable code, shown by its label:
    :mod:`motcua.security.log_display`); the account columns stay empty, a role is no account."""
    security_event_record(
        kind=SecurityEventKind.ROLE_PERMISSION_CHANGE,
        actor=actor,
        request=request,
        data={"role": group.name, **change},
    )
