"""Settings of a multi-machine deployment, derived from the site config (docs/deploy.md §4).

Kept apart from ``config/settings/base.py`` so that each piece is one function of the site config,
tested on its own (``tests/ops/test_operation_settings.py``):

* :func:`storages` — where uploaded files, results and generated PDFs live: the site's ``files/``
  folder (embedded default) or an S3-compatible object store (site table ``[storage]``, keys from
  ``MOTCUA_S3_ACCESS_KEY_ID`` / ``MOTCUA_S3_SECRET_ACCESS_KEY``), through django-storages;
* :func:`caches` — the shared cache and the session store in Redis (django-redis) when the site has
  a ``redis_url``, so any web process can serve any request;
* :func:`replica_database` — the read replica (``[database] replica_url``, password in
  ``MOTCUA_REPLICA_DATABASE_URL``) used by :mod:`motcua.ops.replica`;
* :func:`logging_config` — one JSON object per log line (python-json-logger) with the request id.

Every malformed value raises :class:`config.site.SiteConfigError` naming the key.
"""

from __future__ import annotations

import ipaddress
import os

from config.site import SiteConfig, SiteConfigError

#: What ``[storage] backend`` may name.
STORAGE_BACKENDS = ("local", "s3")
#: How a stored file reaches the browser once the scope-checked view allowed it.
SERVE_MODES = ("proxy", "signed-url")


def _where(site: SiteConfig) -> str:
    return f"sites/{site.name}/site_config.toml"


def _table(site: SiteConfig, name: str) -> dict:
    value = site.extra.get(name) or {}
    if not isinstance(value, dict):
        raise SiteConfigError(f"{_where(site)}: '{name}' must be a table ([{name}])")
    return value


def storage_config(site: SiteConfig) -> dict:
    """Return the validated ``[storage]`` table with its defaults filled in."""
    table = _table(site, "storage")
    where = f"{_where(site)}: [storage]"
    backend = str(table.get("backend", "local"))
    if backend not in STORAGE_BACKENDS:
        raise SiteConfigError(f"{where} key 'backend' must be one of {', '.join(STORAGE_BACKENDS)}")
    serve = str(table.get("serve", "proxy"))
    if serve not in SERVE_MODES:
        raise SiteConfigError(f"{where} key 'serve' must be one of {', '.join(SERVE_MODES)}")
    if backend == "local" and serve != "proxy":
        raise SiteConfigError(f"{where} key 'serve' = 'signed-url' needs backend = 's3'")
    seconds = table.get("signed_url_seconds", 60)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 5 <= seconds <= 3600:
        raise SiteConfigError(f"{where} key 'signed_url_seconds' must be an integer 5–3600")
    config = {"backend": backend, "serve": serve, "signed_url_seconds": seconds}
    if backend == "s3":
        for key in ("bucket",):
            if not isinstance(table.get(key), str) or not table[key]:
                raise SiteConfigError(f"{where} missing required key '{key}' (backend = 's3')")
        for key in ("access_key", "secret_key", "secret_access_key"):
            if key in table:
                raise SiteConfigError(
                    f"{where} key '{key}': keys come from MOTCUA_S3_ACCESS_KEY_ID and "
                    "MOTCUA_S3_SECRET_ACCESS_KEY, never the config file"
                )
        config.update(
            bucket=table["bucket"],
            endpoint_url=str(table.get("endpoint_url", "")),
            region=str(table.get("region", "")),
            prefix=str(table.get("prefix", "")).strip("/"),
            addressing_style=str(table.get("addressing_style", "path")),
        )
    return config


def storages(site: SiteConfig) -> dict:
    """Return Django's ``STORAGES``: whitenoise for static files, files local or in S3."""
    config = storage_config(site)
    static = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
    if config["backend"] == "local":
        # The folder is MEDIA_ROOT (the site's files/; tests point it elsewhere).
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        return {"default": default, "staticfiles": static}
    options = {
        "bucket_name": config["bucket"],
        "location": config["prefix"],
        "access_key": os.environ.get("MOTCUA_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("MOTCUA_S3_SECRET_ACCESS_KEY") or None,
        "endpoint_url": config["endpoint_url"] or None,
        "region_name": config["region"] or None,
        # Personal documents: private objects, signed URLs only, never overwritten in place.
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": config["signed_url_seconds"],
        "file_overwrite": False,
        "client_config": _s3_client_config(config["addressing_style"]),
    }
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": static,
    }


def _s3_client_config(addressing_style: str = "path"):
    """botocore's client settings (django-storages then ignores its own ``addressing_style``)."""
    from botocore.config import Config

    return Config(
        s3={"addressing_style": addressing_style},
        signature_version="s3v4",  # signed URLs carry X-Amz-Expires
        # a store that does not answer fails the upload in seconds, not after gunicorn's timeout
        connect_timeout=3,
        read_timeout=10,
        retries={"max_attempts": 2, "mode": "standard"},
    )


def caches(site: SiteConfig) -> dict | None:
    """Return ``CACHES`` in Redis (django-redis) when the site has Redis, else ``None``.

    Two aliases: ``default`` (rate limits, lock-outs, page fragments) and ``sessions`` (the session
    store). A Redis that does not answer makes the *cache* miss (``IGNORE_EXCEPTIONS`` is left off:
    a lost lock-out counter is a security hole, so the request fails and the health check says why).
    """
    if not site.redis_url:
        return None
    common = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": site.redis_url,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
        },
    }
    return {
        "default": {**common, "KEY_PREFIX": f"motcua:{site.name}"},
        "sessions": {**common, "KEY_PREFIX": f"motcua:{site.name}:session", "TIMEOUT": None},
    }


def replica_url(site: SiteConfig) -> str:
    """The replica's URL: ``MOTCUA_REPLICA_DATABASE_URL`` or ``[database] replica_url``; '' = none."""
    env = os.environ.get("MOTCUA_REPLICA_DATABASE_URL")
    if env is not None:
        return env
    url = str(_table(site, "database").get("replica_url", ""))
    if "@" in url and ":" in url.split("://", 1)[-1].split("@", 1)[0]:
        raise SiteConfigError(
            f"{_where(site)}: [database] key 'replica_url' contains a password; "
            "put it in MOTCUA_REPLICA_DATABASE_URL"
        )
    return url


def replica_rules(site: SiteConfig) -> dict:
    """``[database] replica_pin_seconds`` (10) and ``replica_max_lag_seconds`` (30), validated."""
    table = _table(site, "database")
    rules = {}
    for key, default in (("replica_pin_seconds", 10), ("replica_max_lag_seconds", 30)):
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SiteConfigError(f"{_where(site)}: [database] key '{key}' must be an integer ≥ 0")
        rules[key] = value
    return rules


def monitoring_networks(site: SiteConfig) -> list[str]:
    """``[monitoring] networks``: who may read ``/metrics`` (default: this host only)."""
    networks = _table(site, "monitoring").get("networks", ["127.0.0.1/32", "::1/128"])
    if not isinstance(networks, list):
        raise SiteConfigError(f"{_where(site)}: [monitoring] key 'networks' must be a list")
    for net in networks:
        try:
            ipaddress.ip_network(str(net), strict=False)
        except ValueError:
            raise SiteConfigError(
                f"{_where(site)}: [monitoring] key 'networks' has a bad network {net!r}"
            ) from None
    return [str(n) for n in networks]


def logging_config(*, json_lines: bool) -> dict:
    """Console logging; one JSON object per line (with ``request_id``) when *json_lines*."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "motcua.ops.requestid.RequestIdFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": "main",
            }
        },
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    }
