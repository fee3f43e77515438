"""The database killed and started again under a load of online submissions and counter receptions.

A private MariaDB (its own data folder and port, ``tests/ops/servers.py``), one gunicorn serving the
production site on it, citizens submitting online (with a file) and officers receiving at the
counter (with a scanned file) from threads. The server is killed (SIGKILL) in the middle; requests
go on and get the Vietnamese 503 page; it is started again (InnoDB recovers from its redo log) and
the same web workers serve again, by themselves (a dead connection is dropped by the health check
of ``CONN_HEALTH_CHECKS`` and the next request opens a new one). Then the database is compared
with what the clients saw:

* every submission and reception the client saw succeed is stored (the portal's retries carry the
  same idempotency key, so each key has exactly one dossier);
* no half-written dossier: each has its ``receive`` event and its document rows, and each counter
  dossier its ``start`` event and first step (the lifecycle writes them in one transaction);
* no file lost: every file a row names exists; no orphan file: a file no row names comes only from
  a request the outage cut (its COMMIT's outcome unknown, the file kept on purpose), and the
  daily sweep (``files_orphans``) removes it;
* the codes of the day at the counter are 1…N with no gap and no duplicate, N being the counter's
  ``last``. That is what code allocation guarantees (``dossiers/services/codes.py`` rule 2): the
  counter row is taken and moved in the reception's transaction, so a reception cut by the outage
  rolls back with its number, and a committed one is durable across the crash.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from tests.ops.faults import (
    CITIZEN,
    OFFICER,
    OUTAGE_TEXT,
    PDF,
    PROCEDURE,
    UNIT_CODE,
    Client,
    Web,
    csrf_token,
    submission,
    wait_until,
)
from tests.ops.servers import RedisServer

pytestmark = pytest.mark.slow

PORTAL_THREADS, DESK_THREADS = 3, 2


@dataclass
class Tally:
    """What the clients saw, with the moment (monotonic) of each answer."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    submitted: list[tuple[float, str]] = field(default_factory=list)  # portal: key
    received: list[tuple[float, int]] = field(default_factory=list)  # desk: dossier id
    refused_names: list[str] = field(default_factory=list)  # desk receptions answered 503
    outages: list[tuple[float, str, int, bool, str]] = field(default_factory=list)
    unexpected: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, name: str, item) -> None:
        with self.lock:
            getattr(self, name).append(item)

    def after(self, name: str, moment: float) -> int:
        with self.lock:
            return sum(1 for item in getattr(self, name) if item[0] > moment)


def _outage(tally: Tally, kind: str, response) -> bool:
    """Record a 503 answer (True), or an answer nobody expected (False)."""
    if response.status_code == 503:
        tally.add(
            "outages",
            (
                time.monotonic(),
                kind,
                response.status_code,
                OUTAGE_TEXT in response.text,
                response.headers.get("Retry-After", ""),
            ),
        )
        return True
    tally.add("unexpected", (kind, response.status_code, response.text[:400]))
    return False


class _Unexpected(Exception):
    """An answer that is neither success nor the outage page: the client stops."""


def _form(client: Client, path: str, tally: Tally, kind: str):
    """The form page at *path*, or None (after a pause) while the site answers 503."""
    page = client.get(path)
    if page.status_code == 200:
        return page
    if not _outage(tally, kind, page):
        raise _Unexpected
    time.sleep(0.3)
    return None


def _portal_load(client: Client, ids: dict, tally: Tally, stop: threading.Event) -> None:
    path = f"/thu-tuc/{PROCEDURE}/nop-ho-so/"
    while not stop.is_set():
        key = str(uuid.uuid4())  # one press of "Nộp hồ sơ", retried with the same key
        while not stop.is_set():
            try:
                page = _form(client, path, tally, "portal form")
                if page is None:
                    continue
                fields, files = submission(page.text, key=key, unit=ids["unit"])
                answer = client.post(path, fields, files=files)
            except _Unexpected:
                return
            except Exception as exc:  # a broken connection is not an answer  # noqa: BLE001
                tally.add("unexpected", ("portal", 0, repr(exc)))
                return
            if answer.status_code == 302:
                tally.add("submitted", (time.monotonic(), key))
                break
            if not _outage(tally, "portal submit", answer):
                return
            time.sleep(0.3)


