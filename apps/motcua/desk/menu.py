"""Sidebar items of the desk, for the lead to merge into ``config/unfold.py``'s navigation.

Usage there::

    from motcua.desk.menu import DESK_NAVIGATION
    UNFOLD["SIDEBAR"]["navigation"].insert(0, DESK_NAVIGATION)
"""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from motcua.reports.menu import REPORTS_MENU


def _staff(request) -> bool:
    from motcua.units.desk_access import may_enter_desk

    return may_enter_desk(request.user)


def _receives(request) -> bool:
    from motcua.desk.selectors import reception_units

    return _staff(request) and reception_units(user=request.user).exists()


DESK_MENU = [
    {
        "title": _("Hồ sơ cần xử lý"),
        "icon": "inbox",
        "link": reverse_lazy("desk:worklist"),
        "permission": _staff,
    },
    {
        "title": _("Hồ sơ trực tuyến chờ tiếp nhận"),
        "icon": "cloud_download",
        "link": reverse_lazy("desk:intake"),
        "permission": _staff,
    },
    {
        "title": _("Tiếp nhận hồ sơ"),
        "icon": "how_to_reg",
        "link": reverse_lazy("desk:counter"),
        "permission": _receives,
    },
    {
        "title": _("Tra cứu hồ sơ"),
        "icon": "search",
        "link": reverse_lazy("desk:search"),
        "permission": _staff,
    },
    *REPORTS_MENU,
]

DESK_NAVIGATION = {"title": _("Một cửa"), "collapsible": False, "items": DESK_MENU}
