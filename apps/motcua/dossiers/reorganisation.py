"""Unit reorganisations: merge, split, rename / re-code, move, close (docs/architecture.md,
Units and reorganisation).

A site administrator prepares a :class:`~motcua.units.models.Reorganisation` (its decision, the
units), reads the preview (:func:`reorganisation_preview`), and confirms it
(:func:`reorganisation_confirm`); the job :func:`reorganisation_run` then does the work in phases,
each of which can run again after a killed worker without doing anything twice:

1. the successor is created when the decision creates one (a new ward);
2. memberships of the predecessors move to the principal successor (or end);
3. open dossiers handled by, or with an open step at, a predecessor are re-homed in keyset
   batches by index (``(current_unit, status, id)`` on dossiers, ``(unit, dossier)`` on steps), one
   ``rehome`` event each, deadlines untouched (``motcua.dossiers.rehoming``); ``done`` of
   ``total`` is saved after every batch, for the desk's progress bar;
4. procedures are re-applied: the successors offer what the predecessors offered, fixed workflow
   steps and consultations name the principal successor; the published versions keep the old
   codes, which :func:`motcua.units.history.unit_for_code` follows to the successor;
5. unit print templates are copied to the successor (the old ones stay, for reprints);
6. predecessors are closed: ``valid_to`` = the effective date, inactive; nothing is deleted.

Calendars are site-wide (nothing to move); each unit's dossier-code counters stay with it: a
successor continues its own daily sequence, a re-coded unit continues the same sequence under its
new code, and a closed unit's codes are never issued again.

A closed unit without successor (``close``) keeps its open dossiers until a site administrator
assigns them one by one (:func:`dossier_assign_from_closed`): NĐ 140/2025/NĐ-CP Điều 32 k.2 gives
them to the commune the province chair designates, or to the province (its committee or one of its
specialised agencies) when complex or spanning several communes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierStep, StepState
from motcua.dossiers.rehoming import dossiers_rehome
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.states import OPEN, Status
from motcua.jobs.queue import job_enqueue
from motcua.procedures.models import Procedure
from motcua.procedures.workflow import WorkflowStep
from motcua.units.admin_scope import is_site_administrator
from motcua.units.models import (
    Membership,
    MembershipPolicy,
    Reorganisation,
    ReorganisationKind,
    ReorganisationStatus,
    Unit,
    UnitIdentity,
    UnitSuccession,
)

log = logging.getLogger(__name__)

#: Dossiers re-homed per transaction (one lock, three UPDATEs, one INSERT of events each).
BATCH_SIZE = 500
#: The level whose units ended on 01/7/2025; never a target of an assignment (NĐ 140 Điều 32).
ENDED_LEVEL = "district"

K = ReorganisationKind


# --------------------------------------------------------------------------- reading the plan


def predecessors(r: Reorganisation) -> list[Unit]:
    """The units that end: the sources, less an existing successor that absorbs the others."""
    if r.kind in (K.RENAME, K.MOVE):
        return []
    return [u for u in r.sources.order_by("path") if u.pk != r.successor_id]


def successors(r: Reorganisation) -> list[Unit]:
    """The principal successor first, then the others (split)."""
    if r.successor_id is None:
        return []
    return [r.successor, *r.other_successors.exclude(pk=r.successor_id).order_by("path")]


def reorganisation_problems(r: Reorganisation, *, for_confirmation: bool = False) -> list[str]:
    """Return what stops *r* from running, in words for the administrator (empty: it can run)."""
    problems = []
    sources = list(r.sources.all())
    source_ids = {u.pk for u in sources}
    if not sources:
        problems.append(_("Chưa chọn đơn vị bị sắp xếp."))
    for unit in sources:
        if unit.valid_to is not None or not unit.is_active:
            problems.append(_("Đơn vị %(unit)s đã chấm dứt hoạt động.") % {"unit": unit.name})
    creates = bool(r.new_name or r.new_agency_code)
    if r.kind == K.MERGE:
        if r.successor_id is None and not (r.new_name and r.new_agency_code and r.new_level_id):
            problems.append(
                _("Hợp nhất cần đơn vị kế thừa: chọn đơn vị hiện có, hoặc nhập tên, mã và cấp.")
            )
        if r.successor_id is not None and creates:
            problems.append(_("Chọn đơn vị kế thừa hiện có hoặc tạo đơn vị mới, không cả hai."))
        if r.successor_id is not None and r.successor.valid_to is not None:
            problems.append(_("Đơn vị kế thừa đã chấm dứt hoạt động."))
    if r.kind == K.SPLIT:
        others = set(r.other_successors.values_list("pk", flat=True)) - {r.successor_id}
        if len(sources) != 1:
            problems.append(_("Chia tách áp dụng cho đúng một đơn vị."))
        if r.successor_id is None or not others:
            problems.append(_("Chia tách cần một đơn vị kế thừa chính và ít nhất một đơn vị khác."))
        if source_ids & (others | {r.successor_id}):
            problems.append(_("Đơn vị bị chia tách không thể là đơn vị kế thừa."))
    if r.kind in (K.RENAME, K.MOVE, K.CLOSE) and len(sources) != 1:
        problems.append(_("Chọn đúng một đơn vị."))
    if r.kind == K.RENAME and not creates:
        problems.append(_("Nhập tên mới hoặc mã định danh mới."))
    if r.kind == K.MOVE and r.new_parent_id is None:
        problems.append(_("Chọn đơn vị cấp trên mới."))
    if r.kind == K.CLOSE and r.successor_id is not None:
        problems.append(_("Chấm dứt hoạt động không có đơn vị kế thừa; hãy dùng hợp nhất."))
    if creates and r.new_agency_code:
        taken = Unit.objects.filter(agency_code=r.new_agency_code)
        if r.kind == K.RENAME:
            taken = taken.exclude(pk__in=source_ids)
        if (
            taken.exists()
            or UnitIdentity.objects.filter(agency_code=r.new_agency_code)
            .exclude(unit_id__in=source_ids if r.kind == K.RENAME else [])
            .exists()
        ):
            problems.append(_("Mã định danh mới đã được dùng (hiện tại hoặc trước đây)."))
    ending = (
        [u for u in sources if u.pk != r.successor_id]
        if r.kind in (K.MERGE, K.SPLIT, K.CLOSE)
        else []
    )
    for unit in ending:
        left = Unit.objects.filter(parent=unit, valid_to__isnull=True).exclude(pk__in=source_ids)
        if left.exists():
            problems.append(
                _(
                    "Đơn vị %(unit)s còn đơn vị trực thuộc đang hoạt động (%(names)s): chuyển "
                    "chúng sang đơn vị cấp trên khác trước."
                )
                % {"unit": unit.name, "names": ", ".join(left.values_list("name", flat=True)[:5])}
            )
    if for_confirmation:
        if r.status not in (ReorganisationStatus.DRAFT, ReorganisationStatus.FAILED):
            problems.append(_("Đợt sắp xếp này đã được xác nhận."))
        if r.effective_date > timezone.localdate():
            problems.append(
                _("Quyết định có hiệu lực từ %(day)s: chỉ thực hiện được từ ngày đó.")
                % {"day": f"{r.effective_date:%d/%m/%Y}"}
            )
    return problems


@dataclass
class SourcePreview:
    """What one ending unit holds, for the preview page."""

    unit: Unit
    open_by_status: list[tuple[str, int]]
    open_total: int
    steps_elsewhere: int
    received_total: int
    memberships: list[Membership]
    procedures: list
    workflow_steps: int
    templates: list
    last_counter: object


@dataclass
class Preview:
    reorganisation: Reorganisation
    sources: list[SourcePreview] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    total: int = 0


def _source_preview(unit: Unit) -> SourcePreview:
    from motcua.printing.models import PrintTemplate

    counts = dict(
        Dossier.objects.filter(current_unit=unit, status__in=list(OPEN))
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_status = [(str(s.label), counts[s.value]) for s in Status if counts.get(s.value)]
    elsewhere = (
        DossierStep.objects.filter(unit=unit, state=StepState.OPEN)
        .exclude(dossier__current_unit=unit)
        .count()
    )
    steps = (
        WorkflowStep.objects.filter(unit=unit).count()
        + WorkflowStep.objects.filter(consult_units=unit).count()
    )
    return SourcePreview(
        unit=unit,
        open_by_status=by_status,
        open_total=sum(counts.values()),
        steps_elsewhere=elsewhere,
        received_total=Dossier.objects.filter(unit=unit).count(),
        memberships=list(
            Membership.objects.filter(unit=unit, is_active=True).select_related("user", "role")
        ),
        procedures=list(Procedure.objects.filter(units=unit).order_by("national_code")),
        workflow_steps=steps,
        templates=list(PrintTemplate.objects.filter(unit=unit, is_active=True)),
        last_counter=DossierCodeCounter.objects.filter(unit=unit).order_by("-day").first(),
    )


def reorganisation_preview(r: Reorganisation) -> Preview:
    """Return what running *r* would move, unit by unit, and what stops it."""
    preview = Preview(r, problems=reorganisation_problems(r))
    preview.sources = [_source_preview(u) for u in predecessors(r)]
    preview.total = _total(preview)
    return preview


def _total(preview: Preview) -> int:
    moving = preview.reorganisation.kind in (K.MERGE, K.SPLIT)
    return 1 + sum(
        (s.open_total + s.steps_elsewhere if moving else 0)
        + len(s.memberships)
        + (len(s.procedures) + len(s.templates) if moving else 0)
        for s in preview.sources
    )


# --------------------------------------------------------------------------- confirming


@transaction.atomic
def reorganisation_confirm(r: Reorganisation, *, user) -> Reorganisation:
    """Check *r*, mark it queued with its total, and put the job on the queue after the commit."""

    locked = Reorganisation.objects.select_for_update().get(pk=r.pk)
    problems = reorganisation_problems(locked, for_confirmation=True)
    if problems:
        raise ValidationError(problems)
    locked.status = ReorganisationStatus.QUEUED
    locked.confirmed_by, locked.confirmed_at = user, timezone.now()
    locked.total = max(locked.total, reorganisation_preview(locked).total)
    locked.error = ""
    locked.save()
    transaction.on_commit(lambda: job_enqueue(reorganisation_run, locked.pk))
    return locked


# --------------------------------------------------------------------------- the job


def _progress(r: Reorganisation, step: int = 1, **outcome_lists) -> None:
    for key, ids in outcome_lists.items():
        r.outcome.setdefault(key, []).extend(ids)
    r.done = min(r.total, r.done + step) if r.total else r.done + step
    Reorganisation.objects.filter(pk=r.pk).update(done=r.done, outcome=r.outcome)


def reorganisation_run(reorganisation_id: int) -> None:
    """The job: run the phases of the module docstring; a failure is recorded, and re-runnable."""
    r = Reorganisation.objects.get(pk=reorganisation_id)
    if r.status == ReorganisationStatus.DONE:
        return
    Reorganisation.objects.filter(pk=r.pk).update(
        status=ReorganisationStatus.RUNNING, started_at=r.started_at or timezone.now()
    )
    r.status = ReorganisationStatus.RUNNING
    try:
        _run_phases(r)
    except Exception as exc:  # recorded for the desk; a re-run continues where this stopped
        log.exception("reorganisation %s failed", r.pk)
        Reorganisation.objects.filter(pk=r.pk).update(
            status=ReorganisationStatus.FAILED, error=str(exc)[:2000], outcome=r.outcome
        )
        return
    Reorganisation.objects.filter(pk=r.pk).update(
        status=ReorganisationStatus.DONE,
        finished_at=timezone.now(),
        done=r.total,
        outcome=r.outcome,
    )


def _run_phases(r: Reorganisation) -> None:
    if r.kind in (K.RENAME, K.MOVE):
        _change_identity(r)
        return
    _ensure_successor(r)
    ending = predecessors(r)
    heirs = successors(r)
    _record_successions(r, ending, heirs)
    principal = heirs[0] if heirs else None
    for unit in ending:
        _memberships(r, unit, principal)
    if principal is not None:
        for unit in ending:
            _rehome(r, unit, principal)
        _reapply_procedures(r, ending, heirs)
        _copy_templates(r, ending, principal)
    _close(r, ending)


@transaction.atomic
def _ensure_successor(r: Reorganisation) -> None:
    if r.kind != K.MERGE or r.successor_id is not None:
        return
    unit = Unit(
        agency_code=r.new_agency_code,
        name=r.new_name,
        short_name=r.new_short_name,
        level=r.new_level,
        parent=r.new_parent,
        valid_from=r.effective_date,
    )
    unit.full_clean()
    unit.save()
    r.successor = unit
    Reorganisation.objects.filter(pk=r.pk).update(successor=unit)
    r.outcome["successor_created"] = unit.pk


def _record_successions(r: Reorganisation, ending: list[Unit], heirs: list[Unit]) -> None:
    for unit in ending:
        for number, heir in enumerate(heirs):
            UnitSuccession.objects.get_or_create(
                predecessor=unit,
                successor=heir,
                defaults={
                    "effective_date": r.effective_date,
                    "reorganisation": r,
                    "is_principal": number == 0,
                },
            )


@transaction.atomic
def _memberships(r: Reorganisation, unit: Unit, principal: Unit | None) -> None:
    """Move (or end) the active memberships of *unit*; the old rows stay, inactive."""
    moved, ended = [], []
    for m in Membership.objects.select_for_update().filter(unit=unit, is_active=True):
        if r.memberships == MembershipPolicy.MOVE and principal is not None:
            new, created = Membership.objects.get_or_create(
                user_id=m.user_id,
                unit=principal,
                role_id=m.role_id,
                defaults={"scope": m.scope, "is_active": True},
            )
            if not created and not new.is_active:
                new.is_active = True
                new.save(update_fields=["is_active"])
            moved.append(new.pk)
        m.is_active = False
        m.save(update_fields=["is_active"])
        ended.append(m.pk)
    _progress(r, len(ended), memberships_ended=ended, memberships_moved=moved)


def _rehome(r: Reorganisation, unit: Unit, to: Unit) -> None:
    """Re-home the open dossiers of *unit* in keyset batches by index; progress per batch."""

    note = _("Theo %(decision)s") % {"decision": r.decision_number}

    def run(ids: list[int]) -> None:
        moved = dossiers_rehome(
            ids,
            from_unit_ids=[unit.pk],
            to_unit_id=to.pk,
            actor=r.confirmed_by,
            reorganisation_id=r.pk,
            note=note,
        )
        _progress(r, len(ids), dossiers_moved=moved)

    for status in sorted(OPEN):  # (current_unit, status, id): a range scan per status
        last = 0
        while ids := list(
            Dossier.objects.filter(current_unit=unit, status=status, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        ):
            run(ids)
            last = ids[-1]
    last = 0  # open steps at the unit of dossiers handled elsewhere: (unit, dossier) on steps
    while rows := list(
        DossierStep.objects.filter(unit=unit, state=StepState.OPEN, dossier_id__gt=last)
        .order_by("dossier_id")
        .values_list("dossier_id", flat=True)[:BATCH_SIZE]
    ):
        run(sorted(set(rows)))  # every open step of these dossiers at the unit moves at once
        last = rows[-1]


@transaction.atomic
def _reapply_procedures(r: Reorganisation, ending: list[Unit], heirs: list[Unit]) -> None:

    principal = heirs[0]
    ids = set(Procedure.objects.filter(units__in=ending).values_list("pk", flat=True))
    for procedure in Procedure.objects.filter(pk__in=ids):
        procedure.units.add(*heirs)
        procedure.units.remove(*ending)
    fixed = list(WorkflowStep.objects.filter(unit__in=ending).values_list("pk", flat=True))
    WorkflowStep.objects.filter(pk__in=fixed).update(unit=principal)
    consulting = list(
        WorkflowStep.objects.filter(consult_units__in=ending).values_list("pk", flat=True)
    )
    for step in WorkflowStep.objects.filter(pk__in=set(consulting)):
        step.consult_units.remove(*ending)
        step.consult_units.add(principal)
    _progress(r, len(ids), procedures=sorted(ids), workflow_steps=sorted({*fixed, *consulting}))


@transaction.atomic
def _copy_templates(r: Reorganisation, ending: list[Unit], principal: Unit) -> None:
    from motcua.printing.models import PrintTemplate

    copied = []
    own = set(
        PrintTemplate.objects.filter(unit=principal, is_active=True).values_list(
            "form_code", flat=True
        )
    )
    for template in PrintTemplate.objects.filter(unit__in=ending, is_active=True).order_by("pk"):
        if template.form_code in own:
            continue
        copy = PrintTemplate.objects.create(
            form_code=template.form_code,
            unit=principal,
            title=template.title,
            body=template.body,
            is_active=True,
            updated_by=r.confirmed_by,
        )
        own.add(template.form_code)
        copied.append(copy.pk)
    _progress(r, len(copied), templates_copied=copied)


@transaction.atomic
def _close(r: Reorganisation, ending: list[Unit]) -> None:
    closed = []
    for unit in ending:
        if unit.valid_to is None:
            unit.valid_to, unit.is_active = r.effective_date, False
            unit.save(update_fields=["valid_to", "is_active"])
            closed.append(unit.pk)
    _progress(r, 1, units_closed=closed)


@transaction.atomic
def _change_identity(r: Reorganisation) -> None:
    """Rename / re-code / move: keep the old identity as a dated row, then change the unit."""
    unit = Unit.objects.select_for_update().get(pk=r.sources.get().pk)
    previous = UnitIdentity.objects.filter(unit=unit).order_by("-valid_to").first()
    identity = UnitIdentity.objects.create(
        unit=unit,
        agency_code=unit.agency_code,
        name=unit.name,
        short_name=unit.short_name,
        parent_id=unit.parent_id,
        valid_from=previous.valid_to if previous else unit.valid_from,
        valid_to=r.effective_date,
        reorganisation=r,
    )
    if r.kind == K.RENAME:
        unit.name = r.new_name or unit.name
        unit.short_name = r.new_short_name or unit.short_name
        unit.agency_code = r.new_agency_code or unit.agency_code
    else:
        unit.parent = r.new_parent
    unit.full_clean()
    unit.save()
    r.successor = unit
    Reorganisation.objects.filter(pk=r.pk).update(successor=unit)
    _progress(r, 1, identities=[identity.pk])


# --------------------------------------------------------------------------- one by one


def assignable_units():
    """Units a closed unit's dossier may go to: active, not of the ended district level."""
    return Unit.objects.filter(valid_to__isnull=True, is_active=True).exclude(
        level__code=ENDED_LEVEL
    )


