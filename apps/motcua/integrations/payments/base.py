"""The payment-provider interface and the per-site registry of providers.

A site chooses its provider in ``site_config.toml``::

    [payments]
    provider = "vnpay"                 # the provider citizens pay with; none: no online payment
    enabled = ["vnpay", "sandbox"]     # optional: other providers whose pages and callbacks work
    tmn_code = "DEMO0001"              # options of the chosen provider ...
    payment_url = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    # [payments.sandbox]               # ... or per provider, in a sub-table named after it

The sandbox (a "paid" button, no money) exists only where the site config names it explicitly, and
never where ``MOTCUA_PAYMENT_SANDBOX_ALLOWED`` is off (production settings): there the registry
refuses it and the system check ``motcua.security.E001`` stops ``migrate``/``runserver``/``check``.

Secrets never live in that file: VNPay's hash secret comes from ``MOTCUA_VNPAY_HASH_SECRET``. A
provider only *reads* a callback (:meth:`PaymentProvider.verify_return`); deciding what the
callback changes belongs to ``motcua.integrations.services.payment_confirm`` (and
``payment_ipn`` for a server-to-server notification), shared by all. Providers import no service,
so services may import providers and not the other way round.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from motcua.integrations.models import Payment

#: Providers known to the code (name → class path), from every active plugin's
#: ``payment_providers`` hook (the core's: ``motcua.integrations.hooks``); a site's ``[payments]``
#: enables some of them.
PROVIDER_CLASSES: dict[str, str] = {}
SANDBOX = "sandbox"

#: Vietnamese gateways stamp their dates in GMT+7, whatever the site's own time zone.
GATEWAY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class ProviderNotConfigured(Exception):
    """The provider is unknown, not enabled on this site, or lacks a setting (one line)."""


@dataclass(frozen=True)
class CallbackResult:
    """What a provider read from a callback; ``signature_valid`` says whether to trust the rest."""

    provider: str
    signature_valid: bool
    order_ref: str = ""
    amount: Decimal | None = None  # in đồng; None when missing or malformed
    paid: bool = False
    cancelled: bool = False
    response_code: str = ""
    provider_txn_no: str = ""
    bank_code: str = ""
    pay_date: datetime | None = None
    params: dict[str, str] = field(default_factory=dict)


class PaymentProvider(ABC):
    """One payment gateway. Subclasses set ``name`` and implement URL building and verification."""

    name: ClassVar[str]
    label: ClassVar[str]
    #: Whether the browser's return callback may confirm the payment. VNPay's protocol says the
    #: return URL only shows the result and the server-to-server IPN updates the order; the sandbox
    #: has no IPN, so its signed return confirms.
    confirms_on_return: ClassVar[bool] = False

    def __init__(self, options: Mapping[str, Any] | None = None):
        self.options = dict(options or {})

    @abstractmethod
    def create_payment_url(self, *, payment: Payment, return_url: str, client_ip: str) -> str:
        """Return the URL of the provider's payment page for *payment*."""

    @abstractmethod
    def verify_return(self, params: Mapping[str, str]) -> CallbackResult:
        """Check the signature of a callback and read it; never raise on bad input."""

    def verify_ipn(self, params: Mapping[str, str]) -> CallbackResult:
        """Read a server-to-server notification; same signing as the return by default."""
        return self.verify_return(params)

    def ipn_response(self, verdict: str) -> dict[str, str]:
        """Return the body the provider expects in answer to an IPN with this *verdict*."""
        return {"verdict": verdict}


def canonical_query(params: Mapping[str, Any]) -> str:
    """Return ``k1=v1&k2=v2…`` sorted by key, values form-encoded (space → ``+``).

    This is the exact string VNPay signs (its merchant samples use PHP ``urlencode`` / Python
    ``quote_plus``); the sandbox signs the same way so both share one code path.
    """
    return "&".join(f"{key}={quote_plus(str(params[key]))}" for key in sorted(params))


def gateway_timestamp(moment: datetime) -> str:
    """Return *moment* as ``yyyyMMddHHmmss`` in GMT+7."""
    return moment.astimezone(GATEWAY_TZ).strftime("%Y%m%d%H%M%S")


def parse_gateway_timestamp(value: str | None) -> datetime | None:
    """Parse ``yyyyMMddHHmmss`` in GMT+7 into an aware moment; None when malformed."""
    try:
        return datetime.strptime(value or "", "%Y%m%d%H%M%S").replace(tzinfo=GATEWAY_TZ)
    except ValueError:
        return None


def payments_config() -> dict[str, Any]:
    """Return the site's ``[payments]`` table (empty when the site configures nothing)."""
    config = (getattr(settings, "SITE", None) and settings.SITE.extra.get("payments")) or {}
    if not isinstance(config, dict):
        raise ProviderNotConfigured("site_config: key 'payments' must be a table")
    return config


def default_provider_name() -> str:
    """Return the provider citizens pay with on this site ("" when it takes no online payment)."""
    return str(payments_config().get("provider") or "")


def enabled_provider_names() -> frozenset[str]:
    """Return the providers whose pages and callbacks this site accepts."""
    config = payments_config()
    extra = config.get("enabled") or []
    if not isinstance(extra, list):
        raise ProviderNotConfigured("site_config: key 'payments.enabled' must be a list of names")
    return frozenset({default_provider_name(), *map(str, extra)} - {""})


def sandbox_allowed() -> bool:
    """Return whether this deployment may run the sandbox at all (never in production)."""
    return bool(getattr(settings, "MOTCUA_PAYMENT_SANDBOX_ALLOWED", False))


def payment_provider(name: str | None = None) -> PaymentProvider:
    """Return the provider *name* (the site's default when None), built from the site config."""
    config = payments_config()
    default = default_provider_name()
    name = name or default
    if not name:
        raise ProviderNotConfigured("payments: this site configures no payment provider")
    if name == SANDBOX and not sandbox_allowed():
        raise ProviderNotConfigured("payments: the sandbox provider is refused by these settings")
    if name not in PROVIDER_CLASSES:
        raise ProviderNotConfigured(f"payments: unknown provider {name!r}")
    if name not in enabled_provider_names():
        raise ProviderNotConfigured(f"payments: provider {name!r} is not enabled on this site")
    if any("secret" in key for key in config) or any(
        isinstance(v, dict) and any("secret" in key for key in v) for v in config.values()
    ):
        raise ProviderNotConfigured(
            "site_config: 'payments' contains a secret; set MOTCUA_VNPAY_HASH_SECRET instead"
        )
    options: dict[str, Any] = {}
    if name == default:
        options.update(
            (k, v)
            for k, v in config.items()
            if k not in ("provider", "enabled") and not isinstance(v, dict)
        )
    if isinstance(config.get(name), dict):
        options.update(config[name])
    return import_string(PROVIDER_CLASSES[name])(options)
