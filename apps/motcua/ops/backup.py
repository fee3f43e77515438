"""Backup and restore of one site: its database and its files in one archive with a manifest.

The archive (``.tar``) holds:

* ``manifest.json`` — site, moment, database vendor, the applied migrations, and for every table its
  row count and the SHA-256 of its data member; for every stored file its size and SHA-256;
* ``db/<table>.jsonl.gz`` — one JSON array per row, columns as in the manifest;
* ``files/<name>`` — every file of the default storage (local folder or object store alike, read
  through Django's storage API).

Consistency: on MariaDB every table is read inside one ``START TRANSACTION WITH CONSISTENT
SNAPSHOT`` at REPEATABLE READ (InnoDB), so the counts and the rows come from one moment while the
site keeps working; on SQLite the database is first copied with SQLite's online backup API and read
from the copy. The format is vendor-neutral: a backup of the embedded SQLite default restores into
MariaDB (the way a pilot moves to production).

Restore only goes into an empty site (no user, no dossier): it migrates the schema to the backup's
migration state, replaces the rows the migrations seeded with the archive's, checks every count and
checksum against the manifest, copies the files back, then migrates forward to the code's version.
Any mismatch stops the restore with one line naming the table or file.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
BATCH = 2000
#: Tables that are not data: SQLite's own bookkeeping and full-text index shadows (rebuilt).
_SKIPPED_PREFIXES = ("sqlite_",)


class BackupError(Exception):
    """The backup or restore cannot go on; the message is one line for the operator."""


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    files: int


# --------------------------------------------------------------------------- values


def _encode(value):
    """Return a JSON-safe form of a column value as the database driver returned it."""
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value):
    if isinstance(value, dict):
        return base64.b64decode(value["b64"])
    return value


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- reading the database


def _data_tables(connection) -> list[str]:
    """Return the tables of the installed models and the migration record, sorted."""
    known = set(connection.introspection.django_table_names(only_existing=True))
    existing = set(connection.introspection.table_names())
    tables = (known | {"django_migrations"}) & existing
    return sorted(t for t in tables if not t.startswith(_SKIPPED_PREFIXES))


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


class _Snapshot:
    """One consistent read of the database: ``columns(table)`` and ``rows(table)``."""

    def __init__(self, alias: str):
        self.connection = connections[alias]
        self.vendor = self.connection.vendor
        self._copy: Path | None = None
        self._sqlite: sqlite3.Connection | None = None

    def __enter__(self):
        self.connection.ensure_connection()
        if self.vendor == "sqlite":
            # The online backup API copies a consistent image even while others write.
            handle, name = tempfile.mkstemp(suffix=".sqlite3")
            Path(name).unlink()
            self._copy = Path(name)
            target = sqlite3.connect(self._copy)
            self.connection.connection.backup(target)
            target.close()
            self._sqlite = sqlite3.connect(self._copy)
        elif self.vendor == "mysql":
            with self.connection.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        else:
            raise BackupError(
                _("Chưa hỗ trợ sao lưu cơ sở dữ liệu %(vendor)s.") % {"vendor": self.vendor}
            )
        return self

    def __exit__(self, *exc):
        if self._sqlite is not None:
            self._sqlite.close()
            self._copy.unlink(missing_ok=True)
        else:
            with self.connection.cursor() as cursor:
                cursor.execute("COMMIT")
                # Back to Django's default for the rest of this connection's life.
                cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")

    def tables(self) -> list[str]:
        tables = _data_tables(self.connection)
        if self._sqlite is not None:
            present = {
                r[0]
                for r in self._sqlite.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            tables = [t for t in tables if t in present]
        return tables

    def columns(self, table: str) -> list[str]:
        if self._sqlite is not None:
            return [
                r[1]
                for r in self._sqlite.execute(
                    f"PRAGMA table_info({_quote(self.connection, table)})"
                )
            ]
        with self.connection.cursor() as cursor:
            description = self.connection.introspection.get_table_description(cursor, table)
        return [c.name for c in description]

    def rows(self, table: str, columns: list[str]) -> Iterator[tuple]:
        q = lambda n: _quote(self.connection, n)  # noqa: E731
        sql = f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)}"
        if self._sqlite is not None:
            yield from self._sqlite.execute(sql)
            return
        # A server-side cursor streams the table instead of loading it into memory.
        import MySQLdb.cursors

        raw = self.connection.connection.cursor(MySQLdb.cursors.SSCursor)
        try:
            raw.execute(sql)
            while batch := raw.fetchmany(BATCH):
                yield from batch
        finally:
            raw.close()


# --------------------------------------------------------------------------- files


def _storage_files(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Yield every file name of *storage* (recursively, sorted)."""
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for folder in sorted(folders):
        yield from _storage_files(storage, f"{prefix}{folder}/")


