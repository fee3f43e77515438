"""Shared pytest setup for every test package.

Hypothesis profiles: "dev" (the default) keeps property tests quick while working; "ci" (set by
``make test`` through ``HYPOTHESIS_PROFILE=ci``) explores many more cases. A test that needs more asks for a
multiple of ``settings.default.max_examples``, so it scales with the profile.

The lifecycle ``world`` is built once per test module where it can be, as Django's
``TestCase.setUpTestData`` does: in a module whose every database test asks for ``world`` and none
is transactional, the world is built inside a transaction opened for the module; each test runs
in a savepoint inside it (rolled back after the test, as always) and gets a deep copy of the
world's objects, so neither its rows nor its in-memory changes reach the next test. Elsewhere
(transactional tests, modules with tests that must not see the world's rows) each test builds its
own world, as before.
"""

import copy
import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from pytest_django.fixtures import validate_django_db

from tests import builders

settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def admin_client_vi(client, django_user_model):
    """A test client logged in as a superuser, with the desk in Vietnamese."""
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client


#: Module node ids where the world is built once for the module (see the module docstring).
SHARED_WORLD = pytest.StashKey[frozenset]()


def _db_test(item) -> tuple[bool, bool]:
    """(uses the database, is transactional), decided as pytest-django decides it."""
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    transactional = bool({"transactional_db", "live_server", "django_db_reset_sequences"} & names)
    if marker:
        transaction_, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction_ or reset_sequences
    return bool(marker) or "db" in names or transactional, transactional


def _modules_sharing_the_world(items) -> frozenset:
    """Files whose database tests all ask for ``world`` and none is transactional."""
    verdict: dict[str, bool] = {}
    for item in items:
        uses_db, transactional = _db_test(item)
        if uses_db:
            path = item.nodeid.split("::")[0]
            shares = not transactional and "world" in item.fixturenames
            verdict[path] = verdict.get(path, True) and shares
    return frozenset(path for path, shares in verdict.items() if shares)


@pytest.fixture(scope="module")
def _module_world(request, django_db_setup, django_db_blocker):
    """The world of a module that shares it, built in a transaction held for the module."""
    if request.node.nodeid.split("::")[0] not in request.config.stash.get(
        SHARED_WORLD, frozenset()
    ):
        yield None
        return
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block._from_testcase = True  # as TestCase marks its class-wide atomic (durable checks)
        block.__enter__()
    try:
        with django_db_blocker.unblock():
            shared = builders.build_world()
        yield shared
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db):
    """The lifecycle world of :func:`tests.builders.build_world` (a copy of the module's own
    where the module shares one: see the module docstring)."""
    if _module_world is None:
        return builders.build_world()
    return copy.deepcopy(_module_world)


@pytest.fixture
def applicant():
    return builders.applicant_fields()


@pytest.fixture
def documents():
    return builders.received_documents()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (the fault tests) run only when ``-m`` names them: ``make test-slow``.
    Also note the modules that share one world (see the module docstring)."""
    config.stash[SHARED_WORLD] = _modules_sharing_the_world(items)
    if "slow" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="fault test: run by make test-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
