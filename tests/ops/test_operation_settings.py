"""The settings of a multi-machine site come from its config, and a bad value stops with one line."""

from __future__ import annotations

import pytest

from config import operation
from config.site import SiteConfig, SiteConfigError


def _site(tmp_path, **extra) -> SiteConfig:
    return SiteConfig(name="prov", directory=tmp_path, site_name="S", agency_name="A", extra=extra)


def test_files_stay_in_the_site_folder_without_a_storage_table(tmp_path):
    stores = operation.storages(_site(tmp_path))
    assert stores["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert stores["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_an_s3_table_gives_private_signed_objects_with_keys_from_the_environment(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("MOTCUA_S3_ACCESS_KEY_ID", "AK")
    monkeypatch.setenv("MOTCUA_S3_SECRET_ACCESS_KEY", "SK")
    site = _site(
        tmp_path,
        storage={
            "backend": "s3",
            "bucket": "motcua-files",
            "endpoint_url": "https://s3.tinh.gov.vn",
            "prefix": "/files/",
            "serve": "signed-url",
            "signed_url_seconds": 30,
        },
    )
    options = operation.storages(site)["default"]["OPTIONS"]
    assert operation.storages(site)["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "motcua-files" and options["location"] == "files"
    assert options["access_key"] == "AK" and options["secret_key"] == "SK"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["querystring_expire"] == 30 and options["file_overwrite"] is False


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"backend": "ftp"}, "'backend'"),
        ({"backend": "s3"}, "'bucket'"),
        ({"backend": "s3", "bucket": "b", "secret_key": "x"}, "'secret_key'"),
        ({"serve": "signed-url"}, "'serve'"),
        ({"backend": "s3", "bucket": "b", "signed_url_seconds": 86400}, "'signed_url_seconds'"),
    ],
)
def test_a_bad_storage_table_is_refused_naming_the_key(tmp_path, table, named):
    with pytest.raises(SiteConfigError, match=named):
        operation.storage_config(_site(tmp_path, storage=table))


def test_redis_gives_a_shared_cache_and_a_session_store(tmp_path):
    site = SiteConfig(
        name="prov",
        directory=tmp_path,
        site_name="S",
        agency_name="A",
        redis_url="redis://10.0.0.5:6379/2",
    )
    caches = operation.caches(site)
    assert caches is not None
    assert {c["BACKEND"] for c in caches.values()} == {"django_redis.cache.RedisCache"}
    assert caches["sessions"]["KEY_PREFIX"] != caches["default"]["KEY_PREFIX"]
    assert operation.caches(_site(tmp_path)) is None


def test_production_sessions_live_in_redis_when_the_site_has_it(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"MOTCUA_REDIS_URL": "redis://127.0.0.1:1/0", "MOTCUA_DATABASE_URL": ""}
    probe = (
        "import django; from django.conf import settings as s; django.setup();"
        "print(s.SESSION_ENGINE, s.SESSION_CACHE_ALIAS, s.CACHES['default']['BACKEND'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings.prod"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == [
        "django.contrib.sessions.backends.cache",
        "sessions",
        "django_redis.cache.RedisCache",
    ], done.stderr


def test_a_replica_url_with_a_password_in_the_config_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_REPLICA_DATABASE_URL", raising=False)
    site = _site(tmp_path, database={"replica_url": "mysql://reader:secret@10.0.0.7/motcua"})
    with pytest.raises(SiteConfigError, match="MOTCUA_REPLICA_DATABASE_URL"):
        operation.replica_url(site)
    monkeypatch.setenv("MOTCUA_REPLICA_DATABASE_URL", "mysql://reader:secret@10.0.0.7/motcua")
    assert operation.replica_url(site).endswith("@10.0.0.7/motcua")


def test_monitoring_networks_are_checked(tmp_path):
    assert operation.monitoring_networks(_site(tmp_path)) == ["127.0.0.1/32", "::1/128"]
    with pytest.raises(SiteConfigError, match="bad network"):
        operation.monitoring_networks(_site(tmp_path, monitoring={"networks": ["10.0.0.0/33"]}))
