"""System checks for the security settings (``manage.py check``; ``--deploy`` for production).

* ``motcua.security.E001``: the payment sandbox is enabled where the settings refuse it
  (production). An error stops ``migrate``, ``runserver`` and ``check``.
* ``motcua.security.W001``: production without a content security policy.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def check_payment_sandbox(app_configs=None, **kwargs):
    from motcua.integrations.payments.base import (
        SANDBOX,
        ProviderNotConfigured,
        enabled_provider_names,
        sandbox_allowed,
    )

    try:
        enabled = enabled_provider_names()
    except ProviderNotConfigured as exc:
        return [Error(str(exc), id="motcua.security.E002")]
    if SANDBOX in enabled and not sandbox_allowed():
        return [
            Error(
                "The sandbox payment provider is enabled in site_config [payments], but these "
                "settings refuse it: citizens could mark fees paid without paying.",
                hint='Configure a real provider (provider = "vnpay") for this site.',
                id="motcua.security.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs=None, **kwargs):
    from csp.middleware import CSPMiddleware
    from django.utils.module_loading import import_string

    if not any(
        isinstance(cls := import_string(path), type) and issubclass(cls, CSPMiddleware)
        for path in settings.MIDDLEWARE
    ):
        return [Warning("No Content-Security-Policy middleware.", id="motcua.security.W001")]
    return []
