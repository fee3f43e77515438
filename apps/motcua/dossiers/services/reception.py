"""Reception: a dossier is born at the counter or online, and an online one is taken in or refused.

Both births go through the one transition path (``engine._perform_create``): permission check
(a reception officer of the unit at the counter; anybody online, the portal limits the rate),
transition check and a ``receive`` event. A counter dossier is started at once (``start``: the
clock and the first step); an online one waits in ``submitted`` until a reception officer accepts
it (the clock starts then) or refuses it (form 03).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import uploads
from motcua.core.identity import normalize_applicant
from motcua.dossiers import boundary
from motcua.dossiers.deadline_inputs import dossier_deadline_inputs
from motcua.dossiers.models import Channel, Delivery, Dossier, DossierDocument
from motcua.dossiers.services.codes import _next_code
from motcua.dossiers.services.deadlines import _due
from motcua.dossiers.services.engine import (
    DossierError,
    _perform,
    _perform_create,
    _require,
)
from motcua.dossiers.services.steps import _start_step, _steps
from motcua.dossiers.states import Action
from motcua.dossiers.workflow import WorkflowError, first_step_index
from motcua.units.models import Unit

_APPLICANT_FIELDS = frozenset(
    {
        "applicant_kind",
        "applicant_name",
        "applicant_id_number",
        "applicant_tax_code",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
        "applicant_user",
    }
)


def _applicant_fields(applicant: dict) -> dict:
    unknown = set(applicant) - _APPLICANT_FIELDS
    if unknown:
        raise DossierError(f"unknown applicant fields: {sorted(unknown)}")
    if not (applicant.get("applicant_name") or "").strip():
        raise DossierError(_("Thiếu tên người nộp hồ sơ."))
    return normalize_applicant(applicant)


def _fill(
    dossier: Dossier,
    *,
    moment: datetime,
    applicant: dict,
    form_data: dict | None,
    documents: list[dict] | None,
    mandatory: bool = False,
) -> dict | None:
    """Fill and save a dossier being received (its code, fees, documents); raise if it cannot be.

    With *mandatory* (a dossier handed in person), every mandatory document must be received.

    The procedure must be offered by the competent unit, published and accepting dossiers; a
    receiving unit other than the competent one needs the boundary-free rule
    (``dossiers/boundary.py``). Return the ``receive`` event's data: the two units and the
    decision that makes the procedure boundary-free, when they differ.
    """
    from motcua.procedures.selectors import procedure_current_version

    procedure, unit, competent = dossier.procedure, dossier.unit, dossier.competent_unit
    problem = boundary.reception_problem(procedure=procedure, receiving=unit, competent=competent)
    if problem:
        raise DossierError(problem)
    version = procedure_current_version(procedure=procedure)
    if version is None:
        raise DossierError(
            _("Thủ tục “%(name)s” chưa có phiên bản được công bố.") % {"name": procedure.name}
        )
    if not procedure.is_active:
        raise DossierError(
            _("Thủ tục “%(name)s” đang tạm ngừng tiếp nhận.") % {"name": procedure.name}
        )
    for name, value in _applicant_fields(applicant).items():
        setattr(dossier, name, value)
    dossier.code = _next_code(unit, moment, competent=competent)
    dossier.procedure_version = version
    dossier.form_data = form_data or {}
    dossier.fee_total = sum(
        (Decimal(str(f["amount"])) for f in version.snapshot.get("fees", [])), Decimal(0)
    )
    dossier.submitted_at = moment
    dossier.refresh_search_text()
    dossier.save()
    wanted = {d.get("name"): d for d in documents or []}
    rows = []
    for doc in version.snapshot.get("documents", []):
        given = wanted.pop(doc["name"], {})
        rows.append(
            DossierDocument(
                dossier=dossier,
                name=doc["name"],
                originals=doc.get("originals", 0),
                copies=doc.get("copies", 0),
                is_mandatory=doc.get("is_mandatory", True),
                received=bool(given.get("received") or given.get("file")),
                **uploads.stored_fields(given),
            )
        )
    _documents_create(rows)
    if mandatory:
        _missing_mandatory(rows)
    if competent.pk == unit.pk:
        return None
    return {
        "boundary_free": True,
        "receiving_unit": unit.agency_code,
        "competent_unit": competent.agency_code,
        "decision": procedure.boundary_free_decision,
    }


def _begin_processing(dossier: Dossier, moment: datetime, user, assignee=None) -> None:
    """Start the clock (received_at, due_at) and the first step."""
    dossier.received_at, dossier.received_by = moment, user
    dossier.due_at = _due(
        dossier_deadline_inputs(received_at=moment, snapshot=dossier.procedure_version.snapshot)
    )
    steps = _steps(dossier)
    try:
        _start_step(dossier, steps[first_step_index(steps, dossier.form_data)], moment, assignee)
    except WorkflowError as exc:
        raise DossierError(str(exc)) from exc


def _documents_create(rows: list[DossierDocument]) -> None:
    """Insert the checklist rows in one statement; one by one when a row brings a new file, so
    the file journal (``core/stored_files.py``, a ``pre_save`` hook) notes what to delete if the
    reception fails."""
    if any(row.file and not getattr(row.file, "_committed", True) for row in rows):
        for row in rows:
            row.save()
    else:
        DossierDocument.objects.bulk_create(rows)


def _missing_mandatory(rows: list[DossierDocument]) -> None:
    """Refuse a counter reception while a mandatory document is not handed in."""
    missing = [d.name for d in rows if d.is_mandatory and not d.received]
    if missing:
        raise DossierError(
            _("Còn thiếu giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(missing)}
        )


def dossier_receive(
    *,
    user,
    procedure,
    unit: Unit,
    applicant: dict,
    channel: int = Channel.IN_PERSON,
    form_data: dict | None = None,
    documents: list[dict] | None = None,
    delivery: str = Delivery.COUNTER,
    assignee=None,
    is_training: bool | None = None,
    competent_unit: Unit | None = None,
) -> Dossier:
    """Receive a dossier at the counter: code, due_at, first step started, events written.

    The receiving officer must be a reception officer of *unit*; a dossier handed in person must
    have every mandatory document. In a training site every dossier is a training dossier
    (excluded from statistics, QĐ 766 indicators). *competent_unit* (default: *unit*) decides
    it: a centre receiving a boundary-free procedure for another unit (``dossiers/boundary.py``),
    whose workflow then runs at that unit.
    """
    competent = competent_unit or unit
    new = Dossier(
        unit=unit,
        current_unit=competent,
        competent_unit=competent,
        procedure=procedure,
        channel=channel,
        delivery=delivery,
        is_training=settings.SITE.training if is_training is None else is_training,
    )

    def receive(d, actor, moment):
        return _fill(
            d,
            moment=moment,
            applicant=applicant,
            form_data=form_data,
            documents=documents,
            mandatory=channel == Channel.IN_PERSON,
        )

    def start(d, actor, moment):
        _begin_processing(d, moment, user, assignee)

    return _perform_create(new, user=user, change=receive, then=((Action.START, start),))


def dossier_submit_online(
    *,
    procedure,
    unit: Unit,
    applicant: dict,
    form_data: dict | None = None,
    documents: list[dict] | None = None,
    delivery: str = Delivery.ONLINE,
    user=None,
) -> Dossier:
    """Create an online dossier in ``submitted`` (awaiting intake); the clock starts at acceptance."""
    new = Dossier(
        unit=unit,
        current_unit=unit,
        competent_unit=unit,
        procedure=procedure,
        channel=Channel.ONLINE,
        delivery=delivery,
        is_training=settings.SITE.training,
    )

    def submit(d, actor, moment):
        _fill(
            d,
            moment=moment,
            applicant={**applicant, "applicant_user": user},
            form_data=form_data,
            documents=documents,
        )

    return _perform_create(new, user=user, change=submit)


def dossier_accept(*, dossier, user, expected_version=None, assignee=None, note="") -> Dossier:
    """Accept an online dossier at intake: it becomes received and the clock starts now."""

    def change(d, actor, moment):
        _begin_processing(d, moment, user, assignee)

    with transaction.atomic():  # never left half-accepted (received without being started)
        d = _perform(
            dossier=dossier,
            action=Action.ACCEPT,
            user=user,
            expected_version=expected_version,
            note=note,
            change=change,
        )
        return _perform(dossier=d, action=Action.START, user=user, expected_version=None)


def dossier_refuse_intake(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """Refuse an online dossier at intake (form 03), with the reason shown to the citizen."""
    _require(reason, _("Cần ghi rõ lý do từ chối."))
    return _perform(
        dossier=dossier,
        action=Action.REFUSE_INTAKE,
        user=user,
        expected_version=expected_version,
        note=reason,
    )
