"""Edited templates: resolution, the sandbox, fallback to the default, the desk's live preview."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from django.template import TemplateSyntaxError

from motcua.core.roles import Role
from motcua.printing import sandbox
from motcua.printing.models import PrintTemplate
from motcua.printing.registry import FORMS
from motcua.printing.render import render_form, render_source
from motcua.printing.samples import sample_form_data
from motcua.printing.selectors import print_template_for
from tests.builders import at
from tests.printing.conftest import pdf_images, pdf_text
from tests.units.factories import make_membership, make_user

CUSTOM = (
    '{% extends "base.html" %}{% block content %}<p>MẪU RIÊNG {{ dossier.code }}</p>{% endblock %}'
)
BROKEN_SYNTAX = '{% extends "base.html" %}\n{% block content %}\n<p>{{ dossier.code }}</p>\n{% if %}\n{% endblock %}\n'
BROKEN_RENDER = '<p>{{ dossier.code }}</p>\n\n{% widthratio 1 2 "không phải số" %}\n'
PREVIEW_URL = "/admin/printing/printtemplate/preview/"


def template(code="01", unit=None, body=CUSTOM, **kw):
    return PrintTemplate.objects.create(
        form_code=code, unit=unit, title=f"Mẫu {code}", body=body, **kw
    )


# --------------------------------------------------------------------------- resolution


def test_resolution_unit_then_ancestors_then_site_then_default(world):
    u = world.units
    assert print_template_for(code="01", unit=u.d) is None  # the shipped default applies
    site = template()
    assert print_template_for(code="01", unit=u.d) == site
    city = template(unit=u.p)
    assert print_template_for(code="01", unit=u.d) == city  # nearest ancestor beats site-wide
    own = template(unit=u.d)
    assert print_template_for(code="01", unit=u.d) == own
    assert print_template_for(code="01", unit=u.d2) == city  # a sibling's copy does not apply
    assert print_template_for(code="02", unit=u.d) is None  # per form
    own.is_active = False
    own.save()
    assert print_template_for(code="01", unit=u.d) == city  # inactive copies are ignored


def test_only_one_active_template_per_form_and_scope(world):
    from django.core.exceptions import ValidationError

    template(unit=world.units.d)
    twin = PrintTemplate(form_code="01", unit=world.units.d, title="x", body=CUSTOM)
    with pytest.raises(ValidationError):
        twin.full_clean()
    twin.is_active = False
    twin.full_clean()  # an inactive draft may coexist


def test_override_is_used_for_printing(demo, world, frozen_print):
    template(unit=world.units.d)
    rendered = render_form(code="01", user=world.users.reception, dossier=demo.full)
    text = pdf_text(rendered.pdf)
    assert f"MẪU RIÊNG {demo.full.code}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # the header comes from base.html
    assert rendered.template is not None and rendered.problem is None


# --------------------------------------------------------------------------- fallback


@pytest.mark.parametrize(("body", "line"), [(BROKEN_SYNTAX, 4), (BROKEN_RENDER, 3)])
def test_broken_override_falls_back_to_the_default_and_logs_the_line(
    demo, world, frozen_print, caplog, body, line
):
    # given a broken copy saved behind the desk's back (the desk refuses to save it)
    broken = template(unit=world.units.d, body=body)
    # when printing
    with caplog.at_level(logging.WARNING, logger="motcua.printing"):
        rendered = render_form(code="01", user=world.users.reception, dossier=demo.full)
    # then the shipped default is printed, and the problem names the line
    text = pdf_text(rendered.pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Nguyễn Thị Bình" in text
    assert rendered.template is None
    assert rendered.problem.line == line
    assert f"#{broken.pk}" in caplog.text and f"dòng {line}" in caplog.text


def test_broken_override_still_prints_through_the_view(demo, world, client, frozen_print):
    template(unit=world.units.d, body=BROKEN_SYNTAX)
    client.force_login(world.users.reception)
    response = client.get(f"/print/dossiers/{demo.full.pk}/01/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Motcua-Template"] == "default-fallback"
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in pdf_text(response.content)


# --------------------------------------------------------------------------- the sandbox


@pytest.mark.parametrize(
    "source",
    [
        "{% load static %}",
        '{% include "base.html" %}',
        "{{ dossier.applicant_name|safe }}",
        "{{ rows|safeseq }}",
        "{% autoescape off %}{{ dossier.applicant_name }}{% endautoescape %}",
        "{% debug %}",
        '{% url "admin:index" %}',
        "{% csrf_token %}",
        "{% lorem 100000 w %}",
        "{{ dossier.applicant_name|pprint }}",
    ],
)
def test_sandbox_refuses_unsafe_tags_and_filters(source):
    with pytest.raises(TemplateSyntaxError):
        sandbox.compile_source(source)


def test_sandbox_data_is_plain_and_always_escaped(world):
    data = sample_form_data(
        FORMS["01"], unit=world.units.d, user=world.users.reception, now=at(2025, 3, 3, 9, 0)
    )
    data = type(data)(
        **{
            **data.as_context(),
            "dossier": type(data.dossier)(**{**vars(data.dossier), "applicant_name": "<b>A</b>"}),
        }
    )
    html = render_source(
        "{{ dossier.applicant_name }}|{{ dossier.received_by.password }}|"
        "{{ dossier.applicant_name|linebreaksbr }}|{{ dossier.applicant_name|upper }}",
        data,
    )
    # received_by is a name (a string), not a user: there is no password to reach
    assert html == "&lt;b&gt;A&lt;/b&gt;||&lt;b&gt;A&lt;/b&gt;|&lt;B&gt;A&lt;/B&gt;"
    html = render_source("{% filter upper %}{{ dossier.applicant_name }}{% endfilter %}", data)
    assert "<b>" not in html.lower()


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../../../../../config/settings/base.py", "printing/admin/x.html"]
)
def test_extends_reaches_only_the_shipped_forms(name):
    from django.template import Context

    # TemplateDoesNotExist, TemplateSyntaxError, or Django's own error on a bad relative name.
    with pytest.raises(Exception):  # noqa: B017, PT011
        sandbox.compile_source(f'{{% extends "{name}" %}}').render(Context({}))


def test_weasyprint_fetches_no_files(demo, world, frozen_print):
    # given a copy that tries to embed local files (an attachment, an image, a stylesheet)
    template(
        unit=world.units.d,
        body=(
            '{% extends "base.html" %}{% block content %}'
            '<a rel="attachment" href="file:///etc/passwd">x</a>'
            '<img src="file:///usr/share/pixmaps/debian-logo.png">'
            '<link rel="stylesheet" href="file:///etc/hostname">'
            "{% endblock %}"
        ),
    )
    # when printed, then nothing from the disk is in the PDF
    pdf = render_form(code="03", user=world.users.reception, dossier=demo.refused).pdf
    assert b"/EmbeddedFile" not in pdf
    assert pdf_images(pdf) == 0


@pytest.mark.parametrize(
    ("value", "filter_name", "expected"),
    [
        (date(2025, 1, 5), "vn_long_date", "ngày 05 tháng 01 năm 2025"),
        (date(2025, 2, 28), "vn_long_date", "ngày 28 tháng 02 năm 2025"),
        (date(2025, 12, 25), "vn_long_date", "ngày 25 tháng 12 năm 2025"),
        (None, "vn_long_date", "ngày … tháng … năm …"),
        (at(2025, 3, 24, 17, 0), "vn_moment", "17 giờ 00 phút, ngày 24/03/2025"),
        (at(2025, 3, 3, 9, 5), "vn_datetime", "09:05 03/03/2025"),
        (at(2025, 3, 3, 23, 30), "vn_date", "03/03/2025"),
        # 02:00 UTC is 09:00 in Hanoi: formats use the site's time zone
        (datetime(2025, 3, 3, 2, 0, tzinfo=UTC), "vn_time", "09:00"),
        (1500000, "vn_money", "1.500.000\xa0₫"),
        (1500000, "vn_number", "1.500.000"),
        (1, "two_digits", "01"),
    ],
)
def test_vietnamese_formats(value, filter_name, expected):
    assert sandbox.register.filters[filter_name](value) == expected


# --------------------------------------------------------------------------- the desk


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.vn", "x"))
    return client


def test_preview_of_a_broken_draft_shows_the_line(superuser_client, demo):
    response = superuser_client.post(PREVIEW_URL, {"form_code": "01", "body": BROKEN_SYNTAX})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lỗi ở dòng 4" in page
    assert "mẫu mặc định" in page  # tells that printing falls back
    response = superuser_client.post(PREVIEW_URL, {"form_code": "01", "body": BROKEN_RENDER})
    assert "Lỗi ở dòng 3" in response.content.decode()


def test_preview_renders_the_draft_on_the_latest_visible_dossier(
    superuser_client, demo, frozen_print
):
    response = superuser_client.post(PREVIEW_URL, {"form_code": "01", "body": CUSTOM})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Preview-Data"] == "dossier"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # shown in the change form's frame
    text = pdf_text(response.content)
    assert f"MẪU RIÊNG {demo.other.code}" in text  # the most recently received (5/3)


def test_preview_without_dossiers_uses_the_builtin_sample(superuser_client, db):
    response = superuser_client.get(PREVIEW_URL, {"form_code": "06"})
    assert response.status_code == 200 and response["X-Preview-Data"] == "sample"
    text = pdf_text(response.content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Nguyễn Văn An" in text
    html = superuser_client.get(PREVIEW_URL, {"form_code": "07", "format": "html"})
    assert "SỔ THEO DÕI HỒ SƠ" in html.content.decode()


def test_saved_template_preview_shows_its_line(superuser_client, world):
    broken = template(body=BROKEN_RENDER)
    response = superuser_client.get(f"/admin/printing/printtemplate/{broken.pk}/preview/")
    assert "Lỗi ở dòng 3" in response.content.decode()


def test_new_template_starts_as_a_copy_of_the_default(superuser_client, db):
    response = superuser_client.get("/admin/printing/printtemplate/add/", {"form_code": "06"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "{% extends &quot;base.html&quot; %}" in page
    assert "PHIẾU KIỂM SOÁT" not in page or "Phiếu kiểm soát" in page
    assert 'formaction="/admin/printing/printtemplate/preview/"' in page
    assert 'name="print-preview-frame"' in page


def test_desk_refuses_to_save_a_broken_template(superuser_client, db):
    response = superuser_client.post(
        "/admin/printing/printtemplate/add/",
        {"form_code": "01", "title": "Hỏng", "body": BROKEN_SYNTAX, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "dòng 4" in response.content.decode()
    assert not PrintTemplate.objects.exists()


def test_desk_saves_a_template_with_history(superuser_client, db):
    response = superuser_client.post(
        "/admin/printing/printtemplate/add/",
        {"form_code": "01", "title": "Giấy tiếp nhận riêng", "body": CUSTOM, "is_active": "on"},
    )
    assert response.status_code == 302
    saved = PrintTemplate.objects.get()
    assert saved.updated_by.username == "root"
    assert saved.history.count() == 1


def test_defaults_are_listed_with_preview_and_copy_links(superuser_client, db):
    page = superuser_client.get("/admin/printing/printtemplate/").content.decode()
    for code in FORMS:
        assert f"preview/?form_code={code}" in page and f"add/?form_code={code}" in page


def test_unit_administrator_edits_only_templates_of_units_in_scope(client, world):
    # given the district's administrator
    admin = make_user("quantri.hongbang")
    make_membership(admin, world.units.d, Role.UNIT_ADMINISTRATOR)
    site_wide = template()
    client.force_login(admin)
    # then the site-wide template is read-only for them
    assert client.get("/admin/printing/printtemplate/").status_code == 200
    page = client.get(f"/admin/printing/printtemplate/{site_wide.pk}/change/")
    assert page.status_code == 200 and 'name="body"' not in page.content.decode()
    # and they cannot create one for a unit outside their scope
    response = client.post(
        "/admin/printing/printtemplate/add/",
        {
            "form_code": "01",
            "title": "x",
            "body": CUSTOM,
            "is_active": "on",
            "unit": world.units.d2.pk,
        },
    )
    assert response.status_code == 200 and not PrintTemplate.objects.filter(unit=world.units.d2)
    response = client.post(
        "/admin/printing/printtemplate/add/",
        {
            "form_code": "01",
            "title": "x",
            "body": CUSTOM,
            "is_active": "on",
            "unit": world.units.d.pk,
        },
    )
    assert response.status_code == 302
    assert PrintTemplate.objects.filter(unit=world.units.d).exists()