# --------------------------------------------------------------------------- backup


class _HashingReader:
    """A file wrapper that hashes what is read through it (files are streamed, not loaded)."""

    def __init__(self, f):
        self._f, self._digest = f, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._f.read(size)
        self._digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("motcua")
    except PackageNotFoundError:
        return ""


def site_backup(*, output: Path, alias: str = "default", storage: Storage | None = None) -> dict:
    """Write a backup archive of the database *alias* and *storage* to *output*; return the manifest."""
    from django.conf import settings

    storage = storage or default_storage
    output = Path(output)
    manifest: dict = {
        "format": FORMAT,
        "motcua_version": _version(),
        "site": settings.SITE.name,
        "created_at": timezone.now().isoformat(),
        "vendor": connections[alias].vendor,
        "tables": {},
        "files": {},
    }
    work = Path(tempfile.mkdtemp(prefix="motcua-backup-", dir=output.parent))
    try:
        (work / "db").mkdir()
        with _Snapshot(alias) as snapshot:
            for table in snapshot.tables():
                columns = snapshot.columns(table)
                member = work / "db" / f"{table}.jsonl.gz"
                count = 0
                with gzip.open(member, "wt", encoding="utf-8") as out:
                    for row in snapshot.rows(table, columns):
                        out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False))
                        out.write("\n")
                        count += 1
                manifest["tables"][table] = {
                    "columns": columns,
                    "rows": count,
                    "sha256": _sha256_file(member),
                }
        with tarfile.open(output, "w") as archive:
            for table in manifest["tables"]:
                archive.add(work / "db" / f"{table}.jsonl.gz", f"db/{table}.jsonl.gz")
            for name in _storage_files(storage):
                info = tarfile.TarInfo(f"files/{name}")
                info.size = storage.size(name)
                with storage.open(name, "rb") as f:
                    reader = _HashingReader(f)
                    archive.addfile(info, reader)
                manifest["files"][name] = {"size": info.size, "sha256": reader.hexdigest()}
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


# --------------------------------------------------------------------------- restore


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError(_("Tệp sao lưu không có bản kê (manifest.json) hợp lệ.")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Tệp sao lưu có định dạng %(found)s, phiên bản này đọc định dạng %(want)s.")
            % {"found": manifest.get("format"), "want": FORMAT}
        )
    return manifest


def _verify_members(archive: tarfile.TarFile, manifest: dict) -> None:
    """Check every member's checksum against the manifest before anything is written."""
    expected = {f"db/{t}.jsonl.gz": m["sha256"] for t, m in manifest["tables"].items()}
    expected |= {f"files/{n}": m["sha256"] for n, m in manifest["files"].items()}
    present = {m.name for m in archive.getmembers() if m.isfile()} - {"manifest.json"}
    if missing := sorted(set(expected) - present):
        raise BackupError(_("Tệp sao lưu thiếu %(name)s.") % {"name": missing[0]})
    for name, digest in expected.items():
        reader = _HashingReader(archive.extractfile(name))
        while reader.read(1 << 20):
            pass
        if reader.hexdigest() != digest:
            raise BackupError(_("Tệp sao lưu bị hỏng: %(name)s sai mã kiểm tra.") % {"name": name})


def _require_empty_site(connection) -> None:
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("auth_user", "dossiers_dossier"):
            if table in existing:
                cursor.execute(f"SELECT 1 FROM {_quote(connection, table)} LIMIT 1")
                if cursor.fetchone():
                    raise BackupError(
                        _("Chỉ phục hồi vào một site trống: bảng %(table)s đã có dữ liệu.")
                        % {"table": table}
                    )


