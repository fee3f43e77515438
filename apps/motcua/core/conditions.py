"""Conditions on form data: one evaluator for the portal's show-if and the workflow's routing.

A condition compares the value a person gave in a field (*actual*) with the value the
administrator configured (*expected*) by an operator (``==``, ``!=``, ``>``, ``>=``, ``<``, ``<=``,
``in``). The portal shows a field when its show-if (always ``==``) holds; a workflow step whose
condition fails is skipped ("dien_tich_san > 500" goes to the department). Both call
:func:`holds`, so the same input gives the same answer (the portal's script ``portal.js`` mirrors
rules 2–4 for the live preview; the server decides).

Rules, in order:

1. A missing value (the field is absent or ``None``) never satisfies a condition, whatever the
   operator: a dossier lacking the data takes the unconditional route.
2. **Checkboxes.** When the field is a checkbox, or the value is a boolean, both sides are read as
   yes/no: ticked, "1", "true", "on", "yes", "có", "x", "đúng", "chọn" (accents and case ignored)
   are yes, anything else no. Only ``==`` and ``!=`` apply.
3. **Numbers.** When both sides read as numbers they are compared as numbers; a decimal comma is
   accepted ("500,5" = 500.5). A value with a leading zero ("0912", "01") is text, not a number —
   codes and phone numbers stay codes — except in a field of kind number.
4. **Text.** Otherwise both sides are compared after folding accents, case and spaces
   ("Nhà xưởng" = "nha  XUONG"); ``in`` takes a list, or a comma-separated text ("nhà ở, nhà xưởng").
   ``>``/``<`` on text compare the folded text.
5. An unknown operator never holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from motcua.core.text import fold

#: Words read as "yes" (rule 2), after folding.
TRUTHY = frozenset({"1", "true", "on", "yes", "co", "x", "dung", "chon"})
#: Field kinds with their own reading (``motcua.portal.models.FieldKind``): rules 2 and 3.
CHECKBOX = "checkbox"
NUMBER = "number"

_NUMBER = re.compile(r"^[+-]?(0|[1-9]\d*)([.,]\d+)?$")
_ANY_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def truthy(value: Any) -> bool:
    """Rule 2: whether a value means "yes"."""
    if isinstance(value, bool):
        return value
    return fold(str(value if value is not None else "")) in TRUTHY


def as_number(value: Any, *, kind: str = "") -> Decimal | None:
    """Rule 3: the value as a number, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    if not (_ANY_NUMBER if kind == NUMBER else _NUMBER).match(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _choices(expected: Any) -> list[str]:
    items = expected if isinstance(expected, list | tuple) else str(expected or "").split(",")
    return [fold(str(item)) for item in items if str(item).strip()]


def holds(op: str, actual: Any, expected: Any, *, kind: str = "") -> bool:
    """Whether ``actual <op> expected`` holds under rules 1–5."""
    if actual is None:
        return False
    if kind == CHECKBOX or isinstance(actual, bool):
        if op not in ("==", "!="):
            return False
        return OPERATORS[op](truthy(actual), truthy(expected))
    if op == "in":
        number = as_number(actual, kind=kind)
        for choice in _choices(expected):
            other = as_number(choice, kind=kind)
            if number is not None and other is not None:
                if number == other:
                    return True
            elif fold(str(actual)) == choice:
                return True
        return False
    compare = OPERATORS.get(op)
    if compare is None:
        return False
    left, right = as_number(actual, kind=kind), as_number(expected, kind=kind)
    if left is not None and right is not None:
        return compare(left, right)
    return compare(fold(str(actual)), fold(str(expected if expected is not None else "")))


def condition_holds(condition: dict | None, data: dict, *, kinds: dict | None = None) -> bool:
    """Whether ``{field, op, value}`` holds for *data* (a missing condition always holds).

    *kinds* maps field keys to their kind when known (the portal form; routing reads the
    procedure version's form spec), for rule 2 on checkbox values typed as text.
    """
    if not condition:
        return True
    field = condition.get("field")
    if field not in data:
        return False
    kind = (kinds or {}).get(field, "")
    return holds(condition.get("op", "=="), data[field], condition.get("value"), kind=kind)
