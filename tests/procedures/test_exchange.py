"""A procedure's export carries its workflow and its online form; the file imports back."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from motcua.portal.models import FormField
from motcua.procedures.resources import ProcedureResource
from motcua.procedures.services import procedure_publish
from motcua.procedures.workflow import WorkflowStep

pytestmark = pytest.mark.django_db
WORKFLOW = "Quy trình xử lý"
FORM = "Tờ khai trực tuyến"


@pytest.fixture
def configured(procedure, district):
    for order, (name, actions) in enumerate(
        [
            ("Thẩm định hồ sơ", ["forward", "request_supplement"]),
            ("Phê duyệt, ký giấy phép", ["issue_result", "return_previous"]),
        ],
        start=1,
    ):
        step = WorkflowStep.objects.create(
            procedure=procedure,
            order=order,
            name=name,
            duration_amount=Decimal("5.5"),
            actions=actions,
            condition_field="dien_tich_san" if order == 2 else "",
            condition_op=">" if order == 2 else "",
            condition_value="500" if order == 2 else "",
        )
        step.roles.set(Group.objects.filter(name__in=["specialist", "unit_leader"]))
        step.consult_units.set([district])
    FormField.objects.create(
        procedure=procedure,
        order=1,
        key="dien_tich_san",
        label="Diện tích sàn (m²)",
        kind="number",
        required=True,
        min_value=Decimal("0.5"),
    )
    FormField.objects.create(
        procedure=procedure,
        order=2,
        key="muc_dich",
        label="Mục đích",
        kind="select",
        choices="o|Để ở\nkd|Kinh doanh",
    )
    procedure_publish(procedure=procedure)
    return procedure


def test_the_export_carries_the_workflow_and_the_form(configured):
    row = ProcedureResource().export().dict[0]
    steps = json.loads(row[WORKFLOW])
    assert [s["name"] for s in steps] == ["Thẩm định hồ sơ", "Phê duyệt, ký giấy phép"]
    assert steps[1]["condition"] == {"field": "dien_tich_san", "op": ">", "value": "500"}
    assert steps[0]["roles"] == ["specialist", "unit_leader"]
    form = json.loads(row[FORM])
    assert [f["key"] for f in form] == ["dien_tich_san", "muc_dich"]
    assert form[0]["min_value"] == "0.5"


def test_an_exported_procedure_imports_back_unchanged(configured):
    exported = ProcedureResource().export()
    result = ProcedureResource().import_data(exported, dry_run=False, raise_errors=True)
    assert result.totals["skip"] == 1 and configured.versions.count() == 1


def test_an_imported_workflow_and_form_replace_the_procedures(configured):
    exported = ProcedureResource().export()
    row = exported.dict[0]
    steps = json.loads(row[WORKFLOW])
    steps[0]["name"] = "Thẩm định, kiểm tra thực địa"
    form = json.loads(row[FORM])[:1]
    data = exported.dict
    data[0][WORKFLOW] = json.dumps(steps, ensure_ascii=False)
    data[0][FORM] = json.dumps(form, ensure_ascii=False)
    exported.dict = data
    result = ProcedureResource().import_data(exported, dry_run=False, raise_errors=True)
    assert result.totals["update"] == 1
    assert list(configured.steps.values_list("name", flat=True)) == [
        "Thẩm định, kiểm tra thực địa",
        "Phê duyệt, ký giấy phép",
    ]
    assert list(configured.form_fields.values_list("key", flat=True)) == ["dien_tich_san"]
    assert set(configured.steps.first().roles.values_list("name", flat=True)) == {
        "specialist",
        "unit_leader",
    }
    version = configured.versions.order_by("-number").first()
    assert version.number == 2 and len(version.snapshot["form"]["fields"]) == 1


def test_a_workflow_the_engine_would_refuse_is_refused_at_import(configured):
    exported = ProcedureResource().export()
    data = exported.dict
    steps = json.loads(data[0][WORKFLOW])
    steps[1]["actions"] = ["approve"]  # approval on the last step: nowhere to go
    steps[0]["unit"] = "999.99.99.Z99"
    data[0][WORKFLOW] = json.dumps(steps, ensure_ascii=False)
    exported.dict = data
    result = ProcedureResource().import_data(exported, dry_run=False)
    [invalid] = result.invalid_rows
    message = str(invalid.error_dict["workflow"])
    assert "không có đơn vị mã “999.99.99.Z99”" in message
    assert "bước cuối" in message
    assert configured.steps.first().name == "Thẩm định hồ sơ"  # nothing saved
