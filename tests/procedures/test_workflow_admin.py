"""Workflow configuration in the desk: steps inline, validation, versions and the diagram."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from motcua.core.roles import Role
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.procedures.services import procedure_publish
from motcua.procedures.workflow import WorkflowStep
from tests.procedures.admin_posts import management, procedure_change_data
from tests.units.factories import make_unit

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/procedures/procedure/add/"


def _role(name):
    return Group.objects.get(name=name).pk


def _step(**fields):
    """A step as the desk posts it; override any field."""
    data = {
        "order": "1",
        "name": "Thẩm định hồ sơ",
        "unit_mode": "receiving",
        "unit": "",
        "level": "",
        "roles": [_role(Role.SPECIALIST)],
        "duration_amount": "2",
        "duration_unit": "working_days",
        "assignment": "manual",
        "actions": ["forward", "request_supplement"],
        "condition_field": "",
        "condition_op": "",
        "condition_value": "",
        "consult_units": [],
        "required_answers": "0",
    }
    data.update(fields)
    return data


def _steps_post(steps, initial=0):
    data = management("steps", len(steps), initial)
    for i, step in enumerate(steps):
        for key, value in step.items():
            data[f"steps-{i}-{key}"] = value
    return data


def _add_post(sector, levels, district, steps, **overrides):
    data = {
        "national_code": "1.001234",
        "name": "Cấp giấy phép xây dựng có thời hạn",
        "sector": sector.pk,
        "level": levels["district"].pk,
        "units": [district.pk],
        "is_active": "on",
        "processing_amount": "6",
        "processing_unit": "working_days",
        "online_level": "partial",
        "result_type": "Giấy phép xây dựng",
        "legal_basis": "Luật Xây dựng 2014",
        "fee_note": "",
        **management("documents", 1),
        "documents-0-order": "1",
        "documents-0-name": "Đơn đề nghị",
        "documents-0-originals": "1",
        "documents-0-copies": "0",
        "documents-0-is_mandatory": "on",
        **management("fees", 1),
        "fees-0-name": "Lệ phí cấp giấy phép",
        "fees-0-amount": "50000",
        "fees-0-note": "",
        **_steps_post(steps),
    }
    data.update(overrides)
    return data


def _change_post(procedure, steps=None, **overrides):
    """The change page as loaded, with *steps* (dicts) replacing the saved steps' values."""
    saved = list(procedure.steps.order_by("order", "pk"))
    data = procedure_change_data(procedure)
    if steps is None:
        steps = [_as_posted(step) for step in saved]
    rows = []
    for i, step in enumerate(steps):
        row = dict(step)
        if i < len(saved):
            row.setdefault("id", saved[i].pk)
            row.setdefault("procedure", procedure.pk)
        rows.append(row)
    data.update(_steps_post(rows, initial=len(saved)))
    data.update(overrides)
    return data


def _as_posted(step: WorkflowStep) -> dict:
    return _step(
        order=str(step.order),
        name=step.name,
        unit_mode=step.unit_mode,
        unit=step.unit_id or "",
        level=step.level_id or "",
        roles=[g.pk for g in step.roles.all()],
        duration_amount=str(step.duration_amount),
        duration_unit=step.duration_unit,
        assignment=step.assignment,
        actions=list(step.actions),
        condition_field=step.condition_field,
        condition_op=step.condition_op,
        condition_value=step.condition_value,
        consult_units=[u.pk for u in step.consult_units.all()],
        required_answers=str(step.required_answers),
    )


@pytest.fixture
def department(levels, district):
    return make_unit("000.00.02.H27", "Sở Xây dựng", levels["department"], district.parent)


@pytest.fixture
def two_steps(department):
    return [
        _step(
            order="1",
            name="Thẩm định hồ sơ",
            roles=[_role(Role.SPECIALIST), _role(Role.UNIT_LEADER)],
            duration_amount="3",
            assignment="round_robin",
            actions=["request_supplement", "forward", "consult"],
        ),
        _step(
            order="2",
            name="Lãnh đạo Sở phê duyệt",
            unit_mode="fixed",
            unit=department.pk,
            roles=[_role(Role.UNIT_LEADER)],
            duration_amount="12",
            duration_unit="working_hours",
            actions=["issue_result", "return_previous"],
            condition_field="dien_tich",
            condition_op=">",
            condition_value="500",
        ),
    ]


