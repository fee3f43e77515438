"""A read-only desk page reads the user's memberships once (motcua.units.middleware), and a
membership written in the same block is not answered from what was read before it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.roles import Role
from motcua.units.selectors import holds_role, memberships_remembered, user_roles_in_unit
from tests.builders import at
from tests.desk.conftest import receive
from tests.units.factories import make_membership

pytestmark = pytest.mark.django_db

MEMBERSHIP_READ = re.compile(r"FROM [`\"]units_membership[`\"]")


def _membership_reads(queries) -> int:
    return sum(1 for q in queries if MEMBERSHIP_READ.search(q["sql"]))


def test_a_desk_page_reads_the_memberships_once(world, applicant, documents, login):
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    client = login(world.users.reception)
    for path in ("/desk/", f"/desk/dossiers/{dossier.pk}/", "/desk/search/?q=nguyen"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert _membership_reads(queries.captured_queries) == 1, path


def test_a_membership_written_in_the_block_is_read_again(world):
    user, unit = world.users.reception, world.units.d
    with memberships_remembered():
        assert not holds_role(user=user, roles=[Role.UNIT_LEADER])
        membership = make_membership(user, unit, Role.UNIT_LEADER)
        assert holds_role(user=user, roles=[Role.UNIT_LEADER])
        assert Role.UNIT_LEADER in user_roles_in_unit(user=user, unit=unit)
        membership.is_active = False
        membership.save()
        assert not holds_role(user=user, roles=[Role.UNIT_LEADER])
        assert Role.UNIT_LEADER not in user_roles_in_unit(user=user, unit=unit)
