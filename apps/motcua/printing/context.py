"""What a form's template sees: frozen dataclasses of plain values, built from the dossier.

Templates never get model instances (see :mod:`motcua.printing.sandbox`, rule 1); the dataclasses
below are the whole vocabulary of a form, and the desk lists their fields as the variables an
administrator may use. Dates and times stay ``datetime`` objects (aware); the ``vn_*`` filters
format them in the site's time zone.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import quote

import qrcode
from django.conf import settings
from django.utils import timezone

from motcua.core.lifecycle import LIFECYCLE, Form06, actions_where
from motcua.core.people import person_name
from motcua.core.selectors import site_time_zone
from motcua.core.site_urls import public_url as site_public_url
from motcua.core.timeunits import duration_text
from motcua.dossiers import ontime
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, StepState
from motcua.dossiers.states import PAUSED, Action, Status
from motcua.units.history import unit_identity_at
from motcua.units.models import Unit

#: Ledger (form 07) limits: one printout covers at most a year and this many dossiers. WeasyPrint
#: lays out ~25 ms per row (bench/RESULTS.md), so 500 rows stay well inside a web request.
LEDGER_MAX_DAYS = 366
LEDGER_MAX_ROWS = 500


# --------------------------------------------------------------------------- the vocabulary


@dataclass(frozen=True)
class FormInfo:
    code: str
    title: str
    name: str
    legal_basis: str


@dataclass(frozen=True)
class SiteInfo:
    name: str
    agency_name: str
    place: str


@dataclass(frozen=True)
class UnitInfo:
    name: str
    parent_name: str
    agency_code: str
    address: str
    phone: str
    email: str


@dataclass(frozen=True)
class DocumentLine:
    number: int
    name: str
    originals: int
    copies: int
    received: bool
    is_supplement: bool


@dataclass(frozen=True)
class DossierInfo:
    code: str
    applicant_name: str
    applicant_kind: str
    applicant_id_number: str
    applicant_tax_code: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    procedure_code: str
    procedure_name: str
    sector_name: str
    processing_time: str
    status: str
    channel: str
    delivery: str
    delivery_address: str
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    apology_due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    received_by: str
    fee_total: Decimal
    is_paid: bool
    result_number: str
    result_date: date | None
    supplement_items: tuple[str, ...]
    documents: tuple[DocumentLine, ...]
    lookup_url: str
    sets: int = 1
    #: A boundary-free dossier (NĐ 118/2025): the unit that decides it, other than the receiving
    #: one, and the province's decision listing the procedure; empty otherwise.
    competent_unit: str = ""
    boundary_free_decision: str = ""


@dataclass(frozen=True)
class EventInfo:
    """The event a form reports (the supplement request, refusal, apology, stop)."""

    action: str
    at: datetime
    officer: str
    unit: str
    note: str
    items: tuple[str, ...] = ()
    reason: str = ""
    code: str = ""  # the action's code ("refuse", "refuse_intake" …)
    signer: str = ""  # who signs the form for this event (form 03: see ``refusal_signer``)
    signer_title: str = ""


@dataclass(frozen=True)
class ControlRow:
    """One hand-over of form 06: who gave the dossier to whom, when, and how the step went."""

    number: int
    step: str
    giver: str
    giver_unit: str
    receiver: str
    receiver_unit: str
    handed_over_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    outcome: str
    is_late: bool | None
    note: str = ""


@dataclass(frozen=True)
class LedgerRow:
    """One dossier of the ledger (form 07)."""

    number: int
    code: str
    procedure_name: str
    sets: int
    applicant_name: str
    applicant_contact: str
    handling_unit: str
    received_at: datetime | None
    due_at: datetime | None
    handed_over_at: datetime | None
    handed_over_to: str
    result_at: datetime | None
    returned_at: datetime | None
    status: str
    outcome: str


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date
    book: str = (
        "received"  # or "returned": the returns book (by the day the result was handed back)
    )


@dataclass(frozen=True)
class FormData:
    """Everything a template may read; fields not used by a form stay empty."""

    form: FormInfo
    site: SiteInfo
    unit: UnitInfo
    issued_at: datetime | date | None
    printed_at: datetime
    printed_by: str
    dossier: DossierInfo | None = None
    handling_unit: UnitInfo | None = None
    event: EventInfo | None = None
    rows: tuple = ()
    summary: str = ""
    period: Period | None = None
    total: int = 0
    truncated: bool = False
    qr_image: str = ""

    def as_context(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def vocabulary() -> list[tuple[str, list[str]]]:
    """Return (variable, its fields) pairs for the desk's "variables you can use" panel."""
    nested = {
        "form": FormInfo,
        "site": SiteInfo,
        "unit": UnitInfo,
        "handling_unit": UnitInfo,
        "dossier": DossierInfo,
        "dossier.documents[]": DocumentLine,
        "event": EventInfo,
        "rows[] (06)": ControlRow,
        "rows[] (07)": LedgerRow,
        "period": Period,
    }
    roots = {name.split(".")[0].split("[")[0] for name in nested}
    top = [f.name for f in fields(FormData) if f.name not in roots]
    return [("", top)] + [(name, [f.name for f in fields(cls)]) for name, cls in nested.items()]


