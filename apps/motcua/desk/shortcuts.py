"""Render desk pages inside django-unfold's admin layout (same look, header and sidebar)."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse


def desk_render(request, template_name: str, context: dict | None = None, *, status: int = 200):
    """Return a TemplateResponse with the admin site's context (sidebar, branding, user links).

    ``admin.site`` is read at call time: unfold swaps in its own site when the app registry is
    ready. Context keys ``opts``, ``object`` and ``original`` are avoided by desk views because
    unfold's header builds admin breadcrumbs from them.
    """
    site = admin.site
    request.current_app = site.name
    return TemplateResponse(
        request, template_name, {**site.each_context(request), **(context or {})}, status=status
    )
