"""The unit pages of the desk: add, validate, import from XLSX, list and search."""

import pytest

from motcua.units.models import Membership, Unit
from motcua.units.resources import UnitResource
from tests.units.factories import admin_confirm_import, admin_import, make_user, xlsx_dataset

pytestmark = pytest.mark.django_db

HEADERS = ["agency_code", "name", "level", "parent", "address", "is_active"]


def _unit_form(levels, parent, **overrides):
    data = {
        "agency_code": "000.34.31.H27",
        "name": "Ủy ban nhân dân phường Quán Toan",
        "short_name": "",
        "level": levels["commune"].pk,
        "parent": parent.pk,
        "address": "Số 1 đường Hà Nội",
        "phone": "0225 3 123 456",
        "email": "",
        "website": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_an_administrator_adds_a_unit_in_the_desk(admin_client_vi, tree, levels):
    response = admin_client_vi.post("/admin/units/unit/add/", _unit_form(levels, tree.d1))
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(agency_code="000.34.31.H27")
    assert unit.path == f"{tree.d1.path}{unit.pk}/"
    assert unit.history.count() == 1


def test_a_duplicate_agency_code_is_refused_in_vietnamese(admin_client_vi, tree, levels):
    data = _unit_form(levels, tree.d1, agency_code=tree.c1.agency_code)
    response = admin_client_vi.post("/admin/units/unit/add/", data)
    assert response.status_code == 200
    assert "Mã định danh này đã được dùng cho một đơn vị khác." in response.content.decode()
    assert Unit.objects.count() == 7


def test_making_a_unit_its_own_ancestor_is_refused_in_vietnamese(admin_client_vi, tree, levels):
    data = _unit_form(
        levels,
        tree.c2,
        agency_code=tree.d1.agency_code,
        name=tree.d1.name,
        level=levels["district"].pk,
    )
    # D1 cannot move under its own commune C2 (level order aside, the cycle is reported)
    response = admin_client_vi.post(f"/admin/units/unit/{tree.d1.pk}/change/", data)
    assert response.status_code == 200
    assert "Đơn vị không thể là cấp trên của chính nó" in response.content.decode()
    assert Unit.objects.get(pk=tree.d1.pk).parent_id == tree.p.pk


def test_unit_list_search_ignores_accents(admin_client_vi, tree):
    response = admin_client_vi.get("/admin/units/unit/", {"q": "dong hai"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [tree.c3]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/units/unit/",
        "/admin/units/unit/add/",
        "/admin/units/unit/import/",
        "/admin/units/unit/export/",
        "/admin/units/unitlevel/",
        "/admin/units/membership/",
        "/admin/units/membership/add/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/?kind=system",
    ],
)
def test_desk_pages_render(admin_client_vi, tree, url):
    assert admin_client_vi.get(url).status_code == 200


def test_unit_change_and_history_pages_render(admin_client_vi, tree):
    assert admin_client_vi.get(f"/admin/units/unit/{tree.c1.pk}/change/").status_code == 200
    assert admin_client_vi.get(f"/admin/units/unit/{tree.c1.pk}/history/").status_code == 200


def test_the_user_page_edits_memberships(admin_client_vi, tree):
    from django.contrib.auth.models import Group

    user = make_user("canbo")
    page = admin_client_vi.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "canbo",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "08:00:00",
            "is_active": "on",
            "is_staff": "on",
            "groups": [],
            "user_permissions": [],
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-unit": tree.d1.pk,
            "memberships-0-role": Group.objects.get(name="specialist").pk,
            "memberships-0-scope": "",
            "memberships-0-is_active": "on",
        }
    )
    for key in ("last_login", "date_joined"):
        data.pop(key, None)
    response = admin_client_vi.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"]
    membership = Membership.objects.get(user=user)
    assert (membership.unit, membership.scope) == (tree.d1, "unit")


# -- XLSX import -------------------------------------------------------------------------------


def test_resource_import_with_a_bad_row_saves_nothing(tree):
    dataset, _content = xlsx_dataset(
        HEADERS,
        [
            ["000.34.31.H27", "Phường Quán Toan", "commune", "000.00.31.H27", "", True],
            ["000.35.31.H27", "Phường Sai", "commune", "000.99.99.H99", "", True],  # no parent
        ],
    )
    result = UnitResource().import_data(dataset, dry_run=False, raise_errors=False)
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "Không có đơn vị cấp trên mã “000.99.99.H99”" in str(invalid.error_dict["parent"])
    assert Unit.objects.count() == 7


def test_resource_import_reports_a_bad_agency_code_and_a_cycle(tree):
    dataset, _content = xlsx_dataset(
        HEADERS,
        [
            ["000.34.31.h27", "Mã chữ thường", "commune", "000.00.31.H27", "", True],
            [tree.d1.agency_code, tree.d1.name, "district", tree.c1.agency_code, "", True],
        ],
    )
    result = UnitResource().import_data(dataset, dry_run=False, raise_errors=False)
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert "QCVN 102:2016" in str(errors[1]["agency_code"])
    assert "không thể là cấp trên của chính nó" in str(errors[2]["parent"])
    assert Unit.objects.get(pk=tree.d1.pk).parent_id == tree.p.pk


def test_desk_import_with_a_bad_row_shows_the_error_and_saves_nothing(admin_client_vi, tree):
    _dataset, content = xlsx_dataset(
        HEADERS,
        [
            ["000.34.31.H27", "Phường Quán Toan", "commune", "000.00.31.H27", "", True],
            ["000.35.31.H27", "Phường Sai Cấp", "tinh-thanh", "000.00.31.H27", "", True],
        ],
    )
    response = admin_import(admin_client_vi, "units/unit", content)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không có cấp đơn vị mã “tinh-thanh”." in body
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Unit.objects.count() == 7


def test_desk_import_of_a_good_file_builds_the_tree(admin_client_vi, tree):
    _dataset, content = xlsx_dataset(
        HEADERS,
        [
            [
                "000.00.33.H27",
                "Ủy ban nhân dân quận Kiến An",
                "district",
                "000.00.00.H27",
                "",
                True,
            ],
            [
                "000.36.33.H27",
                "Ủy ban nhân dân phường Bắc Sơn",
                "commune",
                "000.00.33.H27",
                "",
                True,
            ],
            [tree.c2.agency_code, "Phường Minh Khai (mới)", "commune", "000.00.33.H27", "", True],
        ],
    )
    preview = admin_import(admin_client_vi, "units/unit", content)
    assert preview.context["confirm_form"] is not None
    assert Unit.objects.count() == 7  # the preview is a dry run
    response = admin_confirm_import(admin_client_vi, "units/unit", preview)
    assert response.status_code == 302
    kien_an = Unit.objects.get(agency_code="000.00.33.H27")
    bac_son = Unit.objects.get(agency_code="000.36.33.H27")
    assert bac_son.path == f"{kien_an.path}{bac_son.pk}/"
    moved = Unit.objects.get(pk=tree.c2.pk)
    assert (moved.name, moved.parent_id, moved.path) == (
        "Phường Minh Khai (mới)",
        kien_an.pk,
        f"{kien_an.path}{moved.pk}/",
    )


def test_an_exported_file_imports_back_unchanged(tree):
    exported = UnitResource().export()
    result = UnitResource().import_data(exported, dry_run=False, raise_errors=True)
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 7