def closed_unit_open_dossiers(*, user):
    """Open dossiers still handled by a closed unit that *user* sees (the assignment page).

    By index: ``(current_unit, status)`` over the short list of closed units.
    """

    closed = list(Unit.objects.filter(valid_to__isnull=False).values_list("pk", flat=True))
    return dossiers_visible(user=user).filter(current_unit_id__in=closed, status__in=list(OPEN))


def dossier_assign_from_closed(*, dossier_id: int, to_unit: Unit, user, note: str) -> list[int]:
    """Assign one open dossier of a closed unit to *to_unit* (NĐ 140/2025 Điều 32 k.2).

    Raises ``ValidationError`` (Vietnamese) when the dossier is not held by a closed unit, the
    target is closed or a district, or the designation (the chair's decision) is not written.
    """

    if not is_site_administrator(user):
        raise ValidationError(_("Chỉ quản trị hệ thống được giao hồ sơ của đơn vị đã chấm dứt."))
    if not (note or "").strip():
        raise ValidationError(_("Ghi rõ văn bản phân công của Chủ tịch UBND cấp tỉnh."))
    if not assignable_units().filter(pk=to_unit.pk).exists():
        raise ValidationError(
            _("Chỉ giao cho đơn vị cấp xã hoặc cấp tỉnh đang hoạt động (NĐ 140/2025 Điều 32).")
        )
    dossier = closed_unit_open_dossiers(user=user).filter(pk=dossier_id).first()
    closed = set(Unit.objects.filter(valid_to__isnull=False).values_list("pk", flat=True))
    held = {dossier.current_unit_id} if dossier else set()
    held |= set(
        DossierStep.objects.filter(dossier_id=dossier_id, state=StepState.OPEN).values_list(
            "unit_id", flat=True
        )
    )
    from_ids = sorted(held & closed)
    if dossier is None or not from_ids:
        raise ValidationError(_("Hồ sơ này không thuộc một đơn vị đã chấm dứt hoạt động."))
    succession = UnitSuccession.objects.filter(predecessor_id__in=from_ids).order_by("-pk").first()
    reorganisation_id = succession.reorganisation_id if succession else None
    if reorganisation_id is None:
        closing = Reorganisation.objects.filter(sources__in=from_ids, kind=K.CLOSE).first()
        reorganisation_id = closing.pk if closing else None
    moved = dossiers_rehome(
        [dossier_id],
        from_unit_ids=from_ids,
        to_unit_id=to_unit.pk,
        actor=user,
        reorganisation_id=reorganisation_id,
        note=note.strip(),
    )
    if not moved:
        raise ValidationError(_("Hồ sơ đã kết thúc hoặc đã được giao."))
    return moved
