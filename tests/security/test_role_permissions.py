"""The role permission page: roles × objects × rights, the scope each role reads at, audited."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from motcua.security.models import SecurityEvent, SecurityEventKind
from tests.units.factories import make_membership, make_user

pytestmark = pytest.mark.django_db
URL = "/admin/security/securityevent/role-permissions/"


@pytest.fixture
def site_client(client, tree):
    site_admin = make_user("qt_tinh", last_name="Trần Thị", first_name="Hoa")
    make_membership(site_admin, tree.p, "administrator")
    client.force_login(site_admin)
    return client


def test_the_page_lists_roles_with_their_scope(site_client):
    page = site_client.get(URL).content.decode()
    assert "Quản trị đơn vị" in page and "Đơn vị và các đơn vị trực thuộc" in page
    assert "Toàn hệ thống" in page


def test_the_matrix_shows_rights_including_export(site_client):
    group = Group.objects.get(name="unit_administrator")
    page = site_client.get(URL, {"role": group.pk}).content.decode()
    export_unit = Permission.objects.get(codename="export_unit")
    assert f'value="{export_unit.pk}"' in page and "Xuất tệp" in page


def test_the_matrix_names_objects_and_their_apps_in_words(site_client):
    """Issue 12, item 9: the matrix showed app codes ("(dossiers)") and English model names."""
    group = Group.objects.get(name="clerk")
    page = site_client.get(URL, {"role": group.pk}).content.decode()
    shown = re.sub(r"<[^>]+>", "", page)
    assert "lần tạm dừng của hồ sơ (Hồ sơ)" in shown
    assert "đơn vị (Đơn vị và phân quyền)" in shown
    for code in ("(dossiers)", "(units)", "(core)", "dossier pause", "dossier code counter"):
        assert code not in page


def test_saving_the_matrix_changes_the_role_and_is_audited(site_client):
    group = Group.objects.get(name="clerk")
    before = set(group.permissions.values_list("pk", flat=True))
    add_unit = Permission.objects.get(codename="add_unit")
    response = site_client.post(URL, {"role": group.pk, "permission": [*before, add_unit.pk]})
    assert response.status_code == 302
    assert group.permissions.filter(pk=add_unit.pk).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_PERMISSION_CHANGE)
    assert event.data == {"role": "clerk", "added": ["add_unit"], "removed": []}
    # unticking takes it away again
    site_client.post(URL, {"role": group.pk, "permission": list(before)})
    assert not group.permissions.filter(pk=add_unit.pk).exists()


LOG = "/admin/security/securityevent/"


def _log_rows(site_client) -> str:
    """The security log's result table (the filters above it list every role by label too)."""
    page = site_client.get(LOG).content.decode()
    return page[page.index('id="result_list"') :]


def test_the_security_log_names_the_role_and_the_person_who_changed_it(site_client):
    """Issue 12: the log showed the role's code ("clerk") in the account column and no name."""
    group = Group.objects.get(name="clerk")
    before = set(group.permissions.values_list("pk", flat=True))
    add_unit = Permission.objects.get(codename="add_unit")
    site_client.post(URL, {"role": group.pk, "permission": [*before, add_unit.pk]})
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_PERMISSION_CHANGE)
    assert event.username == ""  # a role is no account
    rows = _log_rows(site_client)
    assert "Vai trò: Văn thư" in rows
    assert "Trần Thị Hoa (qt_tinh)" in rows
    assert "Thêm quyền: Thêm đơn vị" in rows
    assert ">clerk<" not in rows and "add_unit" not in rows
    detail = site_client.get(f"{LOG}{event.pk}/change/").content.decode()
    assert "Vai trò: Văn thư" in detail and "Trần Thị Hoa (qt_tinh)" in detail


def test_a_scope_change_reads_in_words_in_the_security_log(site_client):
    leader_role = Group.objects.get(name="unit_leader")
    site_client.post(URL, {"save": "scopes", f"scope_{leader_role.pk}": "all"})
    rows = _log_rows(site_client)
    assert "Vai trò: Lãnh đạo đơn vị" in rows
    assert "Phạm vi xem: Đơn vị và các đơn vị trực thuộc → Toàn hệ thống" in rows
    assert "unit_leader" not in rows


def test_a_role_changed_on_the_group_page_reads_the_same_in_the_log(site_client):
    group = Group.objects.get(name="supervisor")
    add_unit = Permission.objects.get(codename="add_unit")
    assert not group.permissions.filter(pk=add_unit.pk).exists()
    chosen = [*group.permissions.values_list("pk", flat=True), add_unit.pk]
    response = site_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": "supervisor", "permissions": chosen},
        follow=True,
    )
    assert response.redirect_chain  # saved
    # issue 12, item 9: the desk's own message names the role by its label too
    [message] = [str(m) for m in response.context["messages"]]
    assert "Giám sát" in message and "supervisor" not in message
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_PERMISSION_CHANGE)
    assert event.data["role"] == "supervisor" and event.username == ""
    assert "Vai trò: Giám sát" in _log_rows(site_client)


def test_exporting_needs_the_export_right(client, admins, tree):
    group = Group.objects.get(name="unit_administrator")
    client.force_login(admins.d1_admin)
    assert client.get("/admin/units/unit/export/").status_code == 200
    group.permissions.remove(Permission.objects.get(codename="export_unit"))
    client.force_login(admins.d1_admin)
    assert client.get("/admin/units/unit/export/").status_code == 403


# -- the scope each role reads at is data, edited on the page ---------------------------------


