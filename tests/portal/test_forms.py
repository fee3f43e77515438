"""The portal form is generated from the version's snapshot and validated on the server, with
Vietnamese messages naming the field; show-if conditions hide (and un-require) fields."""

import pytest
from django.core.exceptions import ValidationError

from motcua.portal.forms import DossierForm, build_field
from motcua.portal.models import FormField
from motcua.portal.snapshot import form_spec
from motcua.procedures.selectors import procedure_current_version
from motcua.procedures.services import procedure_publish
from tests.portal.conftest import apply_url, form_data

pytestmark = pytest.mark.django_db


def _form(world, **overrides):
    data = form_data(world, **overrides)
    return DossierForm(
        data,
        spec=form_spec(world.version.snapshot),
        units=world.procedure.units.all(),
        online_level="partial",
        existing={},
    )


def _errors(form) -> dict:
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def test_the_snapshot_freezes_the_form(portal):
    spec = portal.version.snapshot["form"]
    keys = [f["key"] for f in spec["fields"]]
    assert keys[:3] == ["dien_tich", "loai_cong_trinh", "so_tang"]
    assert spec["fields"][2]["show_if"] == {"field": "loai_cong_trinh", "value": "Nhà xưởng"}
    assert spec["fields"][6]["columns"][0] == {
        "key": "ho_ten",
        "label": "Họ và tên",
        "kind": "text",
        "required": True,
    }
    assert spec["documents"] == [
        {"name": "Đơn đề nghị", "upload_required": True},
        {"name": "Bản vẽ", "upload_required": False},
    ]


def test_a_version_keeps_its_form_when_the_configuration_changes(portal):
    FormField.objects.filter(procedure=portal.procedure, key="dien_tich").update(label="Diện tích")
    new = procedure_publish(procedure=portal.procedure)
    assert new.number == portal.version.number + 1
    portal.version.refresh_from_db()
    assert portal.version.snapshot["form"]["fields"][0]["label"] == "Diện tích xây dựng (m²)"
    assert new.snapshot["form"]["fields"][0]["label"] == "Diện tích"


def test_a_complete_form_is_valid(portal):
    form = _form(portal, files=None)
    form.files = {}
    assert _errors(form) == {"doc_0": ["Vui lòng tải lên “Đơn đề nghị”."]}


def test_missing_required_fields_get_vietnamese_messages_naming_them(portal):
    errors = _errors(
        _form(
            portal, f_dien_tich="", f_loai_cong_trinh="", applicant_name="", applicant_id_number=""
        )
    )
    assert errors["f_dien_tich"] == ["Vui lòng nhập “Diện tích xây dựng (m²)”."]
    assert errors["f_loai_cong_trinh"] == ["Vui lòng chọn “Loại công trình”."]
    assert errors["applicant_name"] == ["Vui lòng nhập họ và tên người nộp."]
    assert errors["applicant_id_number"] == ["Vui lòng nhập số định danh cá nhân (CCCD)."]


def test_pattern_min_and_max_are_checked(portal):
    errors = _errors(_form(portal, f_ma_buu_chinh="18000", f_dien_tich="5"))
    assert errors["f_ma_buu_chinh"] == ["Mã bưu chính gồm 6 chữ số."]
    assert errors["f_dien_tich"] == ["“Diện tích xây dựng (m²)” phải lớn hơn hoặc bằng 10."]
    errors = _errors(_form(portal, f_dien_tich="20000"))
    assert errors["f_dien_tich"] == ["“Diện tích xây dựng (m²)” phải nhỏ hơn hoặc bằng 10000."]
    errors = _errors(_form(portal, f_dien_tich="mười"))
    assert errors["f_dien_tich"] == ["“Diện tích xây dựng (m²)” phải là một số."]


def test_a_hidden_field_is_not_required_and_its_value_is_dropped(portal):
    form = _form(portal, f_so_tang="abc")  # "Nhà ở riêng lẻ": "Số tầng nhà xưởng" is hidden
    errors = _errors(form)
    assert "f_so_tang" not in errors
    assert "f_so_tang" not in form.cleaned_data


def test_a_shown_field_is_required_and_validated(portal):
    errors = _errors(_form(portal, f_loai_cong_trinh="Nhà xưởng"))
    assert errors["f_so_tang"] == ["Vui lòng nhập “Số tầng nhà xưởng”."]
    errors = _errors(_form(portal, f_loai_cong_trinh="nha xuong", f_so_tang="x"))  # accents ignored
    assert errors["f_so_tang"] == ["“Số tầng nhà xưởng” phải là một số."]


