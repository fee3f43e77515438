"""The client's address, taken from a proxy header only when the request came from a trusted proxy.

Behind a reverse proxy every request arrives from the proxy's address, so keying rate limits and
lock-outs on ``REMOTE_ADDR`` would put the whole province behind one key. Trusting a forwarded
header from anyone, on the other hand, lets an attacker pick a fresh address per request. Site
config says which proxies to believe::

    [security]
    trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]   # addresses or networks of the proxies
    client_ip_header = "X-Forwarded-For"            # or "X-Real-IP"

With ``X-Forwarded-For`` the client is the right-most address that is not a trusted proxy (each
proxy appends the address it saw, so the left part is whatever the client typed).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.MOTCUA_TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """Return the address of the client that sent *request* ("unknown" when there is none)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    header = settings.MOTCUA_CLIENT_IP_HEADER
    if not header or not _trusted(remote):
        return remote or "unknown"
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    hops = [h.strip() for h in request.META.get(meta_key, "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote or "unknown"  # a malformed header is ignored, never trusted
    return remote or "unknown"