def test_existing_roles_keep_the_scope_they_had_when_it_was_code():
    from motcua.security.models import RoleScope

    scopes = dict(RoleScope.objects.values_list("group__name", "scope"))
    assert scopes["unit_leader"] == scopes["supervisor"] == "subtree"
    assert scopes["administrator"] == scopes["unit_administrator"] == "subtree"
    assert scopes["specialist"] == scopes["reception_officer"] == scopes["clerk"] == "unit"
    assert "citizen" not in scopes


def test_the_scope_column_is_editable_and_audited(site_client, tree):
    from motcua.units.models import Membership
    from motcua.units.selectors import units_in_scope

    clerk_role = Group.objects.get(name="clerk")
    clerk = make_user("vt_hongbang")
    old = make_membership(clerk, tree.d1, "clerk")
    assert old.scope == "unit"
    page = site_client.get(URL).content.decode()
    assert f'name="scope_{clerk_role.pk}"' in page  # a select per role, not read-only text

    response = site_client.post(URL, {"save": "scopes", f"scope_{clerk_role.pk}": "subtree"})
    assert response.status_code == 302
    assert Membership.default_scope_for("clerk") == "subtree"  # read from the data
    old.refresh_from_db()
    assert old.scope == "subtree"  # a membership that had the role's scope follows it
    assert set(units_in_scope(user=clerk)) == {tree.d1, tree.c1, tree.c2}
    newcomer = make_membership(make_user("vt_moi"), tree.d2, "clerk")
    assert newcomer.scope == "subtree"
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_PERMISSION_CHANGE)
    assert event.data == {
        "role": "clerk",
        "scope": {"from": "unit", "to": "subtree"},
        "memberships": 1,
    }
    assert event.actor.username == "qt_tinh"


def test_a_membership_given_another_scope_keeps_it_when_the_role_changes(site_client, tree):
    leader_role = Group.objects.get(name="unit_leader")
    narrow = make_membership(make_user("ld_phuong"), tree.c1, "unit_leader", scope="unit")
    site_client.post(URL, {"save": "scopes", f"scope_{leader_role.pk}": "all"})
    narrow.refresh_from_db()
    assert narrow.scope == "unit"


def test_a_role_reading_at_the_whole_site_sees_every_unit(site_client, tree):
    from motcua.dossiers.selectors import scope_unit_ids

    supervisor_role = Group.objects.get(name="supervisor")
    site_client.post(URL, {"save": "scopes", f"scope_{supervisor_role.pk}": "all"})
    inspector = make_user("gs_xa")
    make_membership(inspector, tree.c3, "supervisor")
    assert len(scope_unit_ids(user=inspector)) == 7  # the whole tree, not C3 alone


def test_a_bad_scope_is_refused_with_a_message(site_client):
    clerk_role = Group.objects.get(name="clerk")
    response = site_client.post(
        URL, {"save": "scopes", f"scope_{clerk_role.pk}": "galaxy"}, follow=True
    )
    assert "Phạm vi không hợp lệ." in response.content.decode()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.ROLE_PERMISSION_CHANGE).exists()


def test_a_unit_administrator_cannot_change_role_scopes(d1_client):
    clerk_role = Group.objects.get(name="clerk")
    response = d1_client.post(URL, {"save": "scopes", f"scope_{clerk_role.pk}": "all"})
    assert response.status_code == 403
    from motcua.units.models import Membership

    assert Membership.default_scope_for("clerk") == "unit"


def test_a_unit_administrator_cannot_grant_the_whole_site_scope(d1_client, tree):
    specialist = make_user("cv_moi")
    make_membership(specialist, tree.c1, "specialist")
    page = d1_client.get("/admin/units/membership/add/").content.decode()
    assert 'value="all"' not in page and 'value="subtree"' in page


# -- the print right ----------------------------------------------------------------------------


def test_the_matrix_has_a_print_column(site_client):
    group = Group.objects.get(name="specialist")
    page = site_client.get(URL, {"role": group.pk}).content.decode()
    print_dossier = Permission.objects.get(codename="print_dossier")
    assert f'value="{print_dossier.pk}"' in page and ">In<" in page
    assert group.permissions.filter(pk=print_dossier.pk).exists()  # granted as before


def test_the_site_administrator_opens_the_deadline_audit_pages(site_client, tree, client):
    """Issue 12, left over: the site administrator (a role, not a superuser) was refused the audit
    of deadline recomputations; it reads it (view only), other staff still do not."""
    from motcua.core.models import DeadlineChange, DeadlineRecomputation

    run = DeadlineRecomputation.objects.create(reason="Thêm ngày nghỉ 02/9", checked=1, changed=1)
    DeadlineChange.objects.create(run=run, source="dossier", item_id="1")
    for path in (
        "/admin/core/deadlinerecomputation/",
        f"/admin/core/deadlinerecomputation/{run.pk}/change/",
        "/admin/core/deadlinechange/",
    ):
        response = site_client.get(path)
        assert response.status_code == 200, path
    assert (
        "Thêm ngày nghỉ 02/9"
        in site_client.get("/admin/core/deadlinerecomputation/").content.decode()
    )
    # view only: the audit is never edited, even by its reader
    assert (
        site_client.post(f"/admin/core/deadlinerecomputation/{run.pk}/delete/").status_code == 403
    )
    officer = make_user("cv_audit")
    make_membership(officer, tree.p, "specialist")
    client.force_login(officer)
    assert client.get("/admin/core/deadlinerecomputation/").status_code == 403
