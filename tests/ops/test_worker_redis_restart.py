"""A worker killed in the middle of a delivery, then Redis restarted empty: nothing lost, nothing twice.

The site (the private MariaDB of the fault tests, its own ``redis-server`` without persistence)
sends citizens' notices by SMS through a gateway played by this test (a local HTTP server that,
like a brand-name SMS provider, delivers a message on receipt and de-duplicates on the
``Idempotency-Key``), and by e-mail (kept as outgoing mail rows: no mail host).

Counter receptions write their notices to the outbox, online submissions their e-mail receipts;
their commits queue delivery jobs in Redis.
A worker takes them; the gateway holds the first SMS, and the worker and its work-horse are killed
with SIGKILL while the horse waits for the answer (the message went out; our row stays
"sending"). Redis is then killed and started again: every job still queued is gone. Two workers
and the scheduler start, as in production. Nothing re-enqueues the lost jobs by hand: the
scheduler's every-minute runs (``outbox_deliver``, ``notifications_deliver``) take the due rows
from the database, and the row left "sending" is taken up again once its lease
(``delivery_lease_seconds``, short here) has run out, with the same key. Compared afterwards:

* every outbox message delivered, each notice written once per channel (its unique key);
* every SMS notification delivered by the gateway exactly once (the interrupted one was asked
  twice with the same key and delivered once);
* every e-mail notification sent and kept once as outgoing mail, among them the receipt of each
  online submission (a notification written with the dossier, not a job of its own).
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.notifications.test_worker import kill_worker
from tests.ops.faults import CITIZEN, OFFICER, PROCEDURE, PY, ROOT, UNIT_CODE, wait_until
from tests.ops.servers import RedisServer

pytestmark = pytest.mark.slow

RECEPTIONS, SUBMISSIONS = 12, 4

RECEIVE = f"""
from django.contrib.auth import get_user_model
from motcua.dossiers.services import dossier_receive
from motcua.procedures.models import Procedure
from motcua.units.models import Unit
officer = get_user_model().objects.get(username="{OFFICER}")
unit = Unit.objects.get(agency_code="{UNIT_CODE}")
procedure = Procedure.objects.get(national_code="{PROCEDURE}")
document = procedure.documents.first().name
for i in range({RECEPTIONS}):
    dossier_receive(
        user=officer, procedure=procedure, unit=unit,
        applicant={{"applicant_name": f"Công dân {{i}}", "applicant_phone": f"0912{{i:06d}}",
                    "applicant_email": f"congdan{{i}}@example.vn"}},
        documents=[{{"name": document, "received": True}}],
    )
# online submissions: their e-mail receipts are notices too, written with the dossier
import uuid
from motcua.portal.services import dossier_submit
from motcua.portal.snapshot import form_spec
from motcua.procedures.selectors import procedure_current_version
citizen = get_user_model().objects.get(username="{CITIZEN}")
spec = form_spec(procedure_current_version(procedure=procedure).snapshot)
for i in range({SUBMISSIONS}):
    dossier_submit(
        procedure=procedure, unit=unit, user=citizen, key=uuid.uuid4(),
        applicant={{"applicant_name": "Nguyễn Thị Bình", "applicant_email": f"binh{{i}}@example.vn"}},
        form_values={{}}, spec=spec, new_files={{}}, kept={{}}, delivery="counter",
        status_url="https://dichvucong.example.vn/tra-cuu/CODE/",
    )
"""


class Gateway(ThreadingHTTPServer):
    """An SMS gateway: delivers on receipt, once per ``Idempotency-Key``; holds the first request
    (no answer) until ``release`` is set, so the caller can be killed while it waits."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _GatewayHandler)
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()  # key → requests
        self.delivered: Counter[str] = Counter()  # key → messages sent to a phone
        self.held = threading.Event()
        self.release = threading.Event()
        self.held_key = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/send"


class _GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        gateway: Gateway = self.server  # type: ignore[assignment]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Idempotency-Key") or body["ref"]
        with gateway.lock:
            gateway.requests[key] += 1
            if not gateway.delivered[key]:
                gateway.delivered[key] += 1  # the SMS leaves now, whatever happens to the answer
            hold = not gateway.held.is_set()
            if hold:
                gateway.held_key = key
                gateway.held.set()
        if hold:
            gateway.release.wait(timeout=120)
        answer = json.dumps({"id": f"gw-{key}"}).encode()
        with contextlib.suppress(OSError):  # the caller may be dead
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    def log_message(self, *args):
        pass


