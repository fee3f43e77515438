"""Saving a workflow refuses what the engine would refuse later, with a message naming the step."""

from __future__ import annotations

import pytest

from motcua.procedures.models import Procedure
from motcua.procedures.workflow_rules import StepDraft, workflow_errors
from tests.procedures.test_workflow_admin import ADD_URL, _add_post, _assert_refused, _step

pytestmark = pytest.mark.django_db


def _draft(order, *actions, name="Bước"):
    return StepDraft(order, f"{name} {order}", frozenset(actions))


def test_a_valid_three_step_workflow_has_no_errors():
    steps = [
        _draft(1, "forward", "request_supplement", "suspend", "resume"),
        _draft(2, "approve", "return_previous"),
        _draft(3, "issue_result", "return_previous"),
    ]
    assert workflow_errors(steps) == []


def test_approve_or_forward_on_the_last_step_is_refused():
    errors = workflow_errors([_draft(1, "forward"), _draft(2, "approve", "issue_result")])
    assert errors == [
        "Bước 2 “Bước 2” là bước cuối của quy trình nên không thể có “Phê duyệt” (không còn bước "
        "sau); ở bước cuối hãy chọn “Ký, ban hành kết quả”."
    ]
    assert "“Chuyển bước tiếp theo”" in workflow_errors([_draft(1, "forward", "issue_result")])[0]


def test_a_last_step_that_cannot_finish_and_a_middle_step_that_cannot_move_on_are_refused():
    errors = workflow_errors([_draft(1, "request_supplement"), _draft(2, "refuse")])
    assert any("Bước 1 “Bước 1” không có thao tác đưa hồ sơ đi tiếp" in e for e in errors)
    assert any(
        "Bước 2 “Bước 2” là bước cuối nhưng không có “Ký, ban hành kết quả”" in e for e in errors
    )


def test_suspend_without_resume_is_refused():
    errors = workflow_errors([_draft(1, "issue_result", "suspend")])
    assert errors == [
        "Bước 1 “Bước 1” có “Tạm dừng” nhưng không có “Tiếp tục xử lý”: hồ sơ tạm dừng ở bước này "
        "sẽ không tiếp tục được."
    ]


def test_the_desk_refuses_approve_on_the_last_step_and_saves_nothing(
    admin_client_vi, sector, levels, district
):
    steps = [
        _step(order="1", name="Thẩm định", actions=["forward"]),
        _step(order="2", name="Lãnh đạo phê duyệt", actions=["approve", "issue_result"]),
    ]
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, steps))
    _assert_refused(
        response,
        "Bước 2 “Lãnh đạo phê duyệt” là bước cuối của quy trình nên không thể có “Phê duyệt”",
    )


def test_the_desk_saves_a_workflow_the_engine_accepts(admin_client_vi, sector, levels, district):
    steps = [
        _step(order="1", name="Thẩm định", actions=["forward", "suspend", "resume"]),
        _step(order="2", name="Ký, ban hành", actions=["issue_result", "return_previous"]),
    ]
    response = admin_client_vi.post(ADD_URL, _add_post(sector, levels, district, steps))
    assert response.status_code == 302
    assert Procedure.objects.get(national_code="1.001234").steps.count() == 2
