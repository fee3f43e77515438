"""Data for the desk's live preview: a real dossier the administrator may see, or a built-in sample.

The preview prefers the most recent dossier visible to the administrator (through
``dossiers_visible``) to which the form applies, so an edited template is tried on real data; a
fresh site with no dossier gets the built-in sample below.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from motcua.core.roles import STAFF_ROLES
from motcua.dossiers.selectors import dossiers_visible
from motcua.printing import context as ctx
from motcua.printing.registry import FormSpec, build_dossier_form, build_ledger
from motcua.printing.render import DOSSIER_RELATED
from motcua.units.models import Unit
from motcua.units.selectors import units_in_scope

#: How many recent dossiers the preview looks through for one the form applies to.
RECENT = 50


def _sample_dossier(now: datetime) -> ctx.DossierInfo:
    received = now.replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=7)
    code = "000.00.00.H00-250303-0001"
    return ctx.DossierInfo(
        code=code,
        applicant_name="Nguyễn Văn An",
        applicant_kind="Cá nhân",
        applicant_id_number="031090001234",
        applicant_tax_code="",
        applicant_phone="0912 345 678",
        applicant_email="an.nguyen@example.vn",
        applicant_address="Số 1 Hoàng Văn Thụ, phường Minh Khai",
        procedure_code="1.000000",
        procedure_name="Thủ tục mẫu (dữ liệu xem trước)",
        sector_name="Lĩnh vực mẫu",
        processing_time="15 ngày làm việc",
        status="Đang giải quyết",
        channel="Trực tiếp",
        delivery="Nhận tại bộ phận một cửa",
        delivery_address="",
        submitted_at=received,
        received_at=received,
        due_at=received + timedelta(days=21, hours=8),
        apology_due_at=received + timedelta(days=28, hours=8),
        finished_at=None,
        returned_at=None,
        received_by="Trần Thị Hoa",
        fee_total=Decimal(150000),
        is_paid=True,
        result_number="",
        result_date=None,
        supplement_items=("Bản sao giấy tờ mẫu",),
        documents=(
            ctx.DocumentLine(1, "Đơn đề nghị (mẫu)", 1, 0, True, False),
            ctx.DocumentLine(2, "Giấy tờ kèm theo (mẫu)", 0, 1, True, False),
        ),
        lookup_url=ctx.lookup_url(code),
    )


def sample_form_data(spec: FormSpec, *, unit: Unit | None, user, now: datetime) -> ctx.FormData:
    """Return built-in sample data for *spec* (no database rows needed)."""
    dossier = _sample_dossier(now)
    unit_info = (
        ctx.unit_info(unit)
        if unit
        else ctx.UnitInfo(
            "Ủy ban nhân dân (đơn vị mẫu)", "Cơ quan chủ quản mẫu", "000.00.00.H00", "", "", ""
        )
    )
    event = ctx.EventInfo(
        action="Mẫu",
        at=dossier.received_at + timedelta(days=2),
        officer="Lê Minh Tuấn",
        unit=unit_info.name,
        note="Nội dung lý do mẫu",
        items=dossier.supplement_items,
        reason="Nội dung lý do mẫu",
    )
    rows: tuple = ()
    if spec.code == "06":
        rows = (
            ctx.ControlRow(
                1,
                "Thẩm định hồ sơ",
                "Trần Thị Hoa",
                "Bộ phận tiếp nhận và trả kết quả",
                "Lê Minh Tuấn",
                unit_info.name,
                dossier.received_at,
                dossier.received_at + timedelta(days=10),
                dossier.received_at + timedelta(days=3),
                "Trước hạn",
                False,
            ),
        )
    elif spec.code == "07":
        rows = (
            ctx.LedgerRow(
                1,
                dossier.code,
                dossier.procedure_name,
                1,
                dossier.applicant_name,
                dossier.applicant_address,
                unit_info.name,
                dossier.received_at,
                dossier.due_at,
                dossier.received_at,
                unit_info.name,
                None,
                None,
                dossier.status,
                "Đang xử lý",
            ),
        )
    today = timezone.localdate(now)
    return ctx.FormData(
        form=spec.info(),
        site=ctx.site_info(),
        unit=unit_info,
        issued_at=event.at if spec.event_actions else dossier.received_at,
        printed_at=now,
        printed_by=ctx.person(user),
        dossier=dossier if spec.per_dossier else None,
        handling_unit=unit_info,
        event=event if spec.event_actions else None,
        rows=rows,
        summary="Hồ sơ đang xử lý.",
        period=None if spec.per_dossier else ctx.Period(today.replace(day=1), today),
        total=len(rows),
        qr_image=ctx.qr_data_uri(dossier.lookup_url) if spec.has_qr else "",
    )


def preview_data(spec: FormSpec, *, user, unit: Unit | None = None) -> tuple[ctx.FormData, str]:
    """Return data for previewing *spec* and a line saying where it came from."""
    now = timezone.now()
    if spec.per_dossier:
        recent = dossiers_visible(user=user).exclude(received_at=None)
        if unit is not None:
            recent = recent.filter(unit=unit)
        for dossier in recent.select_related(*DOSSIER_RELATED).order_by("-received_at")[:RECENT]:
            if spec.applicable(dossier):
                data = build_dossier_form(spec, dossier=dossier, user=user, now=now)
                return data, f"Hồ sơ {dossier.code}"
        return sample_form_data(spec, unit=unit, user=user, now=now), "Dữ liệu mẫu"
    ledger_unit = unit or units_in_scope(user=user, roles=STAFF_ROLES).order_by("path").first()
    if ledger_unit is not None:
        today = timezone.localdate(now)
        start: date = today - timedelta(days=30)
        data = build_ledger(
            spec, user=user, unit=ledger_unit, date_from=start, date_to=today, now=now
        )
        if data.rows:
            return data, f"Sổ của {ledger_unit.name}, 30 ngày gần nhất"
    return sample_form_data(spec, unit=ledger_unit, user=user, now=now), "Dữ liệu mẫu"
