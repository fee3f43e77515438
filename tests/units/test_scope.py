"""Who may work where: the scope selectors as a matrix (docs/architecture.md, Scope)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.core.roles import Role
from motcua.units.backends import MembershipBackend
from motcua.units.models import MembershipScope
from motcua.units.selectors import units_in_scope, user_roles_in_unit
from motcua.units.services import membership_create, unit_move
from tests.units.factories import make_membership, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    leader = make_user("lanhdao")
    make_membership(leader, tree.d1, Role.UNIT_LEADER)
    officer = make_user("motcua")
    make_membership(officer, tree.d1, Role.RECEPTION_OFFICER)
    specialist = make_user("chuyenvien")
    make_membership(specialist, tree.c1, Role.SPECIALIST)
    supervisor = make_user("giamsat")
    make_membership(supervisor, tree.p, Role.SUPERVISOR)
    return {
        "leader": leader,
        "officer": officer,
        "specialist": specialist,
        "supervisor": supervisor,
        "nobody": make_user("khongphancong"),
        "superuser": make_user("quantri", is_superuser=True),
    }


def _codes(units):
    return {u.agency_code for u in units}


ALL = {
    "000.00.00.H27",
    "000.00.31.H27",
    "000.00.32.H27",
    "000.00.01.H27",
    "000.31.31.H27",
    "000.32.31.H27",
    "000.33.32.H27",
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("superuser", ALL),
        ("supervisor", ALL),
        ("leader", {"000.00.31.H27", "000.31.31.H27", "000.32.31.H27"}),
        ("officer", {"000.00.31.H27"}),
        ("specialist", {"000.31.31.H27"}),
        ("nobody", set()),
    ],
)
def test_units_in_scope_matrix(people, who, expected):
    assert _codes(units_in_scope(user=people[who])) == expected


def test_scope_default_comes_from_the_role(people):
    assert people["leader"].memberships.get().scope == MembershipScope.SUBTREE
    assert people["officer"].memberships.get().scope == MembershipScope.UNIT
    assert people["supervisor"].memberships.get().scope == MembershipScope.SUBTREE


def test_an_explicit_unit_scope_limits_a_leader(tree):
    leader = make_user("lanhdao_phuong")
    make_membership(leader, tree.d2, Role.UNIT_LEADER, scope=MembershipScope.UNIT)
    assert _codes(units_in_scope(user=leader)) == {"000.00.32.H27"}


def test_scope_is_the_union_of_memberships_and_can_filter_by_role(people, tree):
    officer = people["officer"]
    make_membership(officer, tree.d2, Role.UNIT_LEADER)
    assert _codes(units_in_scope(user=officer)) == {
        "000.00.31.H27",
        "000.00.32.H27",
        "000.33.32.H27",
    }
    by_role = units_in_scope(user=officer, roles=[Role.RECEPTION_OFFICER])
    assert _codes(by_role) == {"000.00.31.H27"}


def test_inactive_membership_or_user_gives_nothing(people):
    people["leader"].memberships.update(is_active=False)
    assert units_in_scope(user=people["leader"]).count() == 0
    officer = people["officer"]
    officer.is_active = False
    assert units_in_scope(user=officer).count() == 0
    assert units_in_scope(user=AnonymousUser()).count() == 0


@pytest.mark.parametrize(
    ("who", "unit", "expected"),
    [
        ("leader", "d1", {Role.UNIT_LEADER}),
        ("leader", "c1", {Role.UNIT_LEADER}),  # through the subtree membership of D1
        ("leader", "c3", set()),
        ("leader", "p", set()),  # a subtree reaches down, never up
        ("officer", "d1", {Role.RECEPTION_OFFICER}),
        ("officer", "c1", set()),  # unit scope does not reach the communes
        ("specialist", "c1", {Role.SPECIALIST}),
        ("supervisor", "c3", {Role.SUPERVISOR}),
        ("nobody", "d1", set()),
        ("superuser", "d1", set()),  # superuser status is not a role
    ],
)
def test_user_roles_in_unit_matrix(people, tree, who, unit, expected):
    assert user_roles_in_unit(user=people[who], unit=getattr(tree, unit)) == expected


def test_roles_held_in_several_ways_are_merged(people, tree):
    make_membership(people["leader"], tree.c1, Role.SPECIALIST)
    assert user_roles_in_unit(user=people["leader"], unit=tree.c1) == {
        Role.UNIT_LEADER,
        Role.SPECIALIST,
    }


def test_a_moved_subtree_moves_the_scope(people, tree):
    # when commune C1 moves from district D1 to district D2
    unit_move(unit=tree.c1, new_parent=tree.d2)
    # then D1's leader loses it and D2's leader gains it; the specialist in C1 keeps it
    d2_leader = make_user("lanhdao_lechan")
    make_membership(d2_leader, tree.d2, Role.UNIT_LEADER)
    assert "000.31.31.H27" not in _codes(units_in_scope(user=people["leader"]))
    assert user_roles_in_unit(user=people["leader"], unit=tree.c1) == set()
    assert "000.31.31.H27" in _codes(units_in_scope(user=d2_leader))
    assert user_roles_in_unit(user=d2_leader, unit=tree.c1) == {Role.UNIT_LEADER}
    assert _codes(units_in_scope(user=people["specialist"])) == {"000.31.31.H27"}
    assert user_roles_in_unit(user=people["supervisor"], unit=tree.c1) == {Role.SUPERVISOR}


def test_membership_create_rejects_a_duplicate(people, tree):
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        membership_create(
            user=people["officer"],
            unit=tree.d1,
            role=Group.objects.get(name=Role.RECEPTION_OFFICER),
        )
    assert "đã được phân công vai trò này" in str(excinfo.value)


def test_membership_backend_grants_the_role_permissions(people):
    backend = MembershipBackend()
    specialist = people["specialist"]
    assert specialist.groups.count() == 0
    assert backend.has_perm(specialist, "procedures.view_procedure")
    assert not backend.has_perm(specialist, "procedures.change_procedure")
    specialist.memberships.update(is_active=False)
    specialist = type(specialist).objects.get(pk=specialist.pk)  # drop the permission cache
    assert not backend.has_perm(specialist, "procedures.view_procedure")
