"""Report builder: whitelisted fields, operator checks, Vietnamese refusals, groups, exports."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from motcua.dossiers.models import Dossier
from motcua.portal.models import FormField
from motcua.procedures.models import Procedure
from motcua.reports import builder
from motcua.reports.cells import safe_cell

pytestmark = pytest.mark.django_db


def refused(definition) -> str:
    with pytest.raises(builder.DefinitionError) as exc:
        builder.validate(definition)
    return " ".join(exc.value.messages)


def test_unknown_field_is_refused_in_vietnamese():
    assert "“password” (cột) không được phép" in refused({"columns": ["password"]})
    assert "không được phép" in refused({"columns": ["code"], "group_by": ["applicant__password"]})


def test_operator_not_allowed_for_the_type_is_refused():
    message = refused(
        {"columns": ["code"], "filters": [{"field": "fee_total", "op": "contains", "value": "1"}]}
    )
    assert message == "Phép so sánh “có chứa” không dùng được cho trường “Phí, lệ phí”."


def test_malformed_date_is_refused():
    message = refused(
        {
            "columns": ["code"],
            "filters": [{"field": "received_at", "op": "range", "value": ["2025-02-30", None]}],
        }
    )
    assert "Ngày “2025-02-30”" in message and "YYYY-MM-DD" in message


def test_a_field_of_another_procedures_form_is_refused(world):
    other = Procedure.objects.create(
        national_code="2.000001",
        name="Khác",
        sector=world.procedure.sector,
        level=world.levels["district"],
        processing_amount=5,
    )
    FormField.objects.create(
        procedure=world.procedure, key="dien_tich", label="Diện tích", kind="number"
    )
    FormField.objects.create(procedure=other, key="so_tang", label="Số tầng", kind="number")
    ok = builder.validate({"procedure": world.procedure.pk, "columns": ["form.dien_tich"]})
    assert ok.columns[0].label == "Diện tích"
    message = refused({"procedure": world.procedure.pk, "columns": ["form.so_tang"]})
    assert message == "Trường “form.so_tang” không thuộc tờ khai của thủ tục đã chọn."
    assert "cần chọn thủ tục" in refused({"columns": ["form.dien_tich"]})


def test_sum_of_a_text_field_and_a_bad_layout_are_refused():
    message = refused(
        {
            "group_by": ["unit.name"],
            "aggregates": [{"fn": "sum", "field": "code"}],
            "layout": "crosstab",
        }
    )
    assert "Không tính được “sum” trên trường “Mã hồ sơ”" in message
    assert "Bảng chéo cần nhóm theo đúng hai trường." in message


def _bulk(world, n_units=25, n_procedures=20):
    """500 (unit × procedure) groups of one dossier each, written directly (no lifecycle)."""
    from motcua.procedures.services import procedure_publish
    from tests.units.factories import make_unit

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    units = [
        make_unit(f"000.00.{40 + i}.H27", f"Xã {i:02d}", world.levels["commune"], world.units.p)
        for i in range(n_units)
    ]
    procedures = []
    for j in range(n_procedures):
        p = Procedure.objects.create(
            national_code=f"9.{j:06d}",
            name=f"Thủ tục {j:02d}",
            sector=world.procedure.sector,
            level=world.levels["commune"],
            processing_amount=5,
        )
        procedures.append((p, procedure_publish(procedure=p)))
    moment = datetime(2025, 3, 3, 9, 0, tzinfo=tz)
    rows = []
    for i, u in enumerate(units):
        for j, (p, version) in enumerate(procedures):
            rows.append(
                Dossier(
                    code=f"B-{i}-{j}",
                    unit=u,
                    current_unit=u,
                    procedure=p,
                    procedure_version=version,
                    status="received",
                    channel=1,
                    applicant_name='=HYPERLINK("x")',
                    received_at=moment + timedelta(minutes=i),
                    fee_total=1000 * (j + 1),
                )
            )
    Dossier.objects.bulk_create(rows)
    return units, procedures


def test_two_level_group_by_with_500_groups_returns_all_500(world, superuser):
    _bulk(world)
    plan = builder.validate(
        {
            "group_by": ["unit.name", "procedure.name"],
            "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "fee_total"}],
        }
    )
    rows = list(builder.run(plan, user=superuser))
    assert len(rows) == 500
    assert {r["count"] for r in rows} == {1}
    totals = builder.totals(plan, user=superuser)
    assert totals == {"count": 500, "sum__fee_total": 25 * sum(1000 * (j + 1) for j in range(20))}


def test_crosstab_pivots_and_totals(world, superuser):
    _bulk(world, n_units=3, n_procedures=4)
    plan = builder.validate({"group_by": ["unit.name", "procedure.name"], "layout": "crosstab"})
    user = superuser
    pivot = builder.crosstab(plan, builder.run(plan, user=user))
    assert len(pivot["rows"]) == 3 and len(pivot["columns"]) == 4
    assert pivot["totals"] == [3, 3, 3, 3] and pivot["grand"] == 12


def test_filters_in_range_contains_empty_and_relative_period(world, superuser):
    _bulk(world, n_units=2, n_procedures=3)
    user = superuser

    def count(filters):
        plan = builder.validate({"columns": ["code"], "filters": filters})
        return builder.run(plan, user=user).count()

    assert count([{"field": "code", "op": "contains", "value": "b-1-"}]) == 3
    assert count([{"field": "fee_total", "op": "range", "value": ["2000", "3000"]}]) == 4
    assert count([{"field": "fee_total", "op": "in", "value": ["1000"]}]) == 2
    assert count([{"field": "finished_at", "op": "empty", "value": True}]) == 6
    assert (
        count([{"field": "received_at", "op": "range", "value": ["2025-03-03", "2025-03-03"]}]) == 6
    )
    assert count([{"field": "received_at", "op": "period", "value": "last_month"}]) == 0
    assert count([{"field": "status", "op": "eq", "value": "received"}]) == 6


def test_cells_are_neutralised_against_formula_injection():
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", 5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
        5,
    ]


def test_csv_and_xlsx_exports_carry_every_row_neutralised(world, superuser, login):
    _bulk(world, n_units=2, n_procedures=3)
    admin_client_vi = login(superuser)
    query = "run=1&columns=code&columns=applicant_name&sort=code"
    response = admin_client_vi.get(f"/desk/reports/builder/export/csv/?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Mã hồ sơ", "Người nộp"] and len(rows) == 7
    assert rows[1][1] == '\'=HYPERLINK("x")'
    response = admin_client_vi.get(f"/desk/reports/builder/export/xlsx/?{query}")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert len(values) == 7 and values[1][1] == '\'=HYPERLINK("x")'
    response = admin_client_vi.get(f"/desk/reports/builder/export/pdf/?{query}")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_builder_page_refuses_an_invalid_definition_with_its_message(admin_client_vi):
    response = admin_client_vi.get(
        "/desk/reports/builder/?run=1&columns=code&f0_field=fee_total&f0_op=contains&f0_value=1"
    )
    assert response.status_code == 400
    assert (
        "Phép so sánh “có chứa” không dùng được cho trường “Phí, lệ phí”."
        in response.content.decode()
    )


def test_filter_rows_are_added_and_removed_without_running_the_report(admin_client_vi):
    base = "/desk/reports/builder/?run=1&columns=code&f0_field=code&f0_op=contains&f0_value=HP"
    added = admin_client_vi.get(f"{base}&add_filter=1").content.decode()
    assert 'id="id_f1_field"' in added and 'id="id_f2_field"' not in added
    assert 'value="HP"' in added and "data-report" not in added  # kept, and nothing ran
    two = f"{base}&f1_field=status&f1_op=eq&f1_value=returned&nf=2"
    removed = admin_client_vi.get(f"{two}&remove_filter=0").content.decode()
    assert 'id="id_f1_field"' not in removed  # one row left: the second moved up
    assert '<option value="status" selected>' in removed and 'value="HP"' not in removed


def test_fields_are_picked_by_vietnamese_names_in_groups(admin_client_vi):
    html = admin_client_vi.get("/desk/reports/builder/").content.decode()
    assert '<optgroup label="Thủ tục, lĩnh vực">' in html
    assert '<option value="sector.name">Lĩnh vực</option>' in html
    assert "{&quot;" not in html and '{"field"' not in html  # no JSON shown to the manager


def test_dates_typed_day_first_become_the_definitions_dates(world):
    from motcua.reports.forms import BuilderForm

    form = BuilderForm(
        {
            "columns": ["code"],
            "f0_field": "received_at",
            "f0_op": "range",
            "f0_value": "01/03/2025",
            "f0_to": "31/03/2025",
            "f1_field": "received_at",
            "f1_op": "period",
            "f1_period": "last_month",
        },
        procedures=Procedure.objects.all(),
    )
    assert form.is_valid(), form.errors
    definition = form.definition()
    assert definition["filters"][0]["value"] == ["2025-03-01", "2025-03-31"]
    assert definition["filters"][1]["value"] == "last_month"
    assert builder.validate(definition).filters[0][2] == [date(2025, 3, 1), date(2025, 3, 31)]
    again = BuilderForm.initial_from(definition)
    assert (again["f0_value"], again["f0_to"], again["f1_period"]) == (
        "2025-03-01",
        "2025-03-31",
        "last_month",
    )


def test_a_saved_report_is_described_in_words():
    lines = builder.describe(
        {
            "group_by": ["unit.name"],
            "filters": [{"field": "received_at", "op": "period", "value": "last_month"}],
        }
    )
    assert lines == ["Nhóm theo: Đơn vị tiếp nhận", "Lọc: Thời điểm tiếp nhận trong kỳ Tháng trước"]