def _start(env: dict, log: Path, *args: str) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [PY, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_worker_killed_mid_delivery_and_redis_restarted_deliver_everything_once(
    fault_site, tmp_path
):
    from redis import Redis

    site = fault_site
    # what an earlier test of the session sent is not this test's business
    (notes_before,) = site.rows("SELECT COALESCE(MAX(id), 0) FROM notifications_notification")[0]
    (mails_before,) = site.rows("SELECT COALESCE(MAX(id), 0) FROM mailbox_outgoingmail")[0]
    gateway = Gateway()
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    site.configure(gateway_url=gateway.url, lease_seconds=15)
    redis = RedisServer()
    redis.start()
    env = site.env(redis_url=redis.url)
    processes: list[subprocess.Popen] = []
    try:
        # the receptions commit; their outbox kicks wait in Redis for a worker
        site.manage("shell", "-c", RECEIVE, redis_url=redis.url)
        queued = Redis.from_url(redis.url).llen("rq:queue:default")

        worker = _start(env, tmp_path / "worker-1.log", "rqworker", "default", "low")
        held = gateway.held.wait(timeout=180)
        assert held, (tmp_path / "worker-1.log").read_text()[-3000:]
        kill_worker(worker)  # and its work-horse
        gateway.release.set()
        lost = Redis.from_url(redis.url).llen("rq:queue:default")
        redis.stop(kill=True)
        redis.start()  # no persistence: the queues are empty
        print(
            f"\n{RECEPTIONS} receptions and {SUBMISSIONS} submissions queued {queued} jobs; worker "
            f"and work-horse killed while the gateway held {gateway.held_key}; {lost} queued jobs "
            "lost with Redis"
        )

        for n in (2, 3):
            processes.append(
                _start(env, tmp_path / f"worker-{n}.log", "rqworker", "default", "low")
            )
        processes.append(
            _start(env, tmp_path / "scheduler.log", "rqcron", "motcua.jobs.cron_config")
        )

        def settled() -> bool:
            (undelivered,) = site.rows(
                "SELECT COUNT(*) FROM integrations_outboxmessage WHERE delivered_at IS NULL"
            )[0]
            (waiting,) = site.rows(
                "SELECT COUNT(*) FROM notifications_notification "
                "WHERE for_staff = 0 AND status IN ('pending', 'held', 'sending')"
            )[0]
            return undelivered == 0 and waiting == 0

        assert wait_until(settled, timeout=240, step=2), [
            p.read_text()[-2000:] for p in tmp_path.glob("*.log")
        ]
    finally:
        for process in processes:
            _stop(process)
        redis.stop()
        gateway.shutdown()
        site.configure()

    outbox = site.rows("SELECT topic, attempts FROM integrations_outboxmessage")
    notes = site.rows(
        "SELECT id, channel, status, attempts, dedupe_key, provider_message_id, address, subject "
        "FROM notifications_notification WHERE for_staff = 0 AND id > %s",
        notes_before,
    )
    by_status = Counter((channel, status) for _id, channel, status, *_ in notes)
    sms = {
        f"motcua-notification-{pk}": attempts
        for pk, channel, _s, attempts, *_ in notes
        if channel == "sms"
    }
    mails = Counter(
        (to, subject)
        for to, subject in site.rows(
            "SELECT `to`, subject FROM mailbox_outgoingmail WHERE id > %s", mails_before
        )
    )
    email_notes = [
        (address, subject)
        for _i, channel, _s, _a, _k, _p, address, subject in notes
        if channel == "email"
    ]
    print(
        f"outbox: {len(outbox)} messages, all delivered; citizen notifications {dict(by_status)}; "
        f"gateway: {sum(gateway.requests.values())} requests for {len(gateway.requests)} keys, "
        f"{sum(gateway.delivered.values())} SMS delivered, keys asked twice "
        f"{[k for k, n in gateway.requests.items() if n > 1]}; outgoing mail {sum(mails.values())} "
        f"for {len(email_notes)} e-mail notifications"
    )
    assert len({key for *_, key, _p, _a, _s in notes}) == len(notes)  # one per notice and channel
    assert {status for _i, _c, status, *_ in notes} == {"sent"}
    assert set(gateway.delivered) == set(sms) and set(gateway.delivered.values()) == {1}
    assert {k for k, n in gateway.requests.items() if n > 1} == {gateway.held_key}
    assert sms[gateway.held_key] == 2  # the interrupted attempt and the one after the lease
    assert all(mails[pair] == 1 for pair in email_notes)
    # every online dossier's receipt, written with the dossier (its queued job is no more)
    receipts = site.rows(
        "SELECT d.code, COUNT(m.id) FROM dossiers_dossier d LEFT JOIN mailbox_outgoingmail m "
        "ON m.subject = CONCAT('Đã nộp hồ sơ ', d.code) WHERE d.channel = 2 "
        "AND d.applicant_email <> '' GROUP BY d.code"
    )
    print(
        f"online dossiers with an e-mail: {len(receipts)}, receipts kept per dossier: "
        f"{dict(Counter(n for _c, n in receipts))}"
    )
    assert receipts and {n for _c, n in receipts} == {1}
