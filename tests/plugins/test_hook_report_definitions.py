"""Hook ``report_definitions``: a plugin's report-builder definitions are listed (read-only,
marked as the plugin's) and run through the builder's own path only where the plugin is enabled;
an invalid one stops start-up with one line; two plugins cannot claim the same key."""

import csv
import io
import sys
import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core.roles import Role
from motcua.plugins.contract import read_hooks
from motcua.plugins.registry import contributions, install
from motcua.reports import builder, plugin_reports
from tests.desk import conftest as desk_fixtures
from tests.reports.test_builder import _bulk
from tests.units.factories import make_membership, make_user

login = desk_fixtures.login  # a client logged in as a user, in Vietnamese

BY_UNIT = {
    "group_by": ["unit.name"],
    "aggregates": [{"fn": "sum", "field": "fee_total"}],
    "filters": [{"field": "status", "op": "eq", "value": "received"}],
    "sort": [{"field": "unit.name", "dir": "asc"}],
}
REPORT_ID = "plugin:bao_cao:by_unit"


@pytest.fixture
def registry(monkeypatch):
    """An empty plugin-report registry for the test (the process's own is left as it was)."""
    monkeypatch.setattr(plugin_reports, "PLUGIN_REPORTS", {})
    return plugin_reports.PLUGIN_REPORTS


def _plugin(monkeypatch, name="bao_cao", **hooks):
    module = types.ModuleType(f"{name}.hooks")
    module.__file__ = f"/nonexistent/{name}/hooks.py"
    values = {"name": name, "label": "Báo cáo tỉnh", "requires_motcua": ">=0.1,<0.2", **hooks}
    module.__dict__.update(values)
    monkeypatch.setitem(sys.modules, f"{name}.hooks", module)
    return read_hooks(module)


def _by_unit(monkeypatch, definition=BY_UNIT, name="bao_cao"):
    return _plugin(
        monkeypatch,
        name=name,
        report_definitions={"by_unit": {"name": "Phí theo đơn vị", "definition": definition}},
    )


def test_the_definition_is_listed_and_runs_only_where_the_plugin_is_enabled(
    monkeypatch, registry, world, login
):
    _bulk(world, n_units=3, n_procedures=2)
    admin_client_vi = login(make_user("quan_tri_tinh", is_superuser=True))
    install([])  # a site that does not enable the plugin
    page = admin_client_vi.get("/desk/reports/builder/")
    assert "tiện ích" not in page.content.decode()
    assert admin_client_vi.get(f"/desk/reports/builder/?report={REPORT_ID}").status_code == 404
    assert (
        admin_client_vi.get(f"/desk/reports/builder/export/csv/?report={REPORT_ID}").status_code
        == 404
    )

    install([_by_unit(monkeypatch)])
    page = admin_client_vi.get("/desk/reports/builder/").content.decode()
    assert f"?report={REPORT_ID}" in page and "Phí theo đơn vị (tiện ích: Báo cáo tỉnh)" in page
    response = admin_client_vi.get(f"/desk/reports/builder/?report={REPORT_ID}")
    assert response.status_code == 200
    assert response.context["report"].pk == REPORT_ID
    assert [row[1] for row in response.context["table"]] == [3000, 3000, 3000]
    assert contributions([_by_unit(monkeypatch)])["bao_cao"] == ["report definition by_unit"]


def test_it_returns_the_rows_of_the_same_definition_built_by_hand_in_the_users_scope(
    monkeypatch, registry, world, login
):
    units, _procedures = _bulk(world, n_units=3, n_procedures=2)
    install([_by_unit(monkeypatch)])
    officer = make_user("mot_cua_xa")
    make_membership(officer, units[1], Role.RECEPTION_OFFICER)

    def exported(user, query):
        response = login(user).get(f"/desk/reports/builder/export/csv/?{query}")
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    by_hand = (
        "run=1&group_1=unit.name&fn=sum&fn_field=fee_total&sort=unit.name&sort_dir=asc"
        "&f0_field=status&f0_op=eq&f0_value=received"
    )
    superuser = make_user("quan_tri_tinh", is_superuser=True)
    for user in (superuser, officer):
        from_plugin = exported(user, f"report={REPORT_ID}")
        assert from_plugin == exported(user, by_hand)
        rows = builder.run(builder.validate(BY_UNIT), user=user)
        by_query = [[r["unit__name"], str(r["sum__fee_total"])] for r in rows]
        assert from_plugin[1:-1] == by_query  # between the header and the totals row
    assert exported(officer, f"report={REPORT_ID}")[1:-1] == [[units[1].name, "3000"]]
    assert len(exported(superuser, f"report={REPORT_ID}")[1:-1]) == 3


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ({"columns": ["ho_ten"]}, "Trường “ho_ten” (cột) không được phép dùng trong báo cáo."),
        ({"columns": ["code"], "layout": "pivot"}, "Kiểu trình bày"),
        ({"columns": ["code"], "procedure": 12}, "'procedure' is a database id"),
        (
            {"group_by": ["unit.name"], "aggregates": [{"fn": "count"}, {"fn": "count"}]},
            "at most one aggregate",
        ),
    ],
)
def test_an_invalid_definition_stops_start_up_with_one_line(
    monkeypatch, registry, db, definition, problem
):
    with pytest.raises(ImproperlyConfigured) as refused:
        install([_by_unit(monkeypatch, definition)])
    message = str(refused.value)
    assert message.startswith("plugin bao_cao: report definition 'by_unit': ")
    assert problem in message and "\n" not in message
    assert registry == {}


def test_two_plugins_cannot_claim_the_same_key(monkeypatch, registry, db):
    with pytest.raises(ImproperlyConfigured, match="already contributed by bao_cao"):
        install([_by_unit(monkeypatch), _by_unit(monkeypatch, name="bao_cao_khac")])


def test_a_key_that_cannot_be_a_stable_id_is_refused(monkeypatch, registry, db):
    plugin = _plugin(
        monkeypatch, report_definitions={"Phí-đơn-vị": {"name": "x", "definition": BY_UNIT}}
    )
    with pytest.raises(ImproperlyConfigured, match="the key must be a-z, 0-9, _"):
        install([plugin])
