"""The role permission page's rules: which rights of which objects each role holds.

Rights are Django permissions of a role's group: ``view``, ``add``, ``change``, ``delete`` (Django's
own) and ``export`` (``export_<model>``, checked by the desk's XLSX/CSV export through
``IMPORT_EXPORT_EXPORT_PERMISSION_CODE``). A role reads at the scope its memberships give it: its
unit, or its unit and the units below (leaders, supervisors, administrators), or the whole site
(the site administrator). Every change is recorded in the security log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.roles import SUBTREE_ROLES, Role
from motcua.security.models import SecurityEventKind
from motcua.security.services import security_event_record

RIGHTS = ("view", "add", "change", "delete", "export")
RIGHT_LABELS = {
    "view": _("Xem"),
    "add": _("Thêm"),
    "change": _("Sửa"),
    "delete": _("Xóa"),
    "export": _("Xuất tệp"),
}
#: Apps whose objects the page lists (history tables are read through their object).
APPS = ("units", "procedures", "dossiers", "printing", "integrations", "portal", "core", "jobs")


@dataclass(frozen=True)
class ObjectRow:
    content_type: ContentType
    label: str
    permissions: dict[str, Permission | None]  # right → permission (None: the right does not exist)


def role_scope_label(group: Group) -> str:
    """Return the scope a role reads at by default (memberships may narrow it)."""
    if group.name == Role.ADMINISTRATOR:
        return str(_("Toàn hệ thống"))
    if group.name in SUBTREE_ROLES:
        return str(_("Đơn vị và các đơn vị trực thuộc"))
    if group.name == Role.CITIZEN:
        return str(_("Hồ sơ của chính mình"))
    return str(_("Đơn vị"))


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
        rows.append(ObjectRow(ct, label, {right: perms.get(right) for right in RIGHTS}))
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
            security_event_record(
                kind=SecurityEventKind.ROLE_PERMISSION_CHANGE,
                actor=actor,
                username=group.name,
                request=request,
                data=change,
            )
    return change
