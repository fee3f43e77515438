"""The lookup limit counts in the shared cache, per client address (trusted proxy) and per code."""

import os

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from motcua.portal import ratelimit
from motcua.security.client_ip import client_ip

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.MOTCUA_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.MOTCUA_CLIENT_IP_HEADER = "X-Forwarded-For"


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/tra-cuu/", **extra)


def test_the_client_address_comes_from_the_trusted_proxy_header(behind_proxy):
    assert client_ip(_request(PROXY, "203.0.113.9")) == "203.0.113.9"
    # a forged left part is ignored: the proxy appended the address it saw
    assert client_ip(_request(PROXY, "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_a_header_from_anyone_else_is_ignored(behind_proxy):
    assert client_ip(_request("198.51.100.2", "203.0.113.9")) == "198.51.100.2"
    assert client_ip(_request(PROXY, "not-an-address")) == PROXY


def test_without_a_configured_proxy_the_header_is_ignored(settings):
    settings.MOTCUA_TRUSTED_PROXIES = []
    assert client_ip(_request(PROXY, "203.0.113.9")) == PROXY


@pytest.mark.redis
def test_counters_are_shared_between_web_processes_through_redis(settings):
    url = "redis://127.0.0.1:6379/4"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # the MariaDB and SQLite passes run at the same time: each its own counters
            "KEY_PREFIX": f"motcua-test-ratelimit-{os.getpid()}",
        }
    }
    caches["default"].clear()
    try:
        key = "portal:lookup:ip:203.0.113.9"
        # two "workers": each with its own connection to the site's cache
        assert all(ratelimit.attempt([key], limit=3, window=60) for _ in range(2))
        caches._connections.__dict__.pop("default", None)  # a fresh handler, as in another process
        assert ratelimit.attempt([key], limit=3, window=60)
        assert not ratelimit.attempt([key], limit=3, window=60)
    finally:
        caches["default"].clear()
