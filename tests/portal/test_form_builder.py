"""The form builder in the desk: two inlines on the procedure's page; saving publishes a version."""

import pytest

from motcua.portal.models import FormField
from motcua.procedures.models import RequiredDocument
from motcua.procedures.selectors import procedure_current_version
from tests.procedures.admin_posts import management
from tests.procedures.test_workflow_admin import _change_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_vi(client, django_user_model):
    """A superuser in the desk (the world already has a "quantri" user)."""
    user = django_user_model.objects.create_superuser("sieuquantri", "sqt@example.vn", "x")
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client


def _url(procedure):
    return f"/admin/procedures/procedure/{procedure.pk}/change/"


def _fields_post(procedure, rows, initial=0):
    data = management("form_fields", len(rows), initial)
    for index, row in enumerate(rows):
        base = {
            "order": str(index + 1),
            "key": "",
            "label": "",
            "kind": "text",
            "help_text": "",
            "choices": "",
            "pattern": "",
            "pattern_message": "",
            "min_value": "",
            "max_value": "",
            "show_if_field": "",
            "show_if_value": "",
            "columns": "",
            "procedure": procedure.pk,
        }
        base.update(row)
        for key, value in base.items():
            data[f"form_fields-{index}-{key}"] = value
    return data


def test_the_procedure_page_has_the_form_builder(world, admin_client_vi):
    page = admin_client_vi.get(_url(world.procedure)).content.decode()
    assert "Tờ khai trực tuyến: các trường công dân điền" in page
    # one notion of "mandatory": no second inline for what must be uploaded online
    assert "giấy tờ phải tải lên khi nộp trực tuyến" not in page
    assert 'name="document_rules-TOTAL_FORMS"' not in page
    assert 'name="form_fields-TOTAL_FORMS"' in page


def test_saving_the_form_publishes_a_new_version_with_it(world, admin_client_vi):
    before = procedure_current_version(procedure=world.procedure)
    document = RequiredDocument.objects.get(procedure=world.procedure, name="Bản vẽ")
    data = _change_post(world.procedure)
    data.update(
        _fields_post(
            world.procedure,
            [
                {
                    "key": "dien_tich",
                    "label": "Diện tích (m²)",
                    "kind": "number",
                    "required": "on",
                    "min_value": "1",
                },
                {"key": "tang_ham", "label": "Có tầng hầm", "kind": "checkbox"},
                {
                    "key": "dien_tich_ham",
                    "label": "Diện tích hầm",
                    "kind": "number",
                    "show_if_field": "tang_ham",
                    "show_if_value": "có",
                },
            ],
        )
    )

    response = admin_client_vi.post(_url(world.procedure), data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    version = procedure_current_version(procedure=world.procedure)
    assert version.number == before.number + 1
    assert [f["key"] for f in version.snapshot["form"]["fields"]] == [
        "dien_tich",
        "tang_ham",
        "dien_tich_ham",
    ]
    # "Bản vẽ" is ticked mandatory, so it must be uploaded online: derived, no second inline
    assert document.is_mandatory
    assert version.snapshot["form"]["documents"][1] == {"name": "Bản vẽ", "upload_required": True}


def test_a_condition_on_a_later_or_unknown_field_is_refused(world, admin_client_vi):
    data = _change_post(world.procedure)
    data.update(
        _fields_post(
            world.procedure,
            [
                {"key": "a", "label": "Trường A", "show_if_field": "b", "show_if_value": "x"},
                {"key": "b", "label": "Trường B"},
            ],
        )
    )

    response = admin_client_vi.post(_url(world.procedure), data)

    assert response.status_code == 200
    assert "chỉ có thể phụ thuộc vào một trường đặt trước nó" in response.content.decode()
    assert FormField.objects.count() == 0


def test_a_duplicate_key_is_refused(world, admin_client_vi):
    data = _change_post(world.procedure)
    data.update(
        _fields_post(
            world.procedure,
            [{"key": "a", "label": "Trường A"}, {"key": "a", "label": "Trường A lần 2"}],
        )
    )
    response = admin_client_vi.post(_url(world.procedure), data)
    assert response.status_code == 200
    assert FormField.objects.count() == 0


def test_a_page_posted_without_the_form_builder_keeps_the_form(portal, admin_client_vi):
    count = FormField.objects.count()
    response = admin_client_vi.post(_url(portal.procedure), _change_post(portal.procedure))
    assert response.status_code == 302
    assert FormField.objects.count() == count
    assert (
        len(procedure_current_version(procedure=portal.procedure).snapshot["form"]["fields"])
        == count
    )


def test_the_document_choices_are_the_procedures_own(world, admin_client_vi):
    from decimal import Decimal

    from motcua.procedures.models import Procedure

    other = Procedure.objects.create(
        national_code="9.000001",
        name="Thủ tục khác",
        sector=world.procedure.sector,
        level=world.levels["district"],
        processing_amount=Decimal(1),
        result_type="-",
    )
    RequiredDocument.objects.create(procedure=other, name="Giấy tờ của thủ tục khác")
    page = admin_client_vi.get(_url(world.procedure)).content.decode()
    assert "Giấy tờ của thủ tục khác" not in page


def test_unticking_mandatory_makes_the_upload_optional_online(world, admin_client_vi):
    """The one notion: "bắt buộc" on the document decides what an online dossier must upload."""
    data = _change_post(world.procedure)
    index = next(i for i, d in enumerate(world.procedure.documents.all()) if d.name == "Bản vẽ")
    data[f"documents-{index}-is_mandatory"] = ""
    response = admin_client_vi.post(_url(world.procedure), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    version = procedure_current_version(procedure=world.procedure)
    assert version.snapshot["form"]["documents"][1] == {"name": "Bản vẽ", "upload_required": False}
    assert version.snapshot["documents"][1]["is_mandatory"] is False


def test_a_document_ticked_mandatory_must_be_uploaded_online(world, admin_client_vi):
    """Issue 12, item 5: a document ticked "bắt buộc" was still optional online unless a second
    inline (the online form's document rules) said so; the tick alone now decides."""
    from motcua.portal.forms import DossierForm
    from motcua.portal.snapshot import form_spec

    data = _change_post(world.procedure, name="Cấp giấy phép xây dựng (bản sửa)")
    assert data["documents-0-is_mandatory"] == data["documents-1-is_mandatory"] == "on"
    response = admin_client_vi.post(_url(world.procedure), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    spec = form_spec(procedure_current_version(procedure=world.procedure).snapshot)
    assert [d["upload_required"] for d in spec["documents"]] == [True, True]
    form = DossierForm(
        {"unit": str(world.units.d.pk)},
        spec=spec,
        units=world.procedure.units.all(),
        online_level="partial",
        existing={},
    )
    form.is_valid()
    assert form.errors["doc_0"] == ["Vui lòng tải lên “Đơn đề nghị”."]
    assert form.errors["doc_1"] == ["Vui lòng tải lên “Bản vẽ”."]