def test_a_checkbox_controls_a_field(portal):
    assert "f_dien_tich_ham" not in _errors(_form(portal))
    errors = _errors(_form(portal, f_co_tang_ham="on"))
    assert errors["f_dien_tich_ham"] == ["Vui lòng nhập “Diện tích tầng hầm”."]


def test_table_rows_are_validated_per_column(portal):
    errors = _errors(
        _form(
            portal,
            **{
                "f_thanh_vien-0-ho_ten": "",
                "f_thanh_vien-0-ngay_sinh": "31/02/1980",
                "f_thanh_vien-1-ho_ten": "Lê Thị Dung",
                "f_thanh_vien-1-ngay_sinh": "01/03/1990",
            },
        )
    )
    assert errors["f_thanh_vien"] == [
        "Dòng 1: chưa nhập “Họ và tên”.",
        "Dòng 1: “Ngày sinh” phải là một ngày (ngày/tháng/năm).",
    ]
    form = _form(
        portal,
        **{
            "f_thanh_vien-1-ho_ten": "Lê Thị Dung",
            "f_thanh_vien-1-ngay_sinh": "01/03/1990",
            "f_thanh_vien-2-ho_ten": "",
            "f_thanh_vien-2-ngay_sinh": "",
        },
    )
    form.is_valid()
    assert form.cleaned_data["f_thanh_vien"] == [
        {"ho_ten": "Nguyễn Văn Cường", "ngay_sinh": "1980-05-01"},
        {"ho_ten": "Lê Thị Dung", "ngay_sinh": "1990-03-01"},
    ]


def test_phone_and_id_numbers_are_normalised_and_checked(portal):
    form = _form(portal, applicant_phone="+84 912.345.678", applicant_id_number="0311 9000 1234")
    form.is_valid()
    assert form.cleaned_data["applicant_phone"] == "0912345678"
    assert form.cleaned_data["applicant_id_number"] == "031190001234"
    errors = _errors(_form(portal, applicant_phone="12345", applicant_id_number="12"))
    assert "10 hoặc 11 chữ số" in errors["applicant_phone"][0]
    assert "12 chữ số" in errors["applicant_id_number"][0]


def test_a_label_with_a_percent_sign_does_not_break_messages():
    field = build_field(
        {
            "key": "ty_le",
            "label": "Tỷ lệ %",
            "kind": "number",
            "required": True,
            "min": "1",
            "max": "100",
            "pattern": "",
            "help_text": "",
        }
    )
    with pytest.raises(ValidationError) as refused:
        field.clean("0")
    assert refused.value.messages == ["“Tỷ lệ %” phải lớn hơn hoặc bằng 1."]


def test_the_page_ties_each_error_to_its_input(portal, login):
    response = login(portal.citizen).post(apply_url(portal), form_data(portal, f_dien_tich=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_f_dien_tich_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'href="#id_f_dien_tich"' in page  # the error summary links to the input


def test_the_form_shows_show_if_conditions_as_help_and_data(portal, login):
    page = login(portal.citizen).get(apply_url(portal)).content.decode()
    assert "Chỉ điền khi “Loại công trình” là “Nhà xưởng”." in page
    assert 'data-show-if="f_loai_cong_trinh"' in page
    assert 'name="idempotency_key"' in page


def test_the_form_follows_the_current_version(portal, login):
    FormField.objects.create(
        procedure=portal.procedure, key="ghi_chu", label="Ghi chú thêm", order=99
    )
    procedure_publish(procedure=portal.procedure)
    assert procedure_current_version(procedure=portal.procedure).number == portal.version.number + 1
    page = login(portal.citizen).get(apply_url(portal)).content.decode()
    assert "Ghi chú thêm" in page


def test_the_form_builder_refuses_bad_configuration(portal):
    from django.core.exceptions import ValidationError

    for spec, field in [
        (dict(kind="select", choices=""), "choices"),
        (dict(kind="table", columns="x"), "columns"),
        (dict(kind="text", pattern="[unclosed"), "pattern"),
        (dict(kind="number", min_value=5, max_value=1), "max_value"),
        (dict(kind="text", key="Bad Key"), "key"),
    ]:
        candidate = FormField(procedure=portal.procedure, label="X", **{"key": "x", **spec})
        with pytest.raises(ValidationError) as refused:
            candidate.full_clean()
        assert field in refused.value.message_dict, spec