def _desk_load(client: Client, ids: dict, tally: Tally, stop: threading.Event, number: int) -> None:
    path = f"/desk/receive/?unit={ids['unit']}&procedure={ids['procedure_id']}"
    for turn in range(10_000):
        if stop.is_set():
            return
        name = f"Khách quầy {number}-{turn}"
        try:
            page = _form(client, path, tally, "desk form")
            if page is None:
                continue
            answer = client.post(
                "/desk/receive/",
                {
                    "csrfmiddlewaretoken": csrf_token(page.text),
                    "unit": ids["unit"],
                    "procedure": ids["procedure_id"],
                    "applicant_kind": "individual",
                    "applicant_name": name,
                    "applicant_phone": "0912000222",
                    "channel": "1",
                    "delivery": "counter",
                    "doc_0": "on",
                },
                files={"file_0": ("ban-scan.pdf", PDF, "application/pdf")},
            )
        except _Unexpected:
            return
        except Exception as exc:  # noqa: BLE001
            tally.add("unexpected", ("desk", 0, repr(exc)))
            return
        if answer.status_code == 302 and "/desk/dossiers/" in answer.headers["Location"]:
            tally.add("received", (time.monotonic(), int(answer.headers["Location"].split("/")[3])))
        elif _outage(tally, "desk receive", answer):
            tally.add("refused_names", name)
            time.sleep(0.3)
        else:
            return


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of the project's models."""
    return [
        (model._meta.db_table, f.column)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]


