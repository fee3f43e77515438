"""Settings shared by every environment; the site folder supplies the per-deployment values."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.site import BASE_DIR, SiteConfigError, load_site, secret_key

sys.path.insert(0, str(BASE_DIR / "apps"))

try:
    SITE = load_site()
except SiteConfigError as exc:  # one line, naming the key, instead of a traceback
    sys.stderr.write(f"motcua: {exc}\n")
    raise SystemExit(2) from None

SITE.directory.mkdir(parents=True, exist_ok=True)
SECRET_KEY = secret_key(SITE)
DEBUG = False
ALLOWED_HOSTS = list(SITE.allowed_hosts)

CORE_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "simple_history",
    "django_rq",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "motcua.core",
    "motcua.units",
    "motcua.procedures",
    "motcua.dossiers",
    "motcua.printing",
    "motcua.desk",
    "motcua.jobs",
    "motcua.api",
    "motcua.integrations",
    "motcua.portal",
    "motcua.ops",
    "motcua.demo",
    "motcua.security",
    "motcua.notifications",
    "motcua.reports",
    "motcua.mailbox",
]


def enabled_plugins(names):
    """The core's plugins and the site's enabled ones; one line and exit 2 when one cannot run."""
    from motcua.plugins.discovery import PluginError
    from motcua.plugins.discovery import enabled_plugins as _enabled

    try:
        return _enabled(names)
    except PluginError as exc:
        sys.stderr.write(f"motcua: sites/{SITE.name}/site_config.toml: {exc}\n")
        raise SystemExit(2) from None


def installed_apps(plugins) -> list[str]:
    """The core's apps, each enabled plugin's app, then ``motcua.plugins`` (fills the registries)."""
    return [*CORE_APPS, *[p.app for p in plugins if p.app and not p.core], "motcua.plugins"]


#: The plugins of this site (docs/plugins.md): the core's apps, then those the site enables.
MOTCUA_PLUGINS = enabled_plugins(SITE.plugins)
INSTALLED_APPS = installed_apps(MOTCUA_PLUGINS)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp with the policy string built once (motcua.security.csp).
    "motcua.security.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous visitors' catalogue pages from the cache, before the rest (motcua.portal.pagecache).
    "motcua.portal.pagecache.PublicPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.security.request_context.RequestContextMiddleware",
    # The user's memberships read once per read-only request (motcua.units.middleware).
    "motcua.units.middleware.MembershipsRememberedMiddleware",
    "motcua.security.middleware.StaffIdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.security.middleware.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# Sessions in the database, a new one stored with one INSERT (motcua.security.sessions); a site
# with Redis keeps them in the cache (config/settings/prod.py).
SESSION_ENGINE = "motcua.security.sessions"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # The apps' templates; django-rq's get translation tags on load (the job dashboard
            # in Vietnamese, motcua.jobs.rq_templates). Cached, as Django's default is.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "motcua.jobs.rq_templates.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


#: Web worker timeout (seconds): gunicorn kills a worker whose request runs longer (config/gunicorn.conf.py).
WEB_TIMEOUT = int(os.environ.get("MOTCUA_WEB_TIMEOUT", "30"))
#: Longest one SQL statement of a *web* request may run on MariaDB (seconds, 0 = no limit). Set for
#: web workers only (config/gunicorn.conf.py), two seconds under WEB_TIMEOUT, so a request killed by
#: gunicorn does not leave its query running; jobs and commands run without a limit.
STATEMENT_TIMEOUT = float(os.environ.get("MOTCUA_STATEMENT_TIMEOUT", "0"))


def database_from_url(url: str, sqlite_path: Path) -> dict:
    """Return a Django DATABASES entry; MariaDB gets utf8mb4 + one collation (docs/stack.md)."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] in ("django.db.backends.mysql",):
        options = {
            "charset": "utf8mb4",
            "collation": "utf8mb4_unicode_ci",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES', innodb_lock_wait_timeout=20"
            + (f", max_statement_time={STATEMENT_TIMEOUT:g}" if STATEMENT_TIMEOUT > 0 else ""),
        }
        options.update(config.get("OPTIONS", {}))
        config["OPTIONS"] = options
        config["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
        config.setdefault("CONN_HEALTH_CHECKS", True)
        # Keep a worker's connection between requests (a new MariaDB connection per request costs
        # more than a page's indexed queries); health checks drop a dead one.
        config.setdefault("CONN_MAX_AGE", int(os.environ.get("MOTCUA_CONN_MAX_AGE", "60")))
    return config


DATABASES = {"default": database_from_url(SITE.database_url, SITE.sqlite_path)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One backend: the lock-out check (django-axes), then a role's desk permissions from active
# memberships (units.Membership), not hand-kept groups.
AUTHENTICATION_BACKENDS = ["motcua.security.backends.LockoutBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "motcua.security.audit.PasswordChangeAudit"},  # records every password change
]

LANGUAGE_CODE = SITE.language
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = SITE.time_zone
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]  # day/month/year input in every language
USE_TZ = True

BASE_DIR = BASE_DIR  # re-exported for apps (patches, fixtures)
STATIC_URL = "/static/"
# collectstatic writes here; whitenoise serves it (MOTCUA_STATIC_ROOT for a read-only code tree).
STATIC_ROOT = Path(os.environ.get("MOTCUA_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_URL = "/files/"
MEDIA_ROOT = SITE.files_dir
# STORAGES (local folder or S3-compatible object store) is set in the "production operation" block.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = SITE.max_upload_mb * 1024 * 1024

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "/admin/"

# Jobs: with no Redis URL (the embedded default) jobs run inline; see motcua.jobs.queue.
RQ_QUEUES = {
    name: {"URL": SITE.redis_url or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}
    for name in ("default", "low")
}
MOTCUA_JOBS_INLINE = not SITE.redis_url
#: How long an outbox message or a notification claimed by a worker is left alone before another
#: run takes it again (a worker killed mid-delivery): site config ``delivery_lease_seconds``.
MOTCUA_DELIVERY_LEASE_SECONDS = int(SITE.extra.get("delivery_lease_seconds", 300))

# The REST API (motcua.api, docs/api.md): session or token, scoped like the desk; rates from the
# site config's [api] table.
_API = SITE.extra.get("api") or {}
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # a token first, so a request without credentials gets 401 with WWW-Authenticate
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": str(_API.get("anon_rate", "60/minute")),
        "user": str(_API.get("user_rate", "600/minute")),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "Hồ sơ trong phạm vi của người đọc, danh mục thủ tục và đơn vị (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# -- security (site config ``[security]``; see docs/SECURITY.md) ---------------------------------
_SECURITY = SITE.extra.get("security") or {}
# Client address: from this header only when the request comes from one of these proxies.
MOTCUA_TRUSTED_PROXIES = list(_SECURITY.get("trusted_proxies", []))
MOTCUA_CLIENT_IP_HEADER = str(_SECURITY.get("client_ip_header", ""))
# Officer (desk) sessions end after this many idle minutes; 0 keeps Django's session lifetime.
MOTCUA_STAFF_IDLE_MINUTES = int(_SECURITY.get("staff_idle_minutes", 30))
# Roles whose desk accounts must pass a TOTP second factor ("superuser" for superusers).
MOTCUA_OTP_REQUIRED_ROLES = list(_SECURITY.get("otp_required_roles", []))
OTP_TOTP_ISSUER = SITE.site_name
# The payment sandbox ("paid" button) may run here when the site config names it.
MOTCUA_PAYMENT_SANDBOX_ALLOWED = True

# Login lock-out (django-axes): by user name and, separately, by client address.
AXES_FAILURE_LIMIT = int(_SECURITY.get("login_failure_limit", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(_SECURITY.get("login_cooloff_minutes", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "motcua.security.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "motcua.security.lockout.lockout_response"
AXES_VERBOSE = False

# Shared counters (lookup rate limit, lock-outs) need a shared cache: Redis when configured
# (CACHES is set in the "production operation" block at the end of this file).


def _origins_of(config) -> list[str]:
    """Return the origins of every ``payment_url`` in the site's ``[payments]`` table."""
    from urllib.parse import urlsplit

    tables = [config, *[v for v in config.values() if isinstance(v, dict)]]
    urls = [t.get("payment_url") for t in tables if isinstance(t.get("payment_url"), str)]
    return sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in urls if "://" in u})


_payments = SITE.extra.get("payments")
_payment_origins = _origins_of(_payments) if isinstance(_payments, dict) else []

# Content-Security-Policy (django-csp). Unfold's admin runs Alpine.js, which evaluates its
# attribute expressions ('unsafe-eval'), and the desk keeps a few inline scripts and styles; the
# policy still confines every script, style, image, frame and form target to this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "blob:"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # A payment form redirects to the gateway: its origin must be a permitted form target.
        "form-action": ["'self'", *_payment_origins, *list(_SECURITY.get("form_action_hosts", []))],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Mail: kept for the desk's "Thư đã gửi" page; delivered by SMTP when the site's [mail] has a host.
from motcua.mailbox.config import MailConfigError, mail_settings  # noqa: E402

try:
    _MAIL = mail_settings(SITE.extra.get("mail"))
except MailConfigError as exc:
    sys.stderr.write(f"motcua: sites/{SITE.name}/site_config.toml: {exc}\n")
    raise SystemExit(2) from None
EMAIL_BACKEND = _MAIL["EMAIL_BACKEND"]
MOTCUA_MAIL_DELIVER = _MAIL["MOTCUA_MAIL_DELIVER"]
EMAIL_HOST = _MAIL["EMAIL_HOST"]
EMAIL_PORT = _MAIL["EMAIL_PORT"]
EMAIL_HOST_USER = _MAIL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _MAIL["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _MAIL["EMAIL_USE_TLS"]
EMAIL_TIMEOUT = _MAIL["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _MAIL["DEFAULT_FROM_EMAIL"]
# Stored outgoing mail is deleted after this many days (job ``mailbox_purge``; 0 keeps it).
MOTCUA_MAIL_RETENTION_DAYS = _MAIL["MOTCUA_MAIL_RETENTION_DAYS"]

IMPORT_EXPORT_USE_TRANSACTIONS = True
# Exporting is a right of its own ("export_<model>", the role permission page's "Xuất tệp").
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False


# -- production operation (docs/deploy.md; config/operation.py) -----------------------------------
# Files in the site folder or an object store, cache in Redis, a read replica, health and metrics,
# JSON logs with a request id. Each value comes from the site config through config/operation.py.
from config import operation as _operation  # noqa: E402
from config.unfold import UNFOLD as CORE_UNFOLD  # noqa: E402  (kept apart: it is long)
from motcua.plugins.desk import with_plugin_menu  # noqa: E402

UNFOLD = with_plugin_menu(CORE_UNFOLD, MOTCUA_PLUGINS)

try:
    STORAGES = _operation.storages(SITE)
    MOTCUA_STORAGE = _operation.storage_config(SITE)
    _CACHES = _operation.caches(SITE)
    _REPLICA_URL = _operation.replica_url(SITE)
    _REPLICA_RULES = _operation.replica_rules(SITE)
    MOTCUA_MONITORING_NETWORKS = _operation.monitoring_networks(SITE)
except SiteConfigError as exc:
    sys.stderr.write(f"motcua: {exc}\n")
    raise SystemExit(2) from None
CACHES = _CACHES or {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if _REPLICA_URL:
    DATABASES["replica"] = database_from_url(_REPLICA_URL, SITE.sqlite_path)
DATABASE_ROUTERS = ["motcua.ops.replica.ReplicaRouter"]
MOTCUA_REPLICA_PIN_SECONDS = _REPLICA_RULES["replica_pin_seconds"]
MOTCUA_REPLICA_MAX_LAG_SECONDS = _REPLICA_RULES["replica_max_lag_seconds"]
#: Requests whose reads may go to the replica: reports, dashboards, exports (motcua.ops.replica).
MOTCUA_REPLICA_PATHS = ["/desk/reports/", "/cong-khai-tien-do/"]
INSTALLED_APPS += ["django_prometheus"]
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "motcua.ops.requestid.RequestIdMiddleware",
    *MIDDLEWARE[:-1],
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    MIDDLEWARE[-1],  # django-axes stays last
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "motcua.ops.replica.ReplicaMiddleware",
)
LOGGING = _operation.logging_config(json_lines=False)