# -- add, edit, versions ----------------------------------------------------------------------


def test_adding_a_procedure_with_two_steps_publishes_the_workflow_in_version_1(
    admin_client_vi, sector, levels, district, department, two_steps
):
    # when: everything is entered on the add page
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, two_steps))
    # then
    assert response.status_code == 302, response.context["errors"]
    procedure = Procedure.objects.get(national_code="1.001234")
    assert [s.name for s in procedure.steps.all()] == ["Thẩm định hồ sơ", "Lãnh đạo Sở phê duyệt"]
    [version] = procedure.versions.all()
    workflow = version.snapshot["workflow"]
    assert workflow == [
        {
            "order": 1,
            "name": "Thẩm định hồ sơ",
            "unit_mode": "receiving",
            "unit": "",
            "level": "",
            "roles": ["specialist", "unit_leader"],
            "amount": "3.0",
            "time_unit": "working_days",
            "actions": ["consult", "forward", "request_supplement"],
            "condition": None,
            "assignment": "round_robin",
            "consult_units": [],
            "required_answers": 0,
        },
        {
            "order": 2,
            "name": "Lãnh đạo Sở phê duyệt",
            "unit_mode": "fixed",
            "unit": "000.00.02.H27",
            "level": "",
            "roles": ["unit_leader"],
            "amount": "12.0",
            "time_unit": "working_hours",
            "actions": ["issue_result", "return_previous"],
            "condition": {"field": "dien_tich", "op": ">", "value": "500"},
            "assignment": "manual",
            "consult_units": [],
            "required_answers": 0,
        },
    ]
    # the JSON list is stored in StepAction order, whatever order the boxes were ticked in
    assert procedure.steps.get(order=1).actions == ["forward", "request_supplement", "consult"]


def test_editing_a_step_publishes_version_2_and_leaves_version_1_alone(
    admin_client_vi, sector, levels, district, department, two_steps
):
    admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, two_steps))
    procedure = Procedure.objects.get(national_code="1.001234")
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    # saving the page unchanged publishes nothing
    response = admin_client_vi.post(url, _change_post(procedure))
    assert response.status_code == 302, response.context["errors"]
    assert procedure.versions.count() == 1
    # when: step 1 gets 1 more day and the leader role is removed
    steps = [_as_posted(s) for s in procedure.steps.order_by("order")]
    steps[0].update(duration_amount="4", roles=[_role(Role.SPECIALIST)])
    response = admin_client_vi.post(url, _change_post(procedure, steps))
    # then
    assert response.status_code == 302, response.context["errors"]
    v1, v2 = procedure.versions.order_by("number")
    assert v2.number == 2
    assert v2.snapshot["workflow"][0]["amount"] == "4.0"
    assert v2.snapshot["workflow"][0]["roles"] == ["specialist"]
    assert v1.snapshot["workflow"][0]["amount"] == "3.0"
    assert v1.snapshot["workflow"][0]["roles"] == ["specialist", "unit_leader"]


def test_a_parallel_consultation_step_is_saved_with_its_units(
    admin_client_vi, procedure, department, levels, district
):
    stn = make_unit(
        "000.00.05.H27", "Sở Tài nguyên và Môi trường", levels["department"], district.parent
    )
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    step = _step(
        name="Lấy ý kiến các sở",
        consult_units=[department.pk, stn.pk],
        required_answers="1",
        actions=["issue_result"],  # the only step is the last: it issues the result
    )
    response = admin_client_vi.post(url, _change_post(procedure, [step]))
    assert response.status_code == 302, response.context["errors"]
    [version] = procedure.versions.all()
    consult = version.snapshot["workflow"][0]
    assert consult["consult_units"] == ["000.00.02.H27", "000.00.05.H27"]
    assert consult["required_answers"] == 1


# -- validation -------------------------------------------------------------------------------


def _assert_refused(response, message):
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Procedure.objects.filter(national_code="1.001234").exists()
    assert not WorkflowStep.objects.exists()
    assert not ProcedureVersion.objects.exists()


