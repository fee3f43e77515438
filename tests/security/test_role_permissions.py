"""The role permission page: roles × objects × rights, the scope each role reads at, audited."""

import pytest
from django.contrib.auth.models import Group, Permission

from motcua.security.models import SecurityEvent, SecurityEventKind
from tests.units.factories import make_membership, make_user

pytestmark = pytest.mark.django_db
URL = "/admin/security/securityevent/role-permissions/"


@pytest.fixture
def site_client(client, tree):
    site_admin = make_user("qt_tinh")
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


def test_exporting_needs_the_export_right(client, admins, tree):
    group = Group.objects.get(name="unit_administrator")
    client.force_login(admins.d1_admin)
    assert client.get("/admin/units/unit/export/").status_code == 200
    group.permissions.remove(Permission.objects.get(codename="export_unit"))
    client.force_login(admins.d1_admin)
    assert client.get("/admin/units/unit/export/").status_code == 403
