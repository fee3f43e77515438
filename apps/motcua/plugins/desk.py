"""The desk's sidebar group of the enabled plugins' menu entries (hook ``desk_menu``)."""

from __future__ import annotations

import copy

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def _staff(request) -> bool:
    return request.user.is_active and request.user.is_staff


def with_plugin_menu(unfold: dict, plugins) -> dict:
    """Return *unfold* with one "Tiện ích mở rộng" group holding every plugin's entries.

    Each entry is ``{"title", "icon", "url_name"}``; entries are shown to staff only, and the view
    behind the URL must still check its own rights (the menu hides, it does not protect).
    """
    items = [
        {
            "title": entry["title"],
            "icon": entry.get("icon", "extension"),
            "link": reverse_lazy(entry["url_name"]),
            "permission": _staff,
        }
        for plugin in plugins
        for entry in plugin.get("desk_menu", [])
    ]
    if not items:
        return unfold
    result = copy.copy(unfold)
    sidebar = dict(result["SIDEBAR"])
    sidebar["navigation"] = [
        *sidebar["navigation"],
        {"title": _("Tiện ích mở rộng"), "collapsible": True, "items": items},
    ]
    result["SIDEBAR"] = sidebar
    return result
