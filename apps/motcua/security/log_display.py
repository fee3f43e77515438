"""How an event of the security log reads for the auditor: who acted, on what, what changed.

The log keeps codes (a role's stable code, permission code names) so that it survives a
relabelling; the page shows them in words. A role change names the role by its Vietnamese label
("Vai trò: Văn thư"), never by its code, and the acting person by name and login, because the log
is read by the site administrator and auditors, who know people and roles by name (docs/SECURITY.md,
"Logins and sessions": every access change is recorded and visible to the site administrator).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.utils.translation import gettext as _

from motcua.core.people import person_name
from motcua.core.roles import role_label
from motcua.security.models import SecurityEvent, SecurityEventKind
from motcua.units.models import MembershipScope


def _person(user, username: str = "") -> str:
    """ "Trần Thị Hoa (qt_tinh)"; the login alone when no name is set or the account is gone."""
    if user is None:
        return username or "—"
    name, login = person_name(user), user.get_username()
    return f"{name} ({login})" if name != login else login


def event_subject(event: SecurityEvent) -> str:
    """What the event is about: the role (by its label) for a role change, else the account."""
    if event.kind == SecurityEventKind.ROLE_PERMISSION_CHANGE:
        code = (event.data or {}).get("role") or event.username
        return _("Vai trò: %(role)s") % {"role": role_label(code)}
    return _person(event.user, event.username)


def event_actor(event: SecurityEvent) -> str:
    """Who made the change; empty for the events a person does to themselves (login, logout)."""
    return _person(event.actor) if event.actor_id else ""


def _scope_label(code: str) -> str:
    return str(MembershipScope(code).label) if code in MembershipScope.values else code


def _rights_in_words(codenames: list[str]) -> str:
    """``["add_unit"]`` → "Thêm Đơn vị hành chính": the page's right label and the object's name."""
    from motcua.security.roles import RIGHT_LABELS

    by_code = {
        p.codename: p
        for p in Permission.objects.filter(codename__in=codenames).select_related("content_type")
    }
    words = []
    for code in codenames:
        permission = by_code.get(code)
        model = permission.content_type.model_class() if permission else None
        right = RIGHT_LABELS.get(code.split("_", 1)[0])
        if model is None or right is None:
            words.append(code)
        else:
            words.append(f"{right} {model._meta.verbose_name}")
    return ", ".join(words)


def event_summary(event: SecurityEvent) -> str:
    """The change in words for a role change (rights added and removed, or the new scope)."""
    data = event.data or {}
    if event.kind != SecurityEventKind.ROLE_PERMISSION_CHANGE:
        return ""
    if "scope" in data:
        return _("Phạm vi xem: %(old)s → %(new)s (%(n)s phân công theo)") % {
            "old": _scope_label(data["scope"].get("from", "")),
            "new": _scope_label(data["scope"].get("to", "")),
            "n": data.get("memberships", 0),
        }
    parts = []
    if data.get("added"):
        parts.append(_("Thêm quyền: %(rights)s") % {"rights": _rights_in_words(data["added"])})
    if data.get("removed"):
        parts.append(_("Bỏ quyền: %(rights)s") % {"rights": _rights_in_words(data["removed"])})
    return "; ".join(parts)
