"""The English and technical leftovers a new user met: role codes, names in the wrong order,
"1 working days", "10.0", bare 403/404 pages, no /tai-khoan/ page, a sheet called "Tablib
Dataset", no favicon."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import translation

from motcua.core.people import person_name
from motcua.core.roles import Role
from motcua.core.timeunits import duration_text


@pytest.mark.parametrize(
    ("language", "amount", "unit", "expected"),
    [
        ("vi", Decimal("15"), "working_days", "15 ngày làm việc"),
        ("vi", Decimal("10.0"), "working_days", "10 ngày làm việc"),
        ("vi", Decimal("24.5"), "working_hours", "24,5 giờ làm việc"),
        ("en", Decimal("1"), "working_days", "1 working day"),
        ("en", Decimal("1.0"), "working_days", "1 working day"),
        ("en", Decimal("2"), "working_days", "2 working days"),
        ("en", Decimal("1"), "working_hours", "1 working hour"),
        ("en", Decimal("24.5"), "working_hours", "24.5 working hours"),
        ("vi", Decimal("1"), "same_day", "trong ngày"),
    ],
)
def test_a_processing_time_reads_naturally_in_each_language(language, amount, unit, expected):
    with translation.override(language):
        assert duration_text(amount, unit) == expected


@pytest.mark.django_db
def test_names_are_in_vietnamese_order_even_through_get_full_name(django_user_model):
    user = django_user_model(username="hoa", first_name="Hoa", last_name="Trần Thị")
    assert user.get_full_name() == person_name(user) == "Trần Thị Hoa"
    assert user.get_short_name() == "Hoa"


@pytest.mark.django_db
def test_the_desk_sidebar_shows_the_name_family_first(admin_client_vi, django_user_model):
    user = django_user_model.objects.get(username="quantri")
    user.first_name, user.last_name = "Quản", "Nguyễn Văn"
    user.save()
    page = admin_client_vi.get("/admin/").content.decode()
    assert "Nguyễn Văn Quản" in page and "Quản Nguyễn Văn" not in page


@pytest.mark.django_db
def test_roles_show_their_label_in_the_membership_form(admin_client_vi):
    assert str(Group.objects.get(name=Role.SPECIALIST)) == "Chuyên viên xử lý"
    page = admin_client_vi.get("/admin/units/membership/add/").content.decode()
    assert ">Chuyên viên xử lý<" in page and ">Lãnh đạo đơn vị<" in page
    assert ">specialist<" not in page and ">unit_leader<" not in page


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_accounts_address_of_the_readme_is_a_real_page(client):
    response = client.get("/tai-khoan/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Tài khoản</h1>" in page and 'href="/tai-khoan/dang-ky/"' in page


@pytest.mark.django_db
def test_a_signed_in_citizen_goes_from_the_accounts_address_to_their_dossiers(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_user("binh@example.vn", password="x"))
    response = client.get("/tai-khoan/")
    assert (response.status_code, response.url) == (302, "/tai-khoan/ho-so-cua-toi/")


@pytest.mark.django_db
def test_not_found_and_forbidden_are_friendly_vietnamese_pages(client, django_user_model):
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in missing.content.decode()
    client.force_login(django_user_model.objects.create_user("cong.dan", password="x"))
    forbidden = client.get("/print/ledger/")
    assert forbidden.status_code == 403
    page = forbidden.content.decode()
    assert "<h1>Không có quyền truy cập</h1>" in page and "403 Forbidden" not in page
    assert "Trang này chỉ dành cho cán bộ, công chức." in page


@pytest.mark.django_db
def test_the_portal_has_a_favicon(client):
    assert 'rel="icon"' in client.get("/").content.decode()
    assert client.get("/favicon.ico").status_code == 301


@pytest.mark.django_db
def test_an_exported_sheet_is_named_after_what_it_holds(admin_client_vi):
    response = admin_client_vi.post(
        "/admin/procedures/procedure/export/", {"format": "0", "resource": "0"}
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] != "Tablib Dataset"
    assert book.sheetnames[0].lower().startswith("thủ tục")


@pytest.mark.django_db
def test_the_job_dashboard_speaks_vietnamese(client, django_user_model):
    """django-rq's templates carry no translation tags; the loader adds them (issue 12, item 9)."""
    site_admin = django_user_model.objects.create_superuser("quantri_rq", password="x")
    client.force_login(site_admin)
    client.cookies["django_language"] = "vi"
    page = client.get("/django-rq/").content.decode()
    assert "<h1>Hàng đợi</h1>" in page and "Tiến trình xử lý" in page
    assert "<h1>Queues</h1>" not in page
    client.cookies["django_language"] = "en"
    assert "<h1>Queues</h1>" in client.get("/django-rq/").content.decode()


def test_the_dashboard_wrapping_leaves_code_and_variables_alone():
    from motcua.jobs.rq_templates import translate_template_text

    source = (
        '{% extends "admin/base_site.html" %}\n{% load static %}\n'
        '<h1>Queues</h1> <a href="x">{{ queue.name }}</a> &rsaquo; '
        '<script>confirm("Are you sure?")</script><th>Job ID</th>'
    )
    result = translate_template_text(source)
    assert result.startswith('{% extends "admin/base_site.html" %}\n{% load i18n static %}')
    assert '<h1>{% translate "Queues" %}</h1>' in result
    assert '<th>{% translate "Job ID" %}</th>' in result
    assert '<script>confirm("Are you sure?")</script>' in result
    assert "{{ queue.name }}" in result and '{% translate "&rsaquo;" %}' not in result


@pytest.mark.django_db
def test_export_columns_are_headed_in_vietnamese_and_import_back(admin_client_vi):
    """No ``national_code`` in a file people read; the file still imports as it is."""
    from motcua.units.models import Unit
    from motcua.units.resources import UnitResource

    response = admin_client_vi.post(
        "/admin/procedures/procedure/export/", {"format": "0", "resource": "0"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert "Mã thủ tục" in headers and "Thành phần hồ sơ" in headers
    assert not [h for h in headers if h and "_" in h]  # no code names
    with translation.override("vi"):
        exported = UnitResource().export(Unit.objects.all())
        assert exported.headers[0] == "Mã định danh"
        result = UnitResource().import_data(exported, dry_run=True, raise_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
