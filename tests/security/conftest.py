"""Fixtures for the security tests: the unit tree of ``tests/units`` and its administrators."""

from types import SimpleNamespace

import pytest
import time_machine

from motcua.dossiers import services
from tests.dossiers import conftest as lifecycle
from tests.units.conftest import levels, tree  # noqa: F401  (re-exported fixtures)
from tests.units.factories import make_membership, make_user

# The lifecycle fixtures, re-exported (pytest_plugins is only allowed in the root conftest).
# ``world`` and ``tree`` build the same agency codes: a test uses one or the other.
world = lifecycle.world
applicant = lifecycle.applicant
documents = lifecycle.documents


@pytest.fixture
def received(world, applicant, documents):
    """A dossier received at the Hồng Bàng counter on Mon 3/3/2025 09:00."""
    with time_machine.travel(lifecycle.at(2025, 3, 3, 9, 0), tick=False):
        return services.dossier_receive(
            user=world.users.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
        )


@pytest.fixture
def admins(tree):  # noqa: F811
    """D1's unit administrator, a specialist in C1 and a leader of the province P."""
    d1_admin = make_user("qt_hongbang")
    make_membership(d1_admin, tree.d1, "unit_administrator")
    specialist = make_user("cv_hoangvanthu")
    make_membership(specialist, tree.c1, "specialist")
    outsider = make_user("cv_lechan")
    make_membership(outsider, tree.d2, "specialist")
    leader = make_user("ld_haiphong")
    make_membership(leader, tree.p, "unit_leader")
    return SimpleNamespace(
        d1_admin=d1_admin, specialist=specialist, outsider=outsider, leader=leader
    )


@pytest.fixture
def d1_client(client, admins):
    client.force_login(admins.d1_admin)
    client.cookies["django_language"] = "vi"
    return client
