"""Sidebar group of notifications, the ladder and background jobs (in ``config/unfold.py``)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def _staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


def _administrator(request) -> bool:
    """Asked once per item of the sidebar: answered once per request."""
    from motcua.notifications.admin import is_administrator

    if "_motcua_notifications_admin" not in request.__dict__:
        request.__dict__["_motcua_notifications_admin"] = _staff(request) and is_administrator(
            request.user
        )
    return request.__dict__["_motcua_notifications_admin"]


def _item(title, icon, url_name, permission=_staff):
    return {"title": title, "icon": icon, "link": reverse_lazy(url_name), "permission": permission}


NOTIFICATIONS_NAVIGATION = {
    "title": _("Thông báo, nhắc hạn"),
    "collapsible": True,
    "items": [
        _item(_("Thông báo của tôi"), "notifications", "notifications:inbox"),
        _item(_("Nhận thông báo qua SMS, Zalo"), "contact_phone", "notifications:contact"),
        _item(
            _("Liên lạc của cán bộ"),
            "contacts",
            "admin:notifications_staffcontact_changelist",
            _administrator,
        ),
        _item(
            _("Thông báo đã gửi"), "outgoing_mail", "admin:notifications_notification_changelist"
        ),
        _item(
            _("Cấu hình nhắc hạn"),
            "notification_important",
            "admin:notifications_escalationpolicy_changelist",
            _administrator,
        ),
        _item(
            _("Mẫu thông báo"),
            "edit_note",
            "admin:notifications_notificationtemplate_changelist",
            _administrator,
        ),
        _item(_("Tác vụ nền"), "memory", "jobs:monitor", _administrator),
        _item(_("Các lần quét hạn"), "update", "admin:jobs_sweeprun_changelist", _administrator),
    ],
}