# --------------------------------------------------------------------------- helpers


#: Names on forms follow the project's one convention (motcua.core.people).
person = person_name


def _acting(event: DossierEvent | None) -> str:
    if event is None:
        return ""
    name = person(event.actor)
    if event.on_behalf_of_id:
        name = f"{name} (thay {person(event.on_behalf_of)})"
    return name


def unit_info(unit: Unit | None, at: datetime | date | None = None) -> UnitInfo:
    """The unit as a form prints it: its name and code on the day *at* (``None``: today).

    A dossier's forms are dated by the dossier (its receipt), so a form reprinted after the unit
    was renamed, re-coded or merged shows the unit as it was (``motcua.units.history``).
    """
    if unit is None:
        return UnitInfo("", "", "", "", "", "")
    identity = unit_identity_at(unit, at)
    parent = Unit.objects.filter(pk=identity.parent_id).first() if identity.parent_id else None
    return UnitInfo(
        name=identity.name,
        parent_name=unit_identity_at(parent, at).name if parent else "",
        agency_code=identity.agency_code,
        address=unit.address,
        phone=unit.phone,
        email=unit.email,
    )


_PROVINCE_AGENCY = re.compile(r"^(?:Ủy ban nhân dân|UBND)\s+(?:tỉnh|thành phố)\s+(.+)$", re.I)


def site_info() -> SiteInfo:
    """Return the site's names; the place defaults to the province of ``agency_name``.

    "Ủy ban nhân dân thành phố Hải Phòng" gives "Hải Phòng" (the place of NĐ 30/2020's
    "Hải Phòng, ngày … tháng … năm …"); ``place_name`` in the site config overrides it.
    """
    site = settings.SITE
    place = site.extra.get("place_name")
    if not place:
        match = _PROVINCE_AGENCY.match(site.agency_name.strip())
        place = match.group(1) if match else ""
    return SiteInfo(name=site.site_name, agency_name=site.agency_name, place=place)


def public_url() -> str:
    return site_public_url()


def lookup_url(code: str) -> str:
    """Return the public lookup page of a dossier: ``{public_url}/tra-cuu/{code}/``."""
    return f"{public_url()}/tra-cuu/{quote(code, safe='.-')}/"


def qr_data_uri(text: str) -> str:
    """Return a PNG QR code of *text* as a data URI (error correction M: survives a photocopy)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def processing_time(snapshot_procedure: dict) -> str:
    """Return "15 ngày làm việc" from a version snapshot's ``procedure`` part."""
    if not isinstance(snapshot_procedure, dict):
        return ""
    return duration_text(
        snapshot_procedure.get("processing_amount"), snapshot_procedure.get("processing_unit", "")
    )


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment, site_time_zone()).date()


def outcome(*, due_at, finished_at, now: datetime) -> tuple[str, bool | None]:
    """Return the Phiếu kiểm soát verdict (mẫu 06, Phụ lục I TT 03/2025): trước hạn / đúng hạn / quá hạn.

    Finished before the due day → "Trước hạn"; on the due day, by the due moment → "Đúng hạn";
    after the due moment → "Quá hạn". Unfinished work is "Đang xử lý" or, past its due
    moment, "Đang quá hạn".
    """
    if due_at is None:
        return ("Không quy định thời hạn" if finished_at else "Đang xử lý"), None
    if finished_at is None:
        return ("Đang quá hạn", True) if now > due_at else ("Đang xử lý", None)
    if finished_at > due_at:
        return "Quá hạn", True
    if _local_date(finished_at) < _local_date(due_at):
        return "Trước hạn", False
    return "Đúng hạn", False


