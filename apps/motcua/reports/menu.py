"""Sidebar items of the reporting side (added to the desk's menu)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def _staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


REPORTS_MENU = [
    {
        "title": _("Thống kê, đánh giá"),
        "icon": "monitoring",
        "link": reverse_lazy("reports:dashboard"),
        "permission": _staff,
    },
    {
        "title": _("Báo cáo tùy chọn"),
        "icon": "table_view",
        "link": reverse_lazy("reports:builder"),
        "permission": _staff,
    },
]
