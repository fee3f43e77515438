"""Loopback services that a test starts and stops itself, each on a free port of its own.

* :class:`MotoS3` — a local S3-compatible object store (moto's server mode);
* :class:`RedisServer` — ``redis-server`` with no persistence, its own port;
* :class:`MariaDBServer` — ``mariadbd`` with its own data folder (``mariadb-install-db``), port
  and socket, so it can be stopped and started again in the middle of a test.

Each has ``start()``, ``stop()`` (``kill=True`` for SIGKILL) and keeps its port across restarts.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing answers on 127.0.0.1:{port} after {timeout:.0f} s")


class _Process:
    port: int
    process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_port(self.port)

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


class MotoS3(_Process):
    """moto's S3 server; its objects live in memory (a restart empties it)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]


class RedisServer(_Process):
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]


class MariaDBServer(_Process):
    """A private MariaDB: its own data folder, port and socket; root without password."""

    def __init__(self, base: Path | None = None) -> None:
        self.port = free_port()
        # In memory where the machine has it: a data folder on tmpfs makes the schema's hundreds of
        # DDL statements fast; a killed server still recovers from its redo log (the files stay).
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self.base = Path(base or tempfile.mkdtemp(prefix="motcua-mariadb-", dir=shm))
        self.datadir = self.base / "data"
        self.socket = self.base / "mariadb.sock"
        if not self.datadir.exists():
            subprocess.run(
                [
                    shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db",
                    "--no-defaults",  # first: the system's my.cnf names another user and datadir
                    f"--datadir={self.datadir}",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--user=" + _user(),
                ],
                check=True,
                capture_output=True,
            )

    def command(self) -> list[str]:
        return [
            shutil.which("mariadbd") or "/usr/sbin/mariadbd",
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--socket={self.socket}",
            f"--pid-file={self.base / 'mariadb.pid'}",
            "--user=" + _user(),
            "--skip-log-bin",
            "--innodb-buffer-pool-size=64M",
            "--innodb-log-file-size=16M",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
        ]

    def url(self, database: str) -> str:
        return f"mysql://root@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str) -> None:
        subprocess.run(
            [
                shutil.which("mariadb") or "/usr/bin/mariadb",
                "--no-defaults",
                f"--socket={self.socket}",
                "-uroot",
                "-e",
                statement,
            ],
            check=True,
            capture_output=True,
        )

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


def _user() -> str:
    return "root" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
