"""Production: secrets and database from the environment, HTTPS behind the proxy, no sandbox.

``manage.py check --deploy --settings=config.settings.prod`` is clean (tested). The proxy
terminates TLS and says so in the header named by site config ``security.proxy_ssl_header``
(default ``X-Forwarded-Proto``); HSTS is sent for a year, subdomains included (turn
``security.hsts_preload`` on only after registering the domain).
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import _SECURITY

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
_proxy_header = str(_SECURITY.get("proxy_ssl_header", "X-Forwarded-Proto"))
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(_SECURITY.get("hsts_seconds", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = bool(_SECURITY.get("hsts_preload", False))
# Real gateways only: the sandbox provider is refused (system check motcua.security.E001).
MOTCUA_PAYMENT_SANDBOX_ALLOWED = False
# Joining the browsers' HSTS preload list is a decision per domain and hard to undo: a site opts in
# with ``security.hsts_preload = true``; until then Django's reminder (W021) is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# -- production operation (docs/deploy.md) ---------------------------------------------------------
# Stateless web processes: sessions live in Redis (the "sessions" cache of config/operation.py)
# when the site has Redis, so any web process serves any request; JSON log lines with request id.
from config.settings.base import CACHES, _operation  # noqa: E402

if "sessions" in CACHES:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    SESSION_CACHE_ALIAS = "sessions"
LOGGING = _operation.logging_config(json_lines=True)
# The load balancer and Prometheus probe the web processes directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
