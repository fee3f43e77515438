"""The site's public address, for every link that leaves the site: PDFs (QR codes) and messages.

``public_url`` in ``site_config.toml`` (``https://dichvucong.haiphong.gov.vn``) is the address
citizens reach the portal at. A link in a printed form or an e-mail is read later, elsewhere, so it
never uses the host a request happened to come in through (behind a proxy that is the application
server's own port, ``127.0.0.1:8000``): the configured address first; without one, the request's
host; without a request either (a job), the development address :data:`DEFAULT_PUBLIC_URL`.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def configured_public_url() -> str:
    """Return the site's configured public URL without a trailing slash ("" when unset)."""
    site = getattr(settings, "SITE", None)
    return str((site and site.extra.get("public_url")) or "").rstrip("/")


def public_url(request=None) -> str:
    """Return the base URL of links leaving the site (see the module docstring)."""
    configured = configured_public_url()
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return DEFAULT_PUBLIC_URL


def public_link(path: str, request=None) -> str:
    """Return the absolute link of *path* (``/tra-cuu/…``) on the site's public address."""
    return f"{public_url(request)}/{path.lstrip('/')}"
