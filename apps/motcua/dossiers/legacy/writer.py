"""Write a legacy file's dossiers: all or nothing per file, set-based, one birth event each.

Rules:

1. Only a site administrator imports (a file may name any unit of the province).
2. The whole file is checked first (pass 1, streamed): every row's cells (``columns``), the
   procedure (known, with a published version: the dossier keeps it as any dossier does), the
   units (known by agency code, closed ones included: a merged province brings its former units'
   history), the moments (finished not before received, due not before received) and the code
   (unique in the file and new to the site). One bad row and nothing is written; the row-level
   errors are kept on the :class:`~motcua.dossiers.models.DossierImport` record.
3. A good file is written in one transaction (pass 2, re-read), :data:`BATCH` rows per
   multi-row ``INSERT``: the dossiers (``imported_from`` marks them, their original code is kept),
   one ``import`` event each (the declared bulk writer of ``core/lifecycle.py``, like the calendar
   recomputation's), and the processing time of those with a result (QĐ 766 §2.2), so they count
   in the statistics like any other dossier.
4. Imported dossiers have no workflow steps, pauses nor documents: the other system's history is
   its own. Their events are dated at the import; the moments of the file are on the dossier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import deadlines
from motcua.core.selectors import site_calendar
from motcua.core.timeunits import TimeUnit
from motcua.dossiers.legacy import columns as cols
from motcua.dossiers.legacy.reader import UnreadableFile, rows
from motcua.dossiers.models import Dossier, DossierEvent, DossierImport, ImportStatus
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.states import Action, Status

#: Rows per multi-row INSERT (and per lookup of existing codes).
BATCH = 2000
#: Errors kept on the record (all are counted; a file with more is refused all the same).
MAX_ERRORS = 1000


@dataclass
class _Refs:
    """Procedures and units by code, read once each (a province has thousands, not millions)."""

    procedures: dict[str, tuple[int, int | None, str]] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Refs:
        from motcua.procedures.models import Procedure, ProcedureVersion
        from motcua.units.models import Unit

        latest: dict[int, tuple[int, str]] = {}
        for pk, procedure_id, snapshot in ProcedureVersion.objects.order_by("pk").values_list(
            "pk", "procedure_id", "snapshot"
        ):
            unit = ((snapshot or {}).get("procedure") or {}).get("processing_unit")
            latest[procedure_id] = (pk, unit or TimeUnit.WORKING_DAYS)
        refs = cls()
        for pk, code in Procedure.objects.values_list("pk", "national_code"):
            version, unit = latest.get(pk, (None, TimeUnit.WORKING_DAYS))
            refs.procedures[code] = (pk, version, unit)
        refs.units = dict(Unit.objects.values_list("agency_code", "pk"))
        return refs


@dataclass
class _Report:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})


def _records(handle: IO[bytes], name: str, report: _Report) -> Iterator[tuple[int, dict]]:
    """Yield (row number, parsed values) of the data rows; cell errors go to *report*."""
    reader = rows(handle, name)
    header = next(reader, None)
    if header is None:
        report.add(1, "", _("Tệp không có dòng tiêu đề."))
        return
    mapping, problems = cols.header_map(header)
    for problem in problems:
        report.add(1, "", problem)
    if problems:
        return
    for number, cells in enumerate(reader, start=2):
        if not any(c not in (None, "") and str(c).strip() for c in cells):
            continue  # a blank line
        report.rows += 1
        values: dict[str, Any] = {}
        for position, column in mapping.items():
            raw = cells[position] if position < len(cells) else None
            try:
                values[column.key] = column.parse(raw)
            except ValueError as exc:
                report.add(number, column.key, str(exc))
                continue
            if column.required and values[column.key] in (None, ""):
                report.add(number, column.key, _("thiếu giá trị bắt buộc"))
        yield number, values


def _check_row(number: int, v: dict, refs: _Refs, report: _Report) -> None:
    procedure = refs.procedures.get(v.get("procedure_code") or "")
    if v.get("procedure_code") and procedure is None:
        report.add(number, "procedure_code", _("không có thủ tục mã này trong danh mục"))
    elif procedure is not None and procedure[1] is None:
        report.add(number, "procedure_code", _("thủ tục chưa có phiên bản được công bố"))
    for key in ("unit_code", "competent_unit_code"):
        if v.get(key) and v[key] not in refs.units:
            report.add(number, key, _("không có đơn vị mã “%(code)s”") % {"code": v[key]})
    received, finished, due = v.get("received_at"), v.get("finished_at"), v.get("due_at")
    if received and finished and finished < received:
        report.add(number, "finished_at", _("thời điểm kết thúc trước thời điểm tiếp nhận"))
    if received and due and due < received:
        report.add(number, "due_at", _("hạn trả kết quả trước thời điểm tiếp nhận"))


def _check_codes(batch: list[tuple[int, str]], report: _Report) -> None:
    existing = set(
        Dossier.objects.filter(code__in=[c for _n, c in batch]).values_list("code", flat=True)
    )
    for number, code in batch:
        if code in existing:
            report.add(
                number, "code", _("mã hồ sơ “%(code)s” đã có trên hệ thống") % {"code": code}
            )


def _check(handle: IO[bytes], name: str, refs: _Refs) -> _Report:
    """Pass 1: every problem of the file, row by row (rule 2)."""
    report = _Report()
    seen: dict[str, int] = {}
    pending: list[tuple[int, str]] = []
    try:
        for number, values in _records(handle, name, report):
            _check_row(number, values, refs, report)
            code = values.get("code")
            if not code:
                continue
            if code in seen:
                report.add(
                    number,
                    "code",
                    _("mã hồ sơ “%(code)s” trùng với dòng %(row)s")
                    % {"code": code, "row": seen[code]},
                )
                continue
            seen[code] = number
            pending.append((number, code))
            if len(pending) >= BATCH:
                _check_codes(pending, report)
                pending = []
    except UnreadableFile as exc:
        report.add(0, "", str(exc))
    if pending:
        _check_codes(pending, report)
    if report.rows == 0 and not report.count:
        report.add(0, "", _("Tệp không có dòng dữ liệu nào."))
    return report


def _dossier(v: dict, refs: _Refs, batch: DossierImport, user) -> Dossier:
    procedure_id, version_id, _unit = refs.procedures[v["procedure_code"]]
    unit_id = refs.units[v["unit_code"]]
    competent_id = refs.units.get(v.get("competent_unit_code") or "", unit_id)
    status = v["status"]
    dossier = Dossier(
        code=v["code"],
        unit_id=unit_id,
        current_unit_id=competent_id,
        competent_unit_id=competent_id,
        procedure_id=procedure_id,
        procedure_version_id=version_id,
        status=status,
        channel=v.get("channel") or cols.Channel.IN_PERSON,
        applicant_name=v["applicant_name"],
        applicant_id_number=v.get("applicant_id_number", ""),
        applicant_phone=v.get("applicant_phone", ""),
        applicant_address=v.get("applicant_address", ""),
        submitted_at=v["received_at"],
        received_at=v["received_at"],
        due_at=v.get("due_at"),
        finished_at=v["finished_at"],
        returned_at=v["finished_at"] if status == Status.RETURNED else None,
        result_number=v.get("result_number", ""),
        is_training=settings.SITE.training,
        imported_from=batch,
        updated_by=user,
    )
    dossier.refresh_search_text()
    return dossier


def _write(chunk: list[tuple[int, dict]], refs: _Refs, batch: DossierImport, user, now) -> int:
    """Insert one batch: dossiers, their birth events, their processing times (rule 3), and
    their share of the monthly summaries."""
    from motcua.reports.models import ProcessingTime
    from motcua.reports.summaries import summary_refresh

    dossiers = [_dossier(v, refs, batch, user) for _n, v in chunk]
    Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
    ids = dict(
        Dossier.objects.filter(code__in=[d.code for d in dossiers]).values_list("code", "pk")
    )
    DossierEvent.objects.bulk_create(
        [
            DossierEvent(
                dossier_id=ids[d.code],
                action=Action.IMPORT,
                actor=user,
                from_status="",
                to_status=d.status,
                unit_id=d.current_unit_id,
                note=batch.source_system,
                data={"import": batch.pk, "row": number},
                created_at=now,
            )
            for (number, _v), d in zip(chunk, dossiers, strict=True)
        ],
        batch_size=BATCH,
    )
    calendar = site_calendar()
    day = calendar.day_office_time.total_seconds()
    times = []
    for (_n, v), d in zip(chunk, dossiers, strict=True):
        if d.status not in (Status.RESULT_READY, Status.RETURNED):
            continue
        seconds = max(
            0,
            int(
                deadlines.office_time_between(
                    calendar, d.received_at, d.finished_at
                ).total_seconds()
            ),
        )
        unit = refs.procedures[v["procedure_code"]][2]
        per = 3600 if unit == TimeUnit.WORKING_HOURS else day
        times.append(
            ProcessingTime(
                dossier_id=ids[d.code],
                office_seconds=seconds,
                amount=round(seconds / per, 2),
                unit=unit,
            )
        )
    ProcessingTime.objects.bulk_create(times, batch_size=BATCH)
    # The statistics' monthly summaries move with the dossiers, in the same transaction, as
    # for every other writer of dossiers (reports/summaries.py).
    summary_refresh(dossier_ids=ids.values())
    return len(dossiers)


def _sha256(handle: IO[bytes]) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def dossiers_import(*, user, handle: IO[bytes], file_name: str, source_system: str = ""):
    """Import the dossiers of *handle* (an XLSX or CSV file named *file_name*); see the module.

    Return the :class:`DossierImport` record: ``imported`` with its count, or ``refused`` with
    the row-level errors and nothing else saved.
    """
    from motcua.units.admin_scope import is_site_administrator

    if not is_site_administrator(user):
        raise ActionForbidden(_("Chỉ quản trị hệ thống được nhập hồ sơ từ hệ thống cũ."))
    record = DossierImport(
        file_name=file_name[:255],
        sha256=_sha256(handle),
        source_system=source_system[:200],
        created_by=user,
    )
    refs = _Refs.load()
    report = _check(handle, file_name, refs)
    record.rows = report.rows
    if report.count:
        record.status, record.errors = ImportStatus.REFUSED, report.errors
        record.save()
        return record
    now = timezone.now()
    with transaction.atomic():
        record.status = ImportStatus.IMPORTED
        record.save()
        chunk: list[tuple[int, dict]] = []
        for number, values in _records(handle, file_name, _Report()):
            chunk.append((number, values))
            if len(chunk) >= BATCH:
                record.imported += _write(chunk, refs, record, user, now)
                chunk = []
        if chunk:
            record.imported += _write(chunk, refs, record, user, now)
        record.save(update_fields=["imported"])
    return record
