"""Liveness, readiness, metrics, the request id and the 503 page of an outage."""

from __future__ import annotations

import json
import logging
import os
import socket

import pytest
from django.test import override_settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_liveness_and_readiness_answer_the_load_balancer(client):
    assert client.get("/health/live/").content == b"ok"
    response = client.get("/health/ready/")
    report = response.json()
    assert response.status_code == 200, report
    assert {name for name, check in report["checks"].items() if check["ok"]} == {
        "database",
        "redis",
        "storage",
    }
    assert "last_sweep" in report and "outbox_pending" in report


@pytest.mark.django_db
def test_a_file_store_that_does_not_answer_makes_the_process_not_ready(client, settings):
    from django.core.files.storage import storages

    # given an object store on a port where nothing listens
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "b",
                "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
                "access_key": "k",
                "secret_key": "s",
                "region_name": "us-east-1",
                "client_config": __import__("config.operation").operation._s3_client_config(),
            },
        },
    }
    storages._storages.pop("default", None)
    try:
        response = client.get("/health/ready/")
    finally:
        storages._storages.pop("default", None)
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


@pytest.mark.django_db
def test_metrics_are_for_the_monitoring_network_only(client, settings):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'motcua_up{check="database"} 1.0' in body
    assert "django_http_requests_total_by_method_total" in body
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    # behind a trusted proxy the forwarded client counts, not the proxy's loopback address
    settings.MOTCUA_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.MOTCUA_CLIENT_IP_HEADER = "X-Forwarded-For"
    forwarded = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forwarded.status_code == 403


@pytest.mark.django_db
def test_the_request_id_is_taken_from_the_proxy_or_made_and_returned(client):
    assert client.get("/health/live/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    made = client.get("/health/live/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert made != "<script>" and len(made) == 32


def test_log_lines_are_json_with_the_request_id(capsys):
    from config.operation import logging_config
    from motcua.ops.requestid import _current

    config = logging_config(json_lines=True)
    logging.config.dictConfig(config | {"root": {"handlers": ["console"], "level": "INFO"}})
    token = _current.set("rid-42")
    try:
        logging.getLogger("motcua.test").info("hồ sơ đã nhận")
    finally:
        _current.reset(token)
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["request_id"] == "rid-42" and line["message"] == "hồ sơ đã nhận"
    assert line["level"] == "INFO" and line["logger"] == "motcua.test"


def _log_in_job():
    from motcua.ops.requestid import current_request_id

    return current_request_id()


@pytest.mark.django_db
def test_a_job_enqueued_by_a_request_carries_its_request_id():
    import django_rq
    from rq import SimpleWorker

    from motcua.jobs.queue import job_enqueue
    from motcua.ops.requestid import _current

    url = os.environ.get("MOTCUA_REDIS_URL") or "redis://127.0.0.1:6379/0"
    queues = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}, "low": {"URL": url}}
    # django-rq enqueues at commit by default; the test's transaction never commits
    with override_settings(MOTCUA_JOBS_INLINE=False, RQ_QUEUES=queues, RQ={"COMMIT_MODE": "auto"}):
        queue = django_rq.get_queue("default")
        queue.empty()
        token = _current.set("rid-job-7")
        try:
            job = job_enqueue(_log_in_job)
        finally:
            _current.reset(token)
        assert job.meta["request_id"] == "rid-job-7"
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        job.refresh()
        assert job.return_value() == "rid-job-7"


@pytest.mark.django_db
def test_a_database_outage_answers_the_vietnamese_503_page(rf):
    import MySQLdb
    from django.db import OperationalError

    from motcua.ops.views import server_error

    try:
        try:
            MySQLdb.connect(host="127.0.0.1", port=_closed_port(), connect_timeout=2)
        except MySQLdb.OperationalError as exc:
            raise OperationalError(*exc.args) from exc
    except OperationalError:
        response = server_error(rf.get("/nop-ho-so/"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Hệ thống tạm thời gián đoạn" in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/")).status_code == 500
