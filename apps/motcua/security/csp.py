"""The Content-Security-Policy header (django-csp), built once per policy instead of per response.

Rule: every response carries the site's policy (``settings.CONTENT_SECURITY_POLICY``) and, when
one is configured, the report-only policy, exactly as django-csp's ``CSPMiddleware`` writes them:
not over a header the view set itself (the sandboxed print preview), not on a response marked
exempt, not under ``EXCLUDE_URL_PREFIXES``, nothing on Django's debug 404/500 pages.

django-csp rebuilds both policies from the settings on every response (two ``build_policy``
calls, about 15 % of a page served from the public page cache). A policy without per-view
changes (``@csp_update``, ``@csp_replace``, ``@csp``) and without a nonce is the same string for
every response, so it is built once per process and again only when the settings change (tests
that override them). A response with a per-view change or a request that used ``csp_nonce``
goes through django-csp unchanged.
"""

from __future__ import annotations

import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_OVERRIDES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "DEBUG")
_DEBUG_CODES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)
#: (header, policy, excluded prefixes, exempt attribute) for the policy and the report-only one.
_built: list[tuple[str, str, tuple[str, ...], str]] | None = None


def _prefixes(setting: str) -> tuple[str, ...]:
    policy = getattr(settings, setting, None) or {}
    return tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())


def site_policies() -> list[tuple[str, str, tuple[str, ...], str]]:
    """The site's headers as django-csp builds them without per-view changes and nonce."""
    global _built
    if _built is None:
        _built = [
            (HEADER, build_policy(), _prefixes("CONTENT_SECURITY_POLICY"), "_csp_exempt"),
            (
                HEADER_REPORT_ONLY,
                build_policy(report_only=True),
                _prefixes("CONTENT_SECURITY_POLICY_REPORT_ONLY"),
                "_csp_exempt_ro",
            ),
        ]
    return _built


@receiver(setting_changed)
def _forget_policies(*, setting, **_kwargs) -> None:
    global _built
    if setting in _SETTINGS:
        _built = None


class CSPMiddleware(_DjangoCSPMiddleware):
    """django-csp's middleware with the site's policy strings built once (module docstring)."""

    def process_response(self, request, response):
        if isinstance(getattr(request, "_csp_nonce", None), str) or any(
            getattr(response, name, None) is not None for name in _OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_CODES and settings.DEBUG:
            return response
        path = request.path_info
        for header, policy, prefixes, exempt in site_policies():
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not path.startswith(prefixes)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error, not a no-op.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