def dossier_outcome(dossier: Dossier, *, now: datetime) -> tuple[str, bool]:
    """Return the verdict label of a dossier with a result, by the QĐ 766 §2.1 rule (ontime)."""
    verdict = ontime.dossier_verdict(dossier, at=now)
    if dossier.late_by_rule:
        return "Quá hạn (yêu cầu bổ sung quá một lần)", True
    label, late = outcome(due_at=dossier.due_at, finished_at=verdict.end, now=now)
    return label, bool(late)


# --------------------------------------------------------------------------- dossier parts


def dossier_info(dossier: Dossier) -> DossierInfo:
    snapshot = dossier.procedure_version.snapshot or {}
    proc = snapshot.get("procedure", {})
    documents = tuple(
        DocumentLine(
            number=i,
            name=d.name,
            originals=d.originals,
            copies=d.copies,
            received=d.received,
            is_supplement=d.is_supplement,
        )
        for i, d in enumerate((d for d in dossier.documents.all() if d.received), start=1)
    )
    return DossierInfo(
        code=dossier.code,
        applicant_name=dossier.applicant_name,
        applicant_kind=str(dossier.get_applicant_kind_display()),
        applicant_id_number=dossier.applicant_id_number,
        applicant_tax_code=dossier.applicant_tax_code,
        applicant_phone=dossier.applicant_phone,
        applicant_email=dossier.applicant_email,
        applicant_address=dossier.applicant_address,
        procedure_code=proc.get("national_code") or dossier.procedure.national_code,
        procedure_name=proc.get("name") or dossier.procedure.name,
        sector_name=(proc.get("sector") or {}).get("name", ""),
        processing_time=processing_time(proc),
        status=str(dossier.get_status_display()),
        channel=str(dossier.get_channel_display()),
        delivery=str(dossier.get_delivery_display()),
        delivery_address=dossier.delivery_address,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        apology_due_at=dossier.apology_due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        received_by=person(dossier.received_by),
        fee_total=dossier.fee_total,
        is_paid=dossier.is_paid,
        result_number=dossier.result_number,
        result_date=dossier.result_date,
        supplement_items=tuple(dossier.supplement_items or ()),
        documents=documents,
        lookup_url=lookup_url(dossier.code),
        **_boundary_free(dossier),
    )


def _boundary_free(dossier: Dossier) -> dict:
    """The competent unit and the decision of a boundary-free dossier, as its reception recorded."""
    if not dossier.is_boundary_free:
        return {}
    data = dossier.events.filter(action=Action.RECEIVE).values_list("data", flat=True).first() or {}
    return {
        "competent_unit": dossier.competent_unit.name,
        "boundary_free_decision": data.get("decision", ""),
    }


def _events(dossier: Dossier) -> list[DossierEvent]:
    return list(
        dossier.events.select_related(
            "actor", "on_behalf_of", "unit", "step", "step__unit", "to_step"
        ).order_by("created_at", "id")
    )