def test_the_database_killed_under_load_loses_nothing_and_the_site_recovers_by_itself(
    fault_site, tmp_path
):
    site, mariadb = fault_site, fault_site.mariadb
    (unit_id,) = site.rows("SELECT id FROM units_unit WHERE agency_code=%s", UNIT_CODE)[0]
    (procedure_id,) = site.rows(
        "SELECT id FROM procedures_procedure WHERE national_code=%s", PROCEDURE
    )[0]
    ids = {"unit": unit_id, "procedure_id": procedure_id}
    (last_before,) = site.rows("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossier")[0]

    redis = RedisServer()
    redis.start()
    web = Web(site.env(redis_url=redis.url), workers=3, log=tmp_path / "web.log")
    web.start()
    tally, stop, threads = Tally(), threading.Event(), []
    try:
        assert wait_until(web.live, timeout=300)
        for _ in range(PORTAL_THREADS):
            client = Client(web.port)
            client.login("/tai-khoan/dang-nhap/", CITIZEN, site.password(CITIZEN))
            threads.append(threading.Thread(target=_portal_load, args=(client, ids, tally, stop)))
        for number in range(DESK_THREADS):
            client = Client(web.port)
            client.login("/admin/login/?next=/desk/", OFFICER, site.password(OFFICER))
            threads.append(
                threading.Thread(target=_desk_load, args=(client, ids, tally, stop, number))
            )
        for thread in threads:
            thread.start()
        begun = time.monotonic()
        assert wait_until(
            lambda: tally.after("submitted", begun) >= 3 and tally.after("received", begun) >= 3,
            timeout=180,
        ), tally.unexpected
        workers = web.worker_pids()

        killed = time.monotonic()
        mariadb.stop(kill=True)
        assert wait_until(lambda: tally.after("outages", killed) >= 6, timeout=60), tally
        restarted = time.monotonic()
        mariadb.start()
        assert wait_until(
            lambda: (
                tally.after("submitted", restarted) >= 3 and tally.after("received", restarted) >= 3
            ),
            timeout=180,
        ), (tally.unexpected, tally.outages[-3:], (tmp_path / "web.log").read_text()[-3000:])
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        web_workers_after = web.worker_pids() if web.process else set()
        web.stop()
        redis.stop()

    # -- what the clients saw
    outages = [o for o in tally.outages if o[0] > killed]
    kinds = Counter(kind for _t, kind, *_ in outages)
    print(
        f"\nclients saw: {len(tally.submitted)} online submissions and {len(tally.received)} "
        f"counter receptions accepted ({tally.after('submitted', restarted)} + "
        f"{tally.after('received', restarted)} after the restart); {len(tally.outages)} outage "
        f"pages {dict(kinds)}; {len(tally.refused_names)} receptions refused by the outage"
    )
    assert tally.unexpected == []
    assert outages and all(
        (status, text, retry) == (503, True, "30") for _t, _k, status, text, retry in outages
    )
    # the same web workers served before and after: nothing was restarted
    assert web_workers_after == workers, (workers, web_workers_after)

    # -- what the database holds
    keys = [key for _t, key in tally.submitted]
    stored_keys = dict(
        site.rows(
            "SELECT REPLACE(s.`key`, '-', ''), s.dossier_id FROM portal_submission s "
            "JOIN dossiers_dossier d ON d.id = s.dossier_id WHERE d.id > %s",
            last_before,
        )
    )
    received = {pk for _t, pk in tally.received}
    dossiers = {
        pk: (channel, status)
        for pk, channel, status in site.rows(
            "SELECT id, channel, status FROM dossiers_dossier WHERE id > %s", last_before
        )
    }
    missing_keys = [k for k in keys if k.replace("-", "") not in stored_keys]
    missing_receptions = received - set(dossiers)
    names_stored = site.rows(
        "SELECT COUNT(*) FROM dossiers_dossier WHERE id > %s AND applicant_name IN ("
        + ",".join(["%s"] * len(tally.refused_names) or ["''"])
        + ")",
        last_before,
        *tally.refused_names,
    )[0][0]
    print(
        f"stored: {len(dossiers)} dossiers ({len(stored_keys)} online, "
        f"{sum(1 for c, _ in dossiers.values() if c == 1)} at the counter); submissions seen "
        f"accepted and not stored: {len(missing_keys)}; receptions seen accepted and not stored: "
        f"{len(missing_receptions)}; receptions answered 503 yet committed: {names_stored}"
    )
    assert missing_keys == [] and missing_receptions == set()
    assert len(set(stored_keys.values())) == len(stored_keys)  # one dossier per key

    # -- no half-written dossier
    events = Counter(
        (pk, action)
        for pk, action in site.rows(
            "SELECT dossier_id, action FROM dossiers_dossierevent WHERE dossier_id > %s",
            last_before,
        )
    )
    documents = Counter(
        pk
        for (pk,) in site.rows(
            "SELECT dossier_id FROM dossiers_dossierdocument WHERE dossier_id > %s AND file <> ''",
            last_before,
        )
    )
    steps = Counter(
        pk
        for (pk,) in site.rows(
            "SELECT dossier_id FROM dossiers_dossierstep WHERE dossier_id > %s", last_before
        )
    )
    half = [
        pk
        for pk, (channel, status) in dossiers.items()
        if events[pk, "receive"] != 1
        or documents[pk] != 1
        or (channel == 1 and (events[pk, "start"] != 1 or steps[pk] < 1 or status != "in_progress"))
        or (channel == 2 and status != "submitted")
    ]
    print(f"half-written dossiers: {len(half)}")
    assert half == []

    # -- no orphan file, no missing file
    named = {
        name
        for table, column in _file_columns()
        for (name,) in site.rows(f"SELECT `{column}` FROM `{table}` WHERE `{column}` <> ''")
    }
    on_disk = site.files()
    orphans, lost = on_disk - named, named - on_disk
    cut = sum(1 for _t, kind, *_ in tally.outages if kind in ("portal submit", "desk receive"))
    # a file whose COMMIT was cut is kept on purpose (the row may have committed); the daily
    # sweep removes it (core/orphan_files.py), run here at once
    swept = site.manage("files_orphans", "--delete", "--min-age-minutes", "0")
    print(
        f"files: {len(on_disk)} in the store, {len(named)} named by rows; missing {len(lost)}; "
        f"orphans {len(orphans)} (posts cut by the outage: {cut}); sweep: {swept.strip()}"
    )
    assert lost == set()
    assert len(orphans) <= cut
    assert site.files() == named

    # -- the day's codes at the counter: 1..last, no gap, no duplicate
    day = timezone.localdate()
    prefix = f"{UNIT_CODE}-{day:%y%m%d}-"
    codes = [
        c
        for (c,) in site.rows("SELECT code FROM dossiers_dossier WHERE code LIKE %s", prefix + "%")
    ]
    (last,) = site.rows(
        "SELECT c.last FROM dossiers_dossiercodecounter c JOIN units_unit u ON u.id = c.unit_id "
        "WHERE u.agency_code = %s AND c.day = %s",
        UNIT_CODE,
        day,
    )[0]
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    print(
        f"codes {prefix}…: {len(codes)} dossiers, counter at {last}, "
        f"duplicates {len(numbers) - len(set(numbers))}, gaps {last - len(set(numbers))}"
    )
    assert numbers == list(range(1, last + 1))
