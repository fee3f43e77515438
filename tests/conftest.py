"""Shared pytest setup for every test package.

Hypothesis profiles: "dev" (the default) keeps property tests quick while working; "ci" (set by
``make test`` through ``HYPOTHESIS_PROFILE=ci``) explores many more cases. A test that needs more asks for a
multiple of ``settings.default.max_examples``, so it scales with the profile.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

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


@pytest.fixture
def world(db):
    """The lifecycle world of :func:`tests.builders.build_world`."""
    return builders.build_world()


@pytest.fixture
def applicant():
    return builders.applicant_fields()


@pytest.fixture
def documents():
    return builders.received_documents()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (the fault tests) run only when ``-m`` names them: ``make test-slow``."""
    if "slow" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="fault test: run by make test-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
