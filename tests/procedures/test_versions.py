"""Procedure versions: an edit publishes a new one, no change publishes nothing, old ones stay."""

from decimal import Decimal

import pytest

from motcua.procedures import snapshot as snapshot_module
from motcua.procedures.models import Procedure, ProcedureVersion, RequiredDocument
from motcua.procedures.selectors import procedure_current_version
from motcua.procedures.services import procedure_publish, procedure_snapshot
from motcua.procedures.snapshot import register_snapshot_part

pytestmark = pytest.mark.django_db


def test_first_publish_freezes_everything_a_dossier_needs(procedure):
    version = procedure_publish(procedure=procedure, note="Ban hành")
    assert version.number == 1
    snap = version.snapshot
    assert snap["schema"] == 1
    assert snap["procedure"]["national_code"] == "1.009994"
    assert snap["procedure"]["processing_amount"] == "15.0"
    assert snap["procedure"]["processing_unit"] == "working_days"
    assert snap["procedure"]["sector"] == {"code": "G09-XD", "name": "Hoạt động xây dựng"}
    assert [d["name"] for d in snap["documents"]] == [
        "Đơn đề nghị cấp giấy phép",
        "Bản vẽ thiết kế",
    ]
    assert snap["documents"][1]["originals"] == 2
    assert snap["fees"] == [{"name": "Lệ phí cấp giấy phép", "amount": "75000", "note": ""}]
    assert snap["units"] == ["000.00.31.H27"]
    assert procedure_current_version(procedure=procedure) == version


def test_publishing_without_a_change_returns_the_latest(procedure):
    first = procedure_publish(procedure=procedure)
    procedure.processing_amount = Decimal("15.0")  # same value, other spelling
    procedure.save()
    assert procedure_publish(procedure=procedure) == first
    assert procedure.versions.count() == 1


def test_an_edit_publishes_a_new_version_and_the_old_one_is_kept(procedure):
    first = procedure_publish(procedure=procedure)
    old_snapshot = ProcedureVersion.objects.get(pk=first.pk).snapshot
    # when the name and a document change
    procedure.name = "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    procedure.save()
    RequiredDocument.objects.create(
        procedure=procedure, name="Giấy tờ về quyền sử dụng đất", order=3
    )
    second = procedure_publish(procedure=procedure)
    # then
    assert second.number == 2
    assert second.snapshot["procedure"]["name"] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    assert len(second.snapshot["documents"]) == 3
    assert ProcedureVersion.objects.get(pk=first.pk).snapshot == old_snapshot
    assert procedure_current_version(procedure=procedure) == second


def test_activation_is_not_content(procedure):
    procedure_publish(procedure=procedure)
    Procedure.objects.filter(pk=procedure.pk).update(is_active=False)
    assert procedure_publish(procedure=procedure).number == 1


def test_versions_are_immutable(procedure):
    version = procedure_publish(procedure=procedure)
    version.note = "sửa"
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_never_published_has_no_current_version(procedure):
    assert procedure_current_version(procedure=procedure) is None


@pytest.fixture
def workflow_part():
    """A part registered the way the workflow app will do it; removed afterwards."""

    @register_snapshot_part("workflow_demo")
    def part(procedure):
        return [{"order": 1, "name": "Tiếp nhận"}]

    yield part
    snapshot_module._PARTS.pop("workflow_demo")


def test_other_apps_plug_parts_into_the_snapshot(procedure, workflow_part):
    assert procedure_snapshot(procedure=procedure)["workflow_demo"] == [
        {"order": 1, "name": "Tiếp nhận"}
    ]
    with pytest.raises(Exception, match="already registered"):
        register_snapshot_part("workflow_demo")(lambda procedure: None)
