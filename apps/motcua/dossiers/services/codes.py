"""Dossier codes (mã số hồ sơ, TT 03/2025/TT-VPCP Điều 13): the pattern is site data.

Rules:

1. The structure is a :class:`~motcua.dossiers.models.CodePattern` row, the one in force on the
   day of reception (latest ``valid_from`` not after it); with no row the built-in
   :data:`DEFAULT_PATTERN` applies, ``{agency}-{yymmdd}-{seq}`` with at least 4 digits (the
   structure used before TT 03/2025; its khoản 1–2 could not be checked against the text, only
   khoản 3 is at hand). The centralised-service structure of khoản 3 (added by TT 04/2025 Điều 23
   k.2, in force 25/01/2026) is ``MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX``: the template
   ``{agency}-{yymmdd}-{AA}{seq}`` with the *deciding* agency's code (k.3 đ.a) and the two digits
   of the system owner's code (k.3 đ.c).
2. One gap-free sequence per agency whose code the dossier code carries and per local day,
   from a counter row locked until the reception commits (a refused reception uses no number).
   The sequence has at least ``min_digits`` (≥ 4) digits and simply grows past 9999 (k.3 đ.d:
   "độ dài dãy số theo thực tế hồ sơ phát sinh, tối thiểu gồm 04 ký tự").
3. A code is stored once on the dossier and never rebuilt: a new pattern changes only the codes
   given from its first day, and imported dossiers keep their original codes.
4. A template names only the known fields, each at most once, and must hold ``{agency}``,
   ``{yymmdd}`` and ``{seq}`` (together they make the code unique); ``{AA}`` needs its two digits.
"""

from __future__ import annotations

import string
from datetime import date, datetime

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import CodeAgency, CodePattern, DossierCodeCounter
from motcua.units.models import Unit

#: The fields a template may use.
FIELDS = ("agency", "yymmdd", "AA", "seq")
#: The fields every template needs (unique per agency and day, rule 4).
REQUIRED = ("agency", "yymmdd", "seq")
#: TT 03/2025 Điều 13 k.3 đ.d: "tối thiểu gồm 04 ký tự".
MIN_DIGITS = 4
#: Longest code a pattern may produce with a 35-character agency code and a 6-digit sequence.
CODE_MAX = 64

DEFAULT_PATTERN = CodePattern(
    valid_from=date(2018, 1, 1),
    template="{agency}-{yymmdd}-{seq}",
    agency=CodeAgency.RECEIVING,
    min_digits=MIN_DIGITS,
    legal_basis="TT 03/2025/TT-VPCP Điều 13 (khoản 1–2 chưa đối chiếu được với văn bản)",
)


def pattern_problems(pattern: CodePattern) -> dict[str, str]:
    """Return the errors of *pattern* by field (empty when it may be used); rule 4."""
    errors: dict[str, str] = {}
    try:
        parts = list(string.Formatter().parse(pattern.template or ""))
    except ValueError:
        parts = None
    names = [name for _text, name, _spec, _conv in parts or () if name is not None]
    odd = [
        name
        for _text, name, spec, conv in parts or ()
        if name is not None and (name not in FIELDS or spec or conv)
    ]
    if parts is None or odd:
        errors["template"] = _(
            "Cấu trúc mã chỉ được dùng các thành phần {agency}, {yymmdd}, {AA}, {seq} (không kèm "
            "định dạng)."
        )
    elif missing := [name for name in REQUIRED if name not in names]:
        errors["template"] = _("Cấu trúc mã thiếu thành phần: %(names)s.") % {
            "names": ", ".join("{" + name + "}" for name in missing)
        }
    elif len(names) != len(set(names)):
        errors["template"] = _("Mỗi thành phần chỉ được dùng một lần trong cấu trúc mã.")
    if "AA" in names and not (
        len(pattern.system_digits or "") == 2 and pattern.system_digits.isdigit()
    ):
        errors["system_digits"] = _("Cấu trúc có {AA} cần đúng hai chữ số.")
    if (pattern.min_digits or 0) < MIN_DIGITS:
        errors["min_digits"] = _("Số thứ tự tối thiểu gồm 04 chữ số (TT 03/2025 Điều 13).")
    return errors


def pattern_for(day: date) -> CodePattern:
    """Return the pattern in force on *day* (rule 1)."""
    return CodePattern.objects.filter(valid_from__lte=day).first() or DEFAULT_PATTERN


def code_render(pattern: CodePattern, *, agency_code: str, day: date, seq: int) -> str:
    """Return the code of *pattern* for the agency, the day and the sequence number."""
    return pattern.template.format(
        agency=agency_code,
        yymmdd=f"{day:%y%m%d}",
        AA=pattern.system_digits,
        seq=str(seq).zfill(max(pattern.min_digits, MIN_DIGITS)),
    )


def _counter_next(unit: Unit, day: date) -> int:
    """Take the next number of *unit*'s counter for *day*; the row stays locked (rule 2).

    The ``UPDATE … SET last = last + 1`` takes the row's exclusive lock and the read after it
    sees the number it wrote (two statements; the day's first reception inserts the row first).
    """
    rows = DossierCodeCounter.objects.filter(unit=unit, day=day)
    if not rows.update(last=F("last") + 1):
        # An upsert, not INSERT + catch IntegrityError: on InnoDB a duplicate-key error leaves a
        # shared lock on the row, and two receptions holding it both wait for the exclusive lock
        # below (deadlock, seen with 20 concurrent first receptions of a day). The upsert takes
        # the exclusive lock at once; the no-op update keeps ``last``.
        target = (
            ["unit", "day"] if connection.features.supports_update_conflicts_with_target else None
        )
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(unit=unit, day=day)],
            update_conflicts=True,
            unique_fields=target,
            update_fields=["day"],
        )
        rows.update(last=F("last") + 1)
    return rows.values_list("last", flat=True).get()


def _next_code(unit: Unit, moment: datetime, *, competent: Unit | None = None) -> str:
    """Return the next code for a dossier received by *unit* (decided by *competent*) at *moment*.

    Gap-free and safe under concurrent receptions: the counter row of the agency the code names
    is locked until the receiving transaction ends, and rolls back with it.
    """
    day = timezone.localtime(moment).date()
    pattern = pattern_for(day)
    agency = (competent or unit) if pattern.agency == CodeAgency.COMPETENT else unit
    seq = _counter_next(agency, day)
    return code_render(pattern, agency_code=agency.agency_code, day=day, seq=seq)
