"""One evaluator (motcua.core.conditions) for the portal's show-if and the workflow's routing: a
table of cases gives the same answer through the portal form and through the routing."""

from decimal import Decimal

import pytest

from motcua.core import conditions
from motcua.dossiers.workflow import StepSpec, next_step_index

#: (controller kind, what the citizen typed — None for an unticked box, what is stored in the
#: dossier's form data, the configured value, whether the condition holds)
CASES = [
    ("text", "Nhà xưởng", "Nhà xưởng", "nha xuong", True),
    ("text", "  NHÀ   xưởng ", "NHÀ xưởng", "Nhà xưởng", True),
    ("text", "Nhà ở", "Nhà ở", "Nhà xưởng", False),
    ("text", "Đức Hòa", "Đức Hòa", "duc hoa", True),
    ("text", "0912", "0912", "912", False),  # a leading zero is text, not a number
    ("select", "Nhà ở riêng lẻ", "Nhà ở riêng lẻ", "nha o rieng le", True),
    ("number", "500,5", "500.5", "500,5", True),
    ("number", "500,5", "500.5", "500.5", True),
    ("number", "500", "500", "500,0", True),
    ("number", "501", "501", "500", False),
    ("checkbox", "on", True, "có", True),
    ("checkbox", "on", True, "Có", True),
    ("checkbox", "on", True, "x", True),
    ("checkbox", "on", True, "đúng", True),
    ("checkbox", None, False, "có", False),
    ("checkbox", None, False, "không", True),
]


def _portal_shows(kind, typed, expected) -> bool:
    from motcua.portal.forms import DossierForm
    from motcua.units.models import Unit

    controller = {"key": "ctl", "label": "Điều khiển", "kind": kind, "required": False}
    if kind == "select":
        controller["choices"] = [typed]
    dependent = {
        "key": "dep",
        "label": "Phụ thuộc",
        "kind": "text",
        "required": False,
        "show_if": {"field": "ctl", "value": expected},
    }
    data = {} if typed is None else {"f_ctl": typed}
    form = DossierForm(
        data,
        spec={"fields": [controller, dependent], "documents": []},
        units=Unit.objects.none(),
        online_level="full",
    )
    return "f_dep" in form.visible_names()


def _routes_through(stored, expected) -> bool:
    def step(index, condition=None):
        return StepSpec.from_snapshot(
            index, {"name": f"Bước {index}", "condition": condition, "amount": "1"}
        )

    steps = [step(0), step(1, {"field": "ctl", "op": "==", "value": expected}), step(2)]
    return next_step_index(steps, 0, {"ctl": stored}) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "typed", "stored", "expected", "holds"), CASES)
def test_show_if_and_routing_give_the_same_answer(kind, typed, stored, expected, holds):
    assert _portal_shows(kind, typed, expected) is holds
    assert _routes_through(stored, expected) is holds


@pytest.mark.parametrize(
    ("op", "actual", "expected", "holds"),
    [
        (">", "650,5", "500", True),
        (">", "450", "500", False),
        (">=", Decimal("500"), "500", True),
        ("<", 12, "12,5", True),
        ("!=", "Nhà ở", "nha o", False),
        ("in", "Nhà xưởng", "nhà ở, nhà xưởng", True),
        ("in", "Kho", ["Nhà ở", "Nhà xưởng"], False),
        ("in", "2,0", "1, 2", True),
        (">", True, "có", False),  # a checkbox is only equal or not
        ("~", "a", "a", False),  # an unknown operator never holds
    ],
)
def test_operators_of_routing(op, actual, expected, holds):
    assert conditions.holds(op, actual, expected) is holds


def test_a_missing_field_never_matches_whatever_the_operator():
    for op in ("==", "!=", ">", "in"):
        assert conditions.condition_holds({"field": "x", "op": op, "value": "1"}, {}) is False
    assert (
        conditions.condition_holds({"field": "x", "op": "!=", "value": "1"}, {"x": None}) is False
    )
    assert conditions.condition_holds(None, {}) is True
