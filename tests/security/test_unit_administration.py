"""A unit administrator administers their subtree only, and cannot raise their own rights.

Each test tries one escalation an auditor would try (superuser, staff of others, a role above,
another district's units, memberships, procedures, groups, permissions) and checks that nothing
changed in the database.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from motcua.procedures.models import Procedure
from motcua.units.models import Membership, Unit
from tests.units.factories import make_membership, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def _user_form(user, **overrides):
    data = {
        "username": user.username,
        "first_name": "Văn",
        "last_name": "Nguyễn",
        "email": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_the_role_exists_with_subtree_scope_and_no_auth_group_rights(admins):
    group = Group.objects.get(name="unit_administrator")
    codes = set(group.permissions.values_list("codename", flat=True))
    assert {"change_unit", "add_membership", "change_user", "change_procedure"} <= codes
    assert not codes & {"change_group", "add_group", "change_permission", "delete_user"}
    membership = Membership.objects.get(user=admins.d1_admin)
    assert membership.scope == "subtree"


def test_a_unit_administrator_cannot_make_themselves_superuser_or_staff_of_others(
    d1_client, admins
):
    # given: the D1 administrator posts every flag on their own and a C1 officer's page
    for target in (admins.d1_admin, admins.specialist):
        response = d1_client.post(
            f"/admin/auth/user/{target.pk}/change/",
            _user_form(
                target,
                is_superuser="on",
                is_staff="",
                groups=[Group.objects.get(name="administrator").pk],
                user_permissions=list(Permission.objects.values_list("pk", flat=True)[:5]),
            ),
        )
        assert response.status_code in (200, 302)
    # then: no flag, group or permission changed
    for target in (admins.d1_admin, admins.specialist):
        target.refresh_from_db()
        assert not target.is_superuser
        assert target.is_staff
        assert not target.groups.exists()
        assert not target.user_permissions.exists()


def test_the_user_page_hides_the_flags_from_a_unit_administrator(d1_client, admins):
    page = d1_client.get(f"/admin/auth/user/{admins.specialist.pk}/change/").content.decode()
    for field in ("is_superuser", "is_staff", "user_permissions", 'name="groups"'):
        assert field not in page


def test_a_unit_administrator_sees_only_users_of_their_subtree(d1_client, admins):
    page = d1_client.get("/admin/auth/user/").content.decode()
    assert admins.specialist.username in page
    assert admins.outsider.username not in page
    assert admins.leader.username not in page
    assert d1_client.get(f"/admin/auth/user/{admins.outsider.pk}/change/").status_code == 302


def test_a_unit_administrator_cannot_reset_the_password_of_a_wider_account(d1_client, admins, tree):
    # the province leader also works in C1: resetting their password would take over the province
    make_membership(admins.leader, tree.c1, "specialist")
    url = f"/admin/auth/user/{admins.leader.pk}/password/"
    response = d1_client.post(url, {"password1": "Mk-moi-2026!", "password2": "Mk-moi-2026!"})
    assert response.status_code in (302, 403, 404)
    admins.leader.refresh_from_db()
    assert admins.leader.check_password("x")


def test_a_unit_administrator_cannot_grant_themselves_a_role(d1_client, admins, tree):
    role = Group.objects.get(name="unit_leader")
    for unit in (tree.d1, tree.p):
        d1_client.post(
            "/admin/units/membership/add/",
            {"user": admins.d1_admin.pk, "unit": unit.pk, "role": role.pk, "scope": "subtree"},
        )
    assert not Membership.objects.filter(user=admins.d1_admin, role=role).exists()


def test_a_unit_administrator_cannot_grant_a_role_above_or_outside(d1_client, admins, tree):
    cases = [
        (tree.c1, "administrator"),  # a site-only role, even in the subtree
        (tree.p, "unit_administrator"),  # a unit above
        (tree.d2, "specialist"),  # a unit beside
    ]
    for unit, role in cases:
        response = d1_client.post(
            "/admin/units/membership/add/",
            {
                "user": admins.specialist.pk,
                "unit": unit.pk,
                "role": Group.objects.get(name=role).pk,
                "scope": "",
                "is_active": "on",
            },
        )
        assert response.status_code == 200  # the form answers with its error
    assert Membership.objects.filter(user=admins.specialist).count() == 1


def test_a_unit_administrator_grants_a_role_in_their_subtree(d1_client, admins, tree):
    response = d1_client.post(
        "/admin/units/membership/add/",
        {
            "user": admins.specialist.pk,
            "unit": tree.c2.pk,
            "role": Group.objects.get(name="reception_officer").pk,
            "scope": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=admins.specialist, unit=tree.c2).exists()


def test_a_custom_group_with_more_rights_than_the_administrator_is_not_grantable(
    d1_client, admins, tree
):
    strong = Group.objects.create(name="nhom_manh")
    strong.permissions.add(Permission.objects.get(codename="change_group"))
    d1_client.post(
        "/admin/units/membership/add/",
        {"user": admins.specialist.pk, "unit": tree.c1.pk, "role": strong.pk, "is_active": "on"},
    )
    assert not Membership.objects.filter(role=strong).exists()


def test_a_unit_administrator_cannot_edit_memberships_outside_their_subtree(
    d1_client, admins, tree
):
    outside = Membership.objects.get(user=admins.outsider)
    response = d1_client.post(
        f"/admin/units/membership/{outside.pk}/change/",
        {"user": admins.outsider.pk, "unit": tree.d2.pk, "role": outside.role_id, "scope": ""},
    )
    assert response.status_code in (302, 403, 404)
    outside.refresh_from_db()
    assert outside.scope == "unit" and outside.is_active
    assert d1_client.post(f"/admin/units/membership/{outside.pk}/delete/", {"post": "yes"})
    assert Membership.objects.filter(pk=outside.pk).exists()


def test_a_unit_administrator_sees_and_changes_only_their_units(d1_client, admins, tree, levels):
    page = d1_client.get("/admin/units/unit/").content.decode()
    assert tree.c1.name in page and tree.d2.name not in page
    # an edit of a unit beside is refused, and a new unit cannot hang from a unit above
    d1_client.post(
        f"/admin/units/unit/{tree.d2.pk}/change/",
        {"agency_code": tree.d2.agency_code, "name": "=HACK", "level": levels["district"].pk},
    )
    d1_client.post(
        "/admin/units/unit/add/",
        {
            "agency_code": "000.00.39.H27",
            "name": "Quận mới",
            "level": levels["district"].pk,
            "parent": tree.p.pk,
            "is_active": "on",
        },
    )
    assert Unit.objects.get(pk=tree.d2.pk).name != "=HACK"
    assert not Unit.objects.filter(agency_code="000.00.39.H27").exists()


def test_a_unit_administrator_cannot_move_their_own_unit(d1_client, admins, tree, levels):
    d1_client.post(
        f"/admin/units/unit/{tree.d1.pk}/change/",
        {
            "agency_code": tree.d1.agency_code,
            "name": tree.d1.name,
            "level": levels["district"].pk,
            "parent": tree.s1.pk,
            "is_active": "on",
        },
    )
    assert Unit.objects.get(pk=tree.d1.pk).parent_id == tree.p.pk


def test_a_unit_administrator_cannot_touch_groups_or_permissions(d1_client, admins):
    group = Group.objects.get(name="unit_administrator")
    assert d1_client.get("/admin/auth/group/").status_code == 403
    d1_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )
    assert not group.permissions.filter(codename="change_group").exists()


def test_a_unit_administrator_changes_only_procedures_applied_in_their_subtree(
    d1_client, admins, tree, levels
):
    from motcua.procedures.models import Sector

    sector = Sector.objects.create(code="XD", name="Xây dựng")

    def applied(code, name, *units):
        procedure = Procedure.objects.create(
            national_code=code,
            name=name,
            sector=sector,
            level=levels["commune"],
            processing_amount=5,
        )
        procedure.units.add(*units)
        return procedure

    mine = applied("1.000001", "Thủ tục phường", tree.c1)
    shared = applied("1.000002", "Thủ tục dùng chung", tree.c1, tree.c3)
    other = applied("1.000003", "Thủ tục quận khác", tree.c3)
    page = d1_client.get("/admin/procedures/procedure/").content.decode()
    assert mine.name in page and shared.name in page and other.name not in page
    assert d1_client.get(f"/admin/procedures/procedure/{other.pk}/change/").status_code == 302
    from django.test import RequestFactory

    from motcua.procedures.admin import ProcedureAdmin

    request = RequestFactory().get("/")
    request.user = admins.d1_admin
    model_admin = ProcedureAdmin(Procedure, admin.site)
    assert model_admin.has_change_permission(request, mine)
    assert not model_admin.has_change_permission(request, shared)
    assert not model_admin.has_import_permission(request)


def test_a_new_account_by_a_unit_administrator_starts_in_their_subtree(d1_client, admins, tree):
    role = Group.objects.get(name="specialist")
    response = d1_client.post(
        "/admin/auth/user/add/",
        {
            "username": "cv_moi",
            "password1": "Mat-khau-2026!",
            "password2": "Mat-khau-2026!",
            "usable_password": "true",
            "unit": tree.c2.pk,
            "role": role.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="cv_moi")
    assert user.is_staff and not user.is_superuser
    assert list(user.memberships.values_list("unit_id", "role__name")) == [
        (tree.c2.pk, "specialist")
    ]


def test_the_site_administrator_still_sees_everything(client, admins, tree):
    site_admin = make_user("qt_tinh")
    make_membership(site_admin, tree.p, "administrator")
    client.force_login(site_admin)
    page = client.get("/admin/auth/user/").content.decode()
    assert admins.outsider.username in page and admins.leader.username in page
    assert client.get("/admin/auth/group/").status_code == 200