def test_steps_longer_than_the_processing_time_are_refused_in_vietnamese(
    admin_client_vi, sector, levels, district, two_steps
):
    # given: 3 days + 12 hours = 36 office hours; the procedure allows 4 days = 32 hours
    data = _add_post(sector, levels, district, two_steps, processing_amount="4")
    response = admin_client_vi.post(ADD_URL, data)
    _assert_refused(
        response,
        "Tổng thời gian các bước (36 giờ làm việc) vượt thời hạn giải quyết của thủ tục "
        "(32 giờ làm việc).",
    )


def test_the_duration_message_writes_round_numbers_in_plain_digits(
    admin_client_vi, sector, levels, district
):
    # given: 6 days = 48 hours of steps against a 5-day (40-hour) procedure
    steps = [_step(duration_amount="6")]
    data = _add_post(sector, levels, district, steps, processing_amount="5")
    response = admin_client_vi.post(ADD_URL, data)
    _assert_refused(response, "vượt thời hạn giải quyết của thủ tục (40 giờ làm việc).")


def test_steps_on_alternative_routes_count_once(admin_client_vi, sector, levels, district):
    # given: two conditional 4-day routes and one plain day fit 5 days; all three would not
    steps = [
        _step(order="1", duration_amount="1"),
        _step(
            order="2",
            duration_amount="4",
            condition_field="dien_tich",
            condition_op=">",
            condition_value="500",
            actions=["issue_result"],
        ),
        _step(
            order="3",
            duration_amount="4",
            condition_field="dien_tich",
            condition_op="<=",
            condition_value="500",
            actions=["issue_result"],
        ),
    ]
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, steps))
    assert response.status_code == 302, response.context["errors"]


def test_shortening_the_processing_time_below_the_steps_is_refused(
    admin_client_vi, sector, levels, district, two_steps
):
    admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, two_steps))
    procedure = Procedure.objects.get(national_code="1.001234")
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    # when: only the procedure's own field changes, to 2 days
    response = admin_client_vi.post(url, _change_post(procedure, processing_amount="2"))
    # then: the steps (36 hours) no longer fit; nothing changed
    assert response.status_code == 200
    assert "vượt thời hạn giải quyết của thủ tục (16 giờ làm việc)" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.processing_amount == Decimal("6")
    assert procedure.versions.count() == 1


def test_a_fixed_unit_step_without_a_unit_is_refused(admin_client_vi, sector, levels, district):
    steps = [_step(unit_mode="fixed", unit="")]
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, steps))
    _assert_refused(response, "Chọn đơn vị cố định cho bước này.")


def test_more_required_answers_than_consulted_units_is_refused(
    admin_client_vi, sector, levels, district, department
):
    steps = [_step(consult_units=[department.pk], required_answers="2")]
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, steps))
    _assert_refused(
        response, "Số ý kiến cần có (2) không được lớn hơn số đơn vị được xin ý kiến (1)."
    )


def test_required_answers_without_consulted_units_is_refused(
    admin_client_vi, sector, levels, district
):
    steps = [_step(required_answers="1")]
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, steps))
    _assert_refused(
        response, "Số ý kiến cần có (1) không được lớn hơn số đơn vị được xin ý kiến (0)."
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"roles": []}, "Chọn ít nhất một vai trò được xử lý bước này."),
        ({"actions": []}, "Chọn ít nhất một thao tác cho bước này."),
        ({"actions": ["forward", "fly"]}, "fly"),
        ({"unit_mode": "level"}, "Chọn cấp đơn vị cho bước này."),
        (
            {"condition_field": "dien_tich"},
            "Điều kiện cần đủ trường dữ liệu, phép so sánh và giá trị.",
        ),
        ({"duration_amount": "-1"}, "Thời gian xử lý không được âm."),
    ],
)
def test_an_incomplete_step_is_refused_in_vietnamese(
    admin_client_vi, sector, levels, district, fields, message
):
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, [_step(**fields)]))
    _assert_refused(response, message)


def test_two_steps_with_the_same_order_are_refused(admin_client_vi, sector, levels, district):
    steps = [
        _step(order="1", duration_amount="1"),
        _step(order="1", name="Ký", duration_amount="1"),
    ]
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, steps))
    _assert_refused(response, "Thứ tự bước 1 bị trùng; mỗi bước cần một số thứ tự riêng.")


# -- the diagram ------------------------------------------------------------------------------


