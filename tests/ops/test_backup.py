"""Backup and restore: one archive with a manifest, restored into an empty site and verified.

The restore runs as a real ``manage.py restore`` in another process on another, empty site (a
fresh SQLite file or a fresh MariaDB database, the same vendor as this test run), because a site is
a process-wide setting. What the restored site holds is then counted directly in its database.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from config.settings.test import SHIPPED_PLUGINS
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.ops.backup import BackupError, site_backup, site_restore
from motcua.plugins.discovery import installed_names

ROOT = Path(settings.BASE_DIR)
# Committed rows are what a backup reads; serialized_rollback restores the role groups after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
COUNTED = ("dossiers_dossier", "dossiers_dossierevent", "dossiers_dossierstep", "auth_user")


def _received_dossier(world, applicant, documents):
    dossier = services.dossier_receive(
        user=world.users.reception,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        documents=documents,
    )
    doc = dossier.documents.first()
    doc.file.save("don-de-nghi.pdf", ContentFile(b"%PDF-1.4 don de nghi\n"), save=True)
    return dossier, doc.file.name


def _empty_site(tmp_path: Path) -> tuple[dict, callable]:
    """Return the environment of a new, empty site and a function counting rows in its database."""
    sites = tmp_path / "sites"
    (sites / "restored").mkdir(parents=True)
    config = (ROOT / "sites" / "default" / "site_config.toml").read_text(encoding="utf-8")
    # the restored site runs the plugins this test process runs (their tables are in the backup)
    enabled = [n for n in SHIPPED_PLUGINS if n in installed_names()]
    config = re.sub(r"(?m)^plugins = \[.*\]$", f"plugins = {enabled!r}".replace("'", '"'), config)
    (sites / "restored" / "site_config.toml").write_text(config, encoding="utf-8")
    env = {
        **os.environ,
        "MOTCUA_SITES_DIR": str(sites),
        "MOTCUA_SITE": "restored",
        "MOTCUA_REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    if connection.vendor == "mysql":
        import MySQLdb

        name = f"{connection.settings_dict['NAME']}_restored"
        admin = MySQLdb.connect(host="127.0.0.1", user="root", charset="utf8mb4")
        admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.cursor().execute(
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        env["MOTCUA_DATABASE_URL"] = f"mysql://root@127.0.0.1/{name}"

        def count(table):
            db = MySQLdb.connect(host="127.0.0.1", user="root", database=name)
            cur = db.cursor()
            cur.execute(f"SELECT COUNT(*) FROM `{table}`")
            return cur.fetchone()[0]
    else:
        env["MOTCUA_DATABASE_URL"] = ""

        def count(table):
            db = sqlite3.connect(sites / "restored" / "motcua.sqlite3")
            return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

    return env, count


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_backup_restores_into_an_empty_site_with_every_row_and_file(
    world, applicant, documents, tmp_path, settings
):
    # given a site (its own files folder) with a received dossier and a stored document
    settings.MEDIA_ROOT = tmp_path / "files"
    dossier, stored_name = _received_dossier(world, applicant, documents)
    archive = tmp_path / "site.tar"

    # when it is backed up
    manifest = site_backup(output=archive)

    # then the manifest counts what the database holds, and lists the file with its checksum
    assert manifest["tables"]["dossiers_dossier"]["rows"] == Dossier.objects.count() == 1
    assert manifest["tables"]["dossiers_dossierevent"]["rows"] == DossierEvent.objects.count()
    assert manifest["tables"]["dossiers_dossierstep"]["rows"] == DossierStep.objects.count()
    assert set(manifest["files"]) == {stored_name}
    with tarfile.open(archive) as tar:
        assert json.load(tar.extractfile("manifest.json"))["tables"] == manifest["tables"]

    # when it is restored into another, empty site
    env, count = _empty_site(tmp_path)
    done = _manage(env, "restore", str(archive))

    # then every table has its rows back, the file its bytes, and the code is unchanged
    assert done.returncode == 0, done.stderr
    print(done.stdout.strip())  # the figures, for the CI log
    for table in COUNTED:
        assert count(table) == manifest["tables"][table]["rows"], table
    restored_file = Path(env["MOTCUA_SITES_DIR"]) / "restored" / "files" / stored_name
    assert restored_file.read_bytes() == b"%PDF-1.4 don de nghi\n"
    check = _manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from motcua.dossiers.models import Dossier as D; print(D.objects.get().code)",
    )
    assert check.stdout.strip() == dossier.code

    # and a second restore into the now non-empty site is refused with one line, exit 2
    again = _manage(env, "restore", str(archive))
    assert again.returncode == 2
    assert "site trống" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert count("dossiers_dossier") == 1


def test_a_tampered_archive_or_a_site_with_data_is_refused_and_nothing_changes(
    world, applicant, documents, tmp_path
):
    # given a backup whose dossier table was altered after it was written
    _received_dossier(world, applicant, documents)
    archive = tmp_path / "site.tar"
    site_backup(output=archive)
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "db/dossiers_dossier.jsonl.gz":
                data = data[:-8] + b"\x00" * 8
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    before = Dossier.objects.count()

    # when it is restored, then the checksum stops it first, naming the member
    with pytest.raises(BackupError, match="dossiers_dossier"):
        site_restore(archive_path=tampered)
    assert Dossier.objects.count() == before

    # and an intact archive is refused too, because this site already holds data
    with pytest.raises(BackupError, match="site trống"):
        site_restore(archive_path=archive)
    assert Dossier.objects.count() == before
