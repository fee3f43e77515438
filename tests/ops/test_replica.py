"""The read-replica router: reports read from the replica, the desk reads its own writes.

The "replica" here is a second database alias on the same server and database (a second
connection): it proves which connection each query used; replication itself is MariaDB's
(docs/deploy.md §8 sets it up).
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from motcua.ops import replica


@pytest.fixture
def replica_alias(settings):
    # A connection made here, outside Django's registry of the test's databases (as Django does
    # for threads), so the test may use it; the settings name it, so the router sends reads to it.
    config = dict(connections["default"].settings_dict)
    connections.settings["replica"] = config
    try:
        second = connections.create_connection("replica")
    finally:
        connections.settings.pop("replica")
    connections["replica"] = second
    settings.DATABASES = {**django_settings.DATABASES, "replica": config}
    replica._LAG_CACHE.clear()
    yield second
    second.close()
    del connections["replica"]
    replica._LAG_CACHE.clear()


pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the seeded roles
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]


def test_reports_read_from_the_replica_and_other_pages_from_the_primary(
    admin_client_vi, replica_alias
):
    with (
        CaptureQueriesContext(replica_alias) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        assert admin_client_vi.get("/desk/reports/").status_code == 200
    report_reads = len(on_replica)
    assert report_reads > 0
    with CaptureQueriesContext(replica_alias) as on_replica:
        assert admin_client_vi.get("/desk/").status_code in (200, 302)
    print(f"report page: {report_reads} queries on the replica, {len(on_primary)} on the primary")
    assert len(on_replica) == 0


def test_after_a_change_the_person_reads_the_primary_for_the_pin_time(
    admin_client_vi, replica_alias, settings
):
    import time

    import time_machine

    settings.MOTCUA_REPLICA_PIN_SECONDS = 10
    # a change by this officer (any successful POST)
    assert admin_client_vi.post("/i18n/setlang/", {"language": "vi"}).status_code == 302
    with CaptureQueriesContext(replica_alias) as on_replica:
        assert admin_client_vi.get("/desk/reports/").status_code == 200
    assert len(on_replica) == 0
    # after the pin time the reports go back to the replica
    with (
        time_machine.travel(time.time() + 11, tick=False),
        CaptureQueriesContext(replica_alias) as on_replica,
    ):
        replica._LAG_CACHE.clear()
        assert admin_client_vi.get("/desk/reports/").status_code == 200
    assert len(on_replica) > 0


def test_a_replica_too_far_behind_or_down_is_not_used(admin_client_vi, replica_alias, settings):
    settings.MOTCUA_REPLICA_MAX_LAG_SECONDS = 30
    replica._LAG_CACHE.update(checked=1e18, lag=120.0)  # known lag: two minutes behind
    with CaptureQueriesContext(replica_alias) as on_replica:
        assert admin_client_vi.get("/desk/reports/").status_code == 200
    assert len(on_replica) == 0
    replica._LAG_CACHE.update(checked=1e18, lag=-1.0)  # unreachable
    with CaptureQueriesContext(replica_alias) as on_replica:
        assert admin_client_vi.get("/desk/reports/").status_code == 200
    assert len(on_replica) == 0


def test_the_replica_lag_is_read_from_the_server(replica_alias):
    # a server that is not a replica reports no lag row: counted as 0 seconds
    assert replica.replica_lag() == 0.0
    assert replica.ReplicaRouter().allow_migrate("replica", "dossiers") is False
