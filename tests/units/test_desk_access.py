"""The one "may enter the desk" / "is a desk member" rule (motcua.units.desk_access), as a matrix."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.core.roles import Role
from motcua.units.desk_access import is_desk_member, may_enter_desk
from tests.units.factories import make_levels, make_membership, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit = make_unit("000.00.31.H27", "Quận Hồng Bàng", make_levels()["district"])
    officer = make_user("officer")
    make_membership(officer, unit, Role.SPECIALIST)
    former = make_user("former")
    make_membership(former, unit, Role.SPECIALIST, is_active=False)
    citizen_member = make_user("citizen", is_staff=False)
    make_membership(citizen_member, unit, Role.SPECIALIST)
    inactive = make_user("inactive", is_active=False)
    make_membership(inactive, unit, Role.SPECIALIST)
    return {
        "anonymous": AnonymousUser(),
        "officer": officer,
        "former officer": former,
        "staff without membership": make_user("lonely"),
        "not staff": citizen_member,
        "inactive": inactive,
        "superuser": make_user("root", is_superuser=True),
    }


@pytest.mark.parametrize(
    ("who", "enters", "member"),
    [
        ("anonymous", False, False),
        ("officer", True, True),
        ("former officer", True, False),
        ("staff without membership", True, False),
        ("not staff", False, False),
        ("inactive", False, False),
        ("superuser", True, True),
    ],
)
def test_who_enters_the_desk_and_who_is_a_member(people, who, enters, member):
    user = people[who]
    assert may_enter_desk(user) is enters
    assert is_desk_member(SimpleNamespace(user=user)) is member


def test_the_membership_answer_is_asked_once_per_request(people, django_assert_num_queries):
    request = SimpleNamespace(user=people["officer"])
    assert is_desk_member(request)
    with django_assert_num_queries(0):
        assert is_desk_member(request)
