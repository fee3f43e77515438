"""Procedure edits as drafts with an effective moment: new dossiers keep the version in effect
until then; the switch happens by itself at that moment (read lazily at reception)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from motcua.procedures.selectors import procedure_current_version, procedure_pending_version
from motcua.procedures.services import procedure_publish
from tests.procedures.admin_posts import management, procedure_change_data

pytestmark = pytest.mark.django_db


def test_a_draft_is_not_used_until_its_moment(procedure):
    v1 = procedure_publish(procedure=procedure)
    later = timezone.now() + timedelta(days=10)
    procedure.name = "Cấp giấy phép xây dựng (sửa theo Nghị định mới)"
    procedure.save()
    v2 = procedure_publish(procedure=procedure, effective_at=later)
    assert v2.number == 2 and v2.effective_at == later
    assert procedure_current_version(procedure=procedure) == v1
    assert procedure_pending_version(procedure=procedure) == v2
    with time_machine.travel(later + timedelta(minutes=1)):
        assert procedure_current_version(procedure=procedure) == v2
        assert procedure_pending_version(procedure=procedure) is None


def test_a_further_edit_joins_the_pending_draft(procedure):
    v1 = procedure_publish(procedure=procedure)
    later = timezone.now() + timedelta(days=3)
    procedure.result_type = "Giấy phép"
    procedure.save()
    procedure_publish(procedure=procedure, effective_at=later)
    procedure.legal_basis += "; Nghị định 175/2024/NĐ-CP"
    procedure.save()
    v3 = procedure_publish(procedure=procedure)  # no moment given: stays a draft
    assert v3.effective_at == later
    assert procedure_current_version(procedure=procedure) == v1


def test_the_desk_saves_an_edit_as_a_draft_with_its_moment(admin_client_vi, procedure):
    v1 = procedure_publish(procedure=procedure)
    later = timezone.localtime() + timedelta(days=7)
    data = {
        **procedure_change_data(procedure),
        **management("steps", 0),
        **management("form_fields", 0),
        "name": "Tên mới từ tuần sau",
        "effective_at_0": later.strftime("%d/%m/%Y"),
        "effective_at_1": "08:00",
    }
    response = admin_client_vi.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert procedure_current_version(procedure=procedure) == v1
    pending = procedure_pending_version(procedure=procedure)
    assert pending.snapshot["procedure"]["name"] == "Tên mới từ tuần sau"
    assert timezone.localtime(pending.effective_at).strftime("%d/%m/%Y %H:%M") == (
        later.strftime("%d/%m/%Y") + " 08:00"
    )
    page = admin_client_vi.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
    assert f"bản nháp v{pending.number} áp dụng từ" in page.content.decode()


def test_the_desk_refuses_a_moment_in_the_past(admin_client_vi, procedure):
    procedure_publish(procedure=procedure)
    data = {
        **procedure_change_data(procedure),
        **management("steps", 0),
        **management("form_fields", 0),
        "effective_at_0": "01/01/2020",
        "effective_at_1": "08:00",
    }
    response = admin_client_vi.post(f"/admin/procedures/procedure/{procedure.pk}/change/", data)
    assert response.status_code == 200
    assert "Thời điểm áp dụng phải sau thời điểm hiện tại." in response.content.decode()