def _migration_targets(connection, manifest: dict) -> list[tuple[str, str]]:
    """Return the (app, migration) leaves of the backup's applied set, checked against the code."""
    archive_rows = manifest["applied_migrations"]
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    applied = {(app, name) for app, name in archive_rows}
    unknown = sorted(node for node in applied if node not in graph.nodes)
    if unknown:
        raise BackupError(
            _("Bản sao lưu được tạo bởi phiên bản mới hơn (migration %(name)s chưa có ở đây).")
            % {"name": ".".join(unknown[0])}
        )
    targets = []
    for node in sorted(applied):
        children = {c for c in graph.node_map[node].children if c[0] == node[0]}
        if not children & applied:
            targets.append(node)
    return targets


def _applied_from_archive(archive: tarfile.TarFile, manifest: dict) -> list[list[str]]:
    meta = manifest["tables"].get("django_migrations")
    if meta is None:
        raise BackupError(_("Tệp sao lưu không có bảng django_migrations."))
    app_i, name_i = meta["columns"].index("app"), meta["columns"].index("name")
    with gzip.open(
        archive.extractfile("db/django_migrations.jsonl.gz"), "rt", encoding="utf-8"
    ) as f:
        return [[row[app_i], row[name_i]] for row in map(json.loads, f)]


def site_restore(*, archive_path: Path, alias: str = "default", storage: Storage | None = None):
    """Restore the archive into the empty site of database *alias*; return a :class:`RestoreReport`."""
    from django.core.management import call_command

    storage = storage or default_storage
    connection = connections[alias]
    try:
        archive = tarfile.open(archive_path, "r")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(_("Không đọc được tệp sao lưu: %(error)s") % {"error": exc}) from exc
    with archive:
        manifest = _read_manifest(archive)
        _verify_members(archive, manifest)
        _require_empty_site(connection)
        manifest["applied_migrations"] = _applied_from_archive(archive, manifest)
        targets = _migration_targets(connection, manifest)
        executor = MigrationExecutor(connection)
        executor.migrate(targets, plan=executor.migration_plan(targets))
        rows = _load_tables(connection, archive, manifest)
        for name, meta in manifest["files"].items():
            if storage.exists(name):
                raise BackupError(_("Tệp %(name)s đã có trong kho lưu trữ.") % {"name": name})
            saved = storage.save(name, File(archive.extractfile(f"files/{name}"), name=name))
            if saved != name or storage.size(saved) != meta["size"]:
                raise BackupError(_("Không ghi lại được tệp %(name)s.") % {"name": name})
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    return RestoreReport(tables=len(manifest["tables"]), rows=rows, files=len(manifest["files"]))


def _load_tables(connection, archive: tarfile.TarFile, manifest: dict) -> int:
    """Replace the seeded rows of every table with the archive's and check the counts."""
    from django.db import transaction

    q = lambda n: _quote(connection, n)  # noqa: E731
    existing = set(connection.introspection.table_names())
    total = 0
    # Foreign keys are checked off for the load (rows come in table order, not dependency order);
    # on SQLite the pragma only changes outside a transaction, hence this order.
    with (
        connection.constraint_checks_disabled(),
        transaction.atomic(using=connection.alias),
        connection.cursor() as cursor,
    ):
        for table in manifest["tables"]:
            if table not in existing:
                raise BackupError(_("Bảng %(table)s không có trong lược đồ.") % {"table": table})
            cursor.execute(f"DELETE FROM {q(table)}")
        for table, meta in manifest["tables"].items():
            columns = meta["columns"]
            sql = (
                f"INSERT INTO {q(table)} ({', '.join(q(c) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            member = archive.extractfile(f"db/{table}.jsonl.gz")
            with gzip.open(member, "rt", encoding="utf-8") as f:
                batch = []
                for line in f:
                    batch.append([_decode(v) for v in json.loads(line)])
                    if len(batch) >= BATCH:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
            cursor.execute(f"SELECT COUNT(*) FROM {q(table)}")
            (count,) = cursor.fetchone()
            if count != meta["rows"]:
                raise BackupError(
                    _("Bảng %(table)s: phục hồi %(got)s dòng, bản kê ghi %(want)s.")
                    % {"table": table, "got": count, "want": meta["rows"]}
                )
            total += count
    return total
