"""The column mapping of a legacy dossier file (docs/legacy-import.md) and each cell's parser.

A header row names the columns, by their key or their Vietnamese heading (accents, case and
spacing ignored). Every parser returns the value or raises ``ValueError`` with a Vietnamese
message; the writer adds the row number and the column.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.dossiers.models import Channel
from motcua.dossiers.states import Status

#: The statuses an imported dossier may have: its processing is over (or only its return is
#: left, which the counter records as for any dossier). An open dossier needs its workflow steps,
#: which another system's export does not carry: receive it at the counter instead.
IMPORTABLE = (
    Status.RESULT_READY,
    Status.RETURNED,
    Status.REJECTED,
    Status.STOPPED,
    Status.WITHDRAWN,
)

_MOMENT_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
_DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def text(value: Any, *, limit: int) -> str:
    result = "" if value is None else str(value).strip()
    if len(result) > limit:
        raise ValueError(_("dài quá %(n)s ký tự") % {"n": limit})
    return result


def code(value: Any) -> str:
    result = text(value, limit=64)
    if any(c.isspace() for c in result):
        raise ValueError(_("mã hồ sơ không được chứa khoảng trắng"))
    return result


def moment(value: Any) -> datetime | None:
    """A moment in the site's time zone: an XLSX date-time, or text dd/mm/yyyy [hh:mm[:ss]]."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        naive = value
    elif isinstance(value, date):
        naive = datetime.combine(value, time(0, 0))
    else:
        raw = str(value).strip()
        naive = None
        for fmt in _MOMENT_FORMATS + _DAY_FORMATS:
            try:
                # naive on purpose: the file's moments are local, made aware just below
                naive = datetime.strptime(raw, fmt)  # noqa: DTZ007
                break
            except ValueError:
                continue
        if naive is None:
            raise ValueError(
                _("“%(value)s” không phải thời điểm dạng dd/mm/yyyy hh:mm") % {"value": raw}
            )
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive)


@functools.lru_cache(maxsize=16)
def _table(enum, language: str | None) -> dict[str, str]:
    table = {}
    for value, label in enum.choices:
        table[fold(str(value))] = value
        table[fold(str(label))] = value
    return table


def _choices(enum) -> dict[str, str]:
    """Values and (folded) labels of *enum*, built once per language (one per cell was slow)."""
    return _table(enum, translation.get_language())


def status(value: Any) -> str:
    folded = fold(text(value, limit=60))
    found = _choices(Status).get(folded)
    if found is None:
        raise ValueError(_("trạng thái “%(value)s” không có trong danh mục") % {"value": value})
    if found not in IMPORTABLE:
        raise ValueError(
            _(
                "chỉ nhập hồ sơ đã có kết quả hoặc đã kết thúc (%(list)s); hồ sơ đang giải quyết "
                "cần được tiếp nhận tại bộ phận một cửa"
            )
            % {"list": ", ".join(str(Status(s).label) for s in IMPORTABLE)}
        )
    return found


def channel(value: Any) -> int:
    if value is None or not str(value).strip():
        return Channel.IN_PERSON
    raw = str(value).strip()
    if raw.isdigit() and int(raw) in Channel.values:
        return int(raw)
    found = _choices(Channel).get(fold(raw))
    if found is None:
        raise ValueError(_("kênh nộp “%(value)s” không hợp lệ (1, 2 hoặc 3)") % {"value": raw})
    return int(found)


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # the Vietnamese heading accepted in the file (and printed in the docs)
    required: bool
    parse: Any


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hồ sơ", True, code),
    Column("procedure_code", "Mã thủ tục", True, lambda v: text(v, limit=50)),
    Column("applicant_name", "Người nộp", True, lambda v: text(v, limit=200)),
    Column("applicant_id_number", "Số định danh", False, lambda v: text(v, limit=20)),
    Column("applicant_phone", "Số điện thoại", False, lambda v: text(v, limit=20)),
    Column("applicant_address", "Địa chỉ", False, lambda v: text(v, limit=300)),
    Column("unit_code", "Mã đơn vị tiếp nhận", True, lambda v: text(v, limit=40)),
    Column("competent_unit_code", "Mã cơ quan giải quyết", False, lambda v: text(v, limit=40)),
    Column("channel", "Kênh nộp", False, channel),
    Column("received_at", "Thời điểm tiếp nhận", True, moment),
    Column("due_at", "Hạn trả kết quả", False, moment),
    Column("finished_at", "Thời điểm kết thúc xử lý", True, moment),
    Column("status", "Trạng thái", True, status),
    Column("result_number", "Số văn bản kết quả", False, lambda v: text(v, limit=60)),
)
BY_NAME = {fold(name): c for c in COLUMNS for name in (c.key, c.heading)}


def header_map(header: list[Any]) -> tuple[dict[int, Column], list[str]]:
    """Return {position: column} for a header row, and the problems (missing or unknown)."""
    found: dict[int, Column] = {}
    problems = []
    for i, cell in enumerate(header):
        name = fold(str(cell or "").replace("_", " ")).replace(" ", "_")
        column = BY_NAME.get(name) or BY_NAME.get(fold(str(cell or "")))
        if column is None:
            if str(cell or "").strip():
                problems.append(_("Cột “%(name)s” không có trong bảng ánh xạ.") % {"name": cell})
            continue
        found[i] = column
    present = {c.key for c in found.values()}
    for column in COLUMNS:
        if column.required and column.key not in present:
            problems.append(
                _("Thiếu cột bắt buộc “%(key)s” (%(heading)s).")
                % {"key": column.key, "heading": column.heading}
            )
    return found, problems