def last_event(dossier: Dossier, actions) -> EventInfo | None:
    """Return the latest event of one of *actions* as :class:`EventInfo`, or None."""
    event = (
        dossier.events.filter(action__in=list(actions))
        .select_related("actor", "on_behalf_of", "unit")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return None
    items = tuple((event.data.get("items") if isinstance(event.data, dict) else None) or ())
    # A supplement request's note starts with its items ("A; B. reason"): keep the reason apart.
    listed = "; ".join(items)
    reason = event.note
    if listed and reason.startswith(listed):
        reason = reason[len(listed) :].lstrip(". ").strip()
    return EventInfo(
        action=str(event.get_action_display()),
        at=event.created_at,
        officer=_acting(event),
        unit=event.unit.name if event.unit_id else "",
        note=event.note,
        items=items,
        reason=reason,
        code=str(event.action),
    )


def refusal_signer(dossier: Dossier, event: EventInfo) -> EventInfo:
    """Return *event* (a refusal) with who signs form 03 and under which title.

    A refusal at intake is the reception desk's: signed by the officer who received the dossier
    ("Người tiếp nhận hồ sơ", as the form's text has it). A refusal after appraisal is the
    competent unit's decision, issued under its name (``handling_unit``): signed by its leader —
    the refusing officer when they lead that unit, else the unit's own leader — with the
    officer who proposed it named on the form. The annex of Thông tư 03/2025/TT-VPCP was not
    available; the layout follows the ministry copy of the form (heading and signer of BM.03) and
    Thông báo dừng giải quyết (form 05) for the unit's own decision.
    """
    from motcua.core.roles import Role
    from motcua.units.selectors import user_roles_in_unit

    if event.code != Action.REFUSE:
        return replace(event, signer=event.officer, signer_title="NGƯỜI TIẾP NHẬN HỒ SƠ")
    source = (
        dossier.events.filter(action=Action.REFUSE)
        .select_related("actor", "unit")
        .order_by("-created_at", "-id")
        .first()
    )
    unit = source.unit if source is not None else dossier.current_unit
    signer = ""
    if source is not None and Role.UNIT_LEADER in user_roles_in_unit(user=source.actor, unit=unit):
        signer = person(source.actor)
    else:
        leader = (
            unit.memberships.filter(
                is_active=True, role__name=Role.UNIT_LEADER, user__is_active=True
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        signer = person(leader.user) if leader is not None else ""
    return replace(event, signer=signer, signer_title="THỦ TRƯỞNG CƠ QUAN")


#: Events that hand the dossier to the step they open, and events noted on the step they happened
#: in (pauses, consultations): both from the lifecycle declarations (``core/lifecycle.py``).
HANDOVER_ACTIONS = actions_where(form06=Form06.HANDOVER)
NOTED_ACTIONS = {a: LIFECYCLE[a].form06_note for a in actions_where(form06=Form06.NOTE)}
#: A consultation reply's verdict, printed in Vietnamese on form 06 whatever the interface language.
CONSULTATION_VERDICTS = {"agree": "đồng ý", "disagree": "không đồng ý"}


def _short(moment: datetime) -> str:
    return timezone.localtime(moment, site_time_zone()).strftime("%H:%M %d/%m")


def control_rows(dossier: Dossier, *, now: datetime) -> tuple[tuple[ControlRow, ...], str]:
    """Return the rows of form 06 (one per step pass, then the return) and the overall verdict.

    Each step pass is a hand-over: the giver is whoever started it (the reception officer for the
    first step, the previous step's officer after a forward or a return), the receiver its
    assignee; its verdict compares the step's finish with the step's due moment, which already
    excludes paused time (docs/architecture.md, Deadlines). The dossier's verdict follows QĐ 766 §2.1: on time when the
    processing ended by ``due_at`` and the dossier was not asked to supplement twice.
    """
    events = _events(dossier)
    given_by: dict[int, DossierEvent] = {}
    notes: dict[int, list[str]] = {}
    for event in events:
        if event.action in HANDOVER_ACTIONS and event.to_step_id:
            given_by.setdefault(event.to_step_id, event)
        if event.step_id and event.action in NOTED_ACTIONS:
            label = NOTED_ACTIONS[event.action]
            verdict = CONSULTATION_VERDICTS.get((event.data or {}).get("verdict", ""))
            if verdict:  # a consultation reply says whether the unit agreed
                label = f"{label} ({verdict})"
            notes.setdefault(event.step_id, []).append(f"{label} {_short(event.created_at)}")
        if event.action == Action.RETURN_PREVIOUS and event.to_step_id:
            notes.setdefault(event.to_step_id, []).append(f"Bị trả lại: {event.note}")
    steps = list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("unit", "assignee")
        .order_by("started_at", "id")
    )
    paused = dossier.status in PAUSED

    def name_at(unit, moment) -> str:  # the unit's name on the day of that hand-over
        return unit_identity_at(unit, moment).name if unit is not None else ""

    counter_unit = (
        f"Bộ phận tiếp nhận và trả kết quả — {name_at(dossier.unit, dossier.received_at)}"
    )
    rows: list[ControlRow] = []
    for number, step in enumerate(steps, start=1):
        event = given_by.get(step.pk)
        if event is None or event.action == Action.START:
            giver, giver_unit = (_acting(event) or person(dossier.received_by)), counter_unit
        else:
            giver = _acting(event)
            giver_unit = name_at(event.step.unit, event.created_at) if event.step_id else ""
        verdict, late = outcome(due_at=step.due_at, finished_at=step.finished_at, now=now)
        if step.state == StepState.OPEN and paused:
            verdict, late = str(dossier.get_status_display()), None
        elif step.state == StepState.RETURNED:
            verdict = f"{verdict} (trả lại)"
        rows.append(
            ControlRow(
                number=number,
                step=step.name,
                giver=giver,
                giver_unit=giver_unit,
                receiver=person(step.assignee),
                receiver_unit=name_at(step.unit, step.started_at),
                handed_over_at=step.started_at,
                due_at=step.due_at,
                finished_at=step.finished_at,
                outcome=verdict,
                is_late=late,
                note="; ".join(notes.get(step.pk, [])),
            )
        )
    returned = next((e for e in reversed(events) if e.action == Action.RETURN_RESULT), None)
    if dossier.status in (Status.RESULT_READY, Status.RETURNED):
        verdict, late = dossier_outcome(dossier, now=now)
        note = f"Hẹn lại: {_short(dossier.apology_due_at)}" if dossier.apology_due_at else ""
        rows.append(
            ControlRow(
                number=len(rows) + 1,
                step="Trả kết quả cho tổ chức, cá nhân",
                giver=_acting(returned),
                giver_unit=counter_unit,
                receiver=dossier.applicant_name,
                receiver_unit="",
                handed_over_at=dossier.returned_at,
                due_at=dossier.due_at,
                finished_at=dossier.finished_at,
                outcome=verdict,
                is_late=late,
                note=note,
            )
        )
        summary = f"Hồ sơ giải quyết {verdict.lower()}."
    elif dossier.status in (Status.REJECTED, Status.STOPPED, Status.WITHDRAWN):
        summary = f"Hồ sơ kết thúc: {dossier.get_status_display()}."
    else:
        verdict, _late = outcome(due_at=dossier.due_at, finished_at=None, now=now)
        summary = f"Hồ sơ {verdict.lower()}."
    return tuple(rows), summary


# --------------------------------------------------------------------------- ledger


def ledger_rows(dossiers, *, now: datetime, start: int = 1) -> tuple[LedgerRow, ...]:
    """Return the rows of form 07 for *dossiers* (already scoped, filtered and ordered), numbered
    from *start* (a later page of the desk's ledger goes on with the book's numbering)."""
    rows = []
    for number, d in enumerate(dossiers, start=start):
        steps = sorted(d.steps.all(), key=lambda s: (s.started_at, s.pk))
        first = steps[0] if steps else None
        if d.status in (Status.RESULT_READY, Status.RETURNED):
            verdict, late = dossier_outcome(d, now=now)
            verdict = "Quá hạn" if late and d.late_by_rule else verdict  # narrow ledger column
        elif d.status in (Status.REJECTED, Status.STOPPED, Status.WITHDRAWN):
            verdict = ""
        else:
            verdict, _late = outcome(due_at=d.due_at, finished_at=None, now=now)
        contact = ", ".join(x for x in (d.applicant_address, d.applicant_phone) if x)
        rows.append(
            LedgerRow(
                number=number,
                code=d.code,
                procedure_name=d.procedure.name,
                sets=1,
                applicant_name=d.applicant_name,
                applicant_contact=contact,
                handling_unit=d.current_unit.name,
                received_at=d.received_at,
                due_at=d.due_at,
                handed_over_at=first.started_at if first else None,
                handed_over_to=(first.unit.name if first else ""),
                result_at=d.finished_at
                if d.status in (Status.RESULT_READY, Status.RETURNED)
                else None,
                returned_at=d.returned_at,
                status=str(d.get_status_display()),
                outcome=verdict,
            )
        )
    return tuple(rows)


def day_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """Return the aware [start, end) of local days *date_from* … *date_to* inclusive."""
    tz = site_time_zone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end