def test_the_procedure_page_draws_the_steps_in_order_with_escaped_names(
    admin_client_vi, procedure, department, levels, district
):
    # given: steps created out of order, one with a hostile name
    stn = make_unit(
        "000.00.05.H27", "Sở Tài nguyên và Môi trường", levels["department"], district.parent
    )
    sign = WorkflowStep.objects.create(
        procedure=procedure,
        order=3,
        name="Ký <b>duyệt</b>",
        duration_amount=Decimal(1),
        unit_mode="fixed",
        unit=department,
        actions=["issue_result"],
    )
    sign.roles.set(Group.objects.filter(name=Role.UNIT_LEADER))
    check = WorkflowStep.objects.create(
        procedure=procedure,
        order=1,
        name="<script>alert(1)</script>",
        duration_amount=Decimal(8),
        duration_unit="working_hours",
        actions=["forward", "return_previous"],
        condition_field="dien_tich",
        condition_op=">",
        condition_value="500",
    )
    check.roles.set(Group.objects.filter(name=Role.SPECIALIST))
    consult = WorkflowStep.objects.create(
        procedure=procedure,
        order=2,
        name="Lấy ý kiến",
        duration_amount=Decimal(3),
        actions=["forward"],
        required_answers=1,
    )
    consult.roles.set(Group.objects.filter(name=Role.SPECIALIST))
    consult.consult_units.set([department, stn])
    # when
    page = admin_client_vi.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    body = page.content.decode()
    # then
    assert page.status_code == 200
    assert "Sơ đồ quy trình" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Ký &lt;b&gt;duyệt&lt;/b&gt;" in body
    diagram = body[body.index('class="motcua-workflow"') :]
    first = diagram.index("&lt;script&gt;")
    second = diagram.index("Lấy ý kiến")
    third = diagram.index("Ký &lt;b&gt;")
    assert first < second < third
    assert diagram.count('aria-hidden="true" style="text-align:center') >= 2  # the arrows
    for text in [
        "8 giờ làm việc",
        "Chuyên viên xử lý",
        "Lãnh đạo đơn vị",
        "Trả lại bước trước",
        "<code>dien_tich</code> &gt; <code>500</code>",
        "cần 1/2 đơn vị trả lời — Sở Xây dựng, Sở Tài nguyên và Môi trường",
        "Sở Xây dựng",  # the fixed unit's lane
        "Ký, ban hành kết quả",
        "Tổng thời gian các bước: 40 giờ làm việc; thời hạn giải quyết: 15 ngày làm việc.",
    ]:
        assert text in diagram, text


def test_the_diagram_warns_when_the_steps_do_not_fit(admin_client_vi, procedure):
    # given: steps made outside the desk (e.g. an import) exceed the 15 days
    step = WorkflowStep.objects.create(
        procedure=procedure,
        order=1,
        name="Thẩm định",
        duration_amount=Decimal(17),
        actions=["forward"],
    )
    step.roles.set(Group.objects.filter(name=Role.SPECIALIST))
    body = admin_client_vi.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    body = body.content.decode()
    diagram = body[body.index('class="motcua-workflow"') :]
    assert 'role="alert"' in diagram
    assert "Tổng thời gian các bước (136 giờ làm việc) vượt thời hạn giải quyết" in diagram


def test_a_procedure_without_steps_explains_the_default_step(admin_client_vi, procedure):
    body = admin_client_vi.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    assert "Chưa cấu hình bước nào" in body.content.decode()
    add = admin_client_vi.get(ADD_URL).content.decode()
    assert "Lưu thủ tục để xem sơ đồ quy trình." in add


def test_a_version_page_draws_the_frozen_workflow(admin_client_vi, procedure):
    step = WorkflowStep.objects.create(
        procedure=procedure,
        order=1,
        name="Thẩm định cũ",
        duration_amount=Decimal(2),
        actions=["forward"],
    )
    step.roles.set(Group.objects.filter(name=Role.SPECIALIST))
    v1 = procedure_publish(procedure=procedure)
    step.name = "Thẩm định mới"
    step.save()
    procedure_publish(procedure=procedure)
    body = admin_client_vi.get(f"/admin/procedures/procedureversion/{v1.pk}/change/")
    text = body.content.decode()
    diagram = text[text.index('class="motcua-workflow"') :]
    assert "Thẩm định cũ" in diagram
    assert "Thẩm định mới" not in diagram
