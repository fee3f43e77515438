"""The dossier lifecycle (DESIGN §2 rule 2, §3, §4): every state change goes through ``_perform``.

``_perform`` locks the dossier row, checks optimistic concurrency (the version the officer saw),
the transition table and the actor's right, applies the action's change, bumps the version, appends
a :class:`DossierEvent` and queues side effects with ``transaction.on_commit``. The public functions
below are thin: they say what changes for their action.

Deadlines come from the deadline engine (``motcua.core.deadlines``) with the site calendar; a pause
(supplement requested, suspended) stops the clock and on resume the dossier's and the open step's
due moments are recomputed from their start with every closed pause (DESIGN §4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import deadlines
from motcua.core.people import person_name
from motcua.core.roles import Role
from motcua.core.selectors import site_due_at
from motcua.core.timeunits import TimeUnit
from motcua.dossiers import effects
from motcua.dossiers.models import (
    Consultation,
    Delivery,
    Dossier,
    DossierCodeCounter,
    DossierDocument,
    DossierEvent,
    DossierPause,
    DossierStep,
    PauseKind,
    StepState,
)
from motcua.dossiers.permissions import (
    ActionForbidden,
    Actor,
    consultation_for,
    dossier_action_check,
)
from motcua.dossiers.states import Action, Status
from motcua.dossiers.transitions import transition_target
from motcua.dossiers.workflow import (
    StepSpec,
    WorkflowError,
    first_step_index,
    next_step_index,
    step_unit,
    workflow_steps,
)
from motcua.units.models import Unit
from motcua.units.selectors import user_roles_in_unit


class DossierError(Exception):
    """A lifecycle request that cannot be carried out; the message is for the officer."""


class DossierConflict(DossierError):
    """Somebody else changed the dossier since the officer loaded it."""


# --------------------------------------------------------------------------- deadlines


def _due(*, start: datetime, amount, unit: str, pauses: Iterable = ()) -> datetime:
    """Due moment on the site calendar; snapshot amounts are decimal strings ("15.0")."""
    return site_due_at(start=start, amount=Decimal(str(amount)), unit=unit, pauses=list(pauses))


def _closed_pauses(dossier: Dossier, since: datetime) -> list[deadlines.Pause]:
    return [
        deadlines.Pause(p.started_at, p.ended_at)
        for p in dossier.pauses.filter(ended_at__isnull=False, started_at__gte=since)
    ]


def dossier_recompute_deadlines(*, dossier: Dossier) -> None:
    """Recompute due_at and the open step's due_at from their start and closed pauses."""
    snapshot = dossier.procedure_version.snapshot
    if dossier.received_at:
        dossier.due_at = _due(
            start=dossier.received_at,
            amount=snapshot["procedure"]["processing_amount"],
            unit=snapshot["procedure"]["processing_unit"],
            pauses=_closed_pauses(dossier, dossier.received_at),
        )
    step = dossier.current_step
    if (
        step is not None
        and step.state == StepState.OPEN
        and (step.duration_amount or step.duration_unit == TimeUnit.SAME_DAY)
    ):
        step.due_at = _due(
            start=step.started_at,
            amount=step.duration_amount,
            unit=step.duration_unit,
            pauses=_closed_pauses(dossier, step.started_at),
        )
        step.save(update_fields=["due_at"])


# --------------------------------------------------------------------------- codes


def _next_code(unit: Unit, moment: datetime) -> str:
    """Return the next code ``{agency code}-{yymmdd}-{seq:04d}`` for *unit* on *moment*'s day.

    Gap-free and safe under concurrent receptions: the counter row is locked until the receiving
    transaction ends, and rolls back with it (DESIGN §3).
    """
    day = timezone.localtime(moment).date()
    if not DossierCodeCounter.objects.filter(unit=unit, day=day).exists():
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
    counter = DossierCodeCounter.objects.select_for_update().get(unit=unit, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{unit.agency_code}-{day:%y%m%d}-{counter.last:04d}"


# --------------------------------------------------------------------------- steps


def _eligible_officers(spec: StepSpec, unit: Unit):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__unit=unit,
            memberships__is_active=True,
            memberships__role__name__in=list(spec.roles),
        )
        .distinct()
        .order_by("pk")
    )


def _auto_assignee(spec: StepSpec, unit: Unit):
    """Pick an officer by the step's rule: round robin or least loaded; manual picks nobody."""
    officers = _eligible_officers(spec, unit)
    if spec.assignment == "least_loaded":
        # Open steps per eligible officer, counted on the (assignee, state) index: only open
        # steps are read, never an officer's whole history.
        ids = list(officers.values_list("pk", flat=True))
        load = dict(
            DossierStep.objects.filter(assignee__in=ids, state=StepState.OPEN)
            .values_list("assignee")
            .annotate(n=Count("pk"))
        )
        return (
            officers.filter(pk=min(ids, key=lambda pk: (load.get(pk, 0), pk))).first()
            if ids
            else None
        )
    if spec.assignment == "round_robin":
        # The officer assigned longest ago (never assigned first) at this unit and step name.
        return (
            officers.annotate(
                last=Max(
                    "dossier_steps__started_at",
                    filter=Q(dossier_steps__unit=unit, dossier_steps__name=spec.name),
                )
            )
            .order_by(F("last").asc(nulls_first=True), "pk")
            .first()
        )
    return None


def _start_step(dossier: Dossier, spec: StepSpec, moment: datetime, assignee=None) -> DossierStep:
    unit = step_unit(spec, dossier.current_unit)
    if assignee is not None and not (
        set(spec.roles) & user_roles_in_unit(user=assignee, unit=unit)
    ):
        raise DossierError(
            _("%(name)s không có vai trò xử lý bước “%(step)s” tại %(unit)s.")
            % {"name": assignee, "step": spec.name, "unit": unit}
        )
    step = DossierStep.objects.create(
        dossier=dossier,
        index=spec.index,
        name=spec.name,
        unit=unit,
        roles=list(spec.roles),
        actions=list(spec.actions),
        assignee=assignee or _auto_assignee(spec, unit),
        started_at=moment,
        duration_amount=spec.amount,
        duration_unit=spec.time_unit,
        due_at=(
            _due(start=moment, amount=spec.amount, unit=spec.time_unit)
            if spec.amount or spec.time_unit == TimeUnit.SAME_DAY
            else None
        ),
        required_answers=spec.required_answers,
    )
    for code in spec.consult_units:
        Consultation.objects.create(step=step, unit=Unit.objects.get(agency_code=code))
    dossier.current_step = step
    return step


def _close_step(dossier: Dossier, moment: datetime, state: StepState = StepState.DONE):
    step = dossier.current_step
    if step is not None and step.state == StepState.OPEN:
        step.state, step.finished_at = state, moment
        step.save(update_fields=["state", "finished_at"])
    return step


def _steps(dossier: Dossier) -> list[StepSpec]:
    return workflow_steps(dossier.procedure_version.snapshot)


# --------------------------------------------------------------------------- the transition


def _conflict_message(dossier: Dossier) -> str:
    who = person_name(dossier.updated_by, empty="?")
    when = time_format(timezone.localtime(dossier.updated_at), "H:i")
    return _("Hồ sơ này đã được %(who)s thay đổi lúc %(when)s, vui lòng tải lại.") % {
        "who": who,
        "when": when,
    }


def _perform(
    *,
    dossier: Dossier | int,
    action: Action,
    user,
    expected_version: int | None,
    note: str = "",
    change: Callable[[Dossier, Actor, datetime], dict | None] | None = None,
) -> Dossier:
    """Apply *action* to the dossier atomically; see the module docstring for the steps."""
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic():
        # Lock only the dossier row (MariaDB has no FOR UPDATE OF; a join would lock units too),
        # then read it with its relations inside the same transaction.
        list(Dossier.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
        locked = Dossier.objects.select_related(
            "current_step", "current_unit", "unit", "procedure_version", "updated_by"
        ).get(pk=pk)
        if expected_version is not None and locked.version != expected_version:
            raise DossierConflict(_conflict_message(locked))
        actor = dossier_action_check(user=user, dossier=locked, action=action)
        from_status = locked.status
        target = transition_target(
            action=action, status=from_status, paused_from=locked.paused_from
        )
        moment = timezone.now()
        step_before = locked.current_step
        data = (change(locked, actor, moment) if change else None) or {}
        locked.status = target
        if target in (Status.RESULT_READY, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED):
            locked.finished_at = locked.finished_at or moment
        locked.version += 1
        locked.updated_by = user
        locked.save()
        event = DossierEvent.objects.create(
            dossier=locked,
            action=action,
            actor=user,
            on_behalf_of=actor.on_behalf_of,
            from_status=from_status,
            to_status=target,
            step=step_before,
            to_step=locked.current_step if locked.current_step != step_before else None,
            unit=locked.current_unit,
            note=note,
            data=data,
            created_at=moment,
        )
        transaction.on_commit(lambda: effects.dossier_event_effects(event_id=event.pk))
    return locked


# --------------------------------------------------------------------------- reception


def _applicant_fields(applicant: dict) -> dict:
    allowed = {
        "applicant_kind",
        "applicant_name",
        "applicant_id_number",
        "applicant_tax_code",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
        "applicant_user",
    }
    unknown = set(applicant) - allowed
    if unknown:
        raise DossierError(f"unknown applicant fields: {sorted(unknown)}")
    if not (applicant.get("applicant_name") or "").strip():
        raise DossierError(_("Thiếu tên người nộp hồ sơ."))
    return applicant


def _create(
    *,
    procedure,
    unit,
    applicant,
    channel,
    form_data,
    status,
    moment,
    user,
    is_training,
    documents,
    delivery,
    version,
) -> Dossier:
    if version is None:
        raise DossierError(
            _("Thủ tục “%(name)s” chưa có phiên bản được công bố.") % {"name": procedure.name}
        )
    if not procedure.is_active:
        raise DossierError(
            _("Thủ tục “%(name)s” đang tạm ngừng tiếp nhận.") % {"name": procedure.name}
        )
    dossier = Dossier(
        code=_next_code(unit, moment),
        unit=unit,
        current_unit=unit,
        procedure=procedure,
        procedure_version=version,
        status=status,
        channel=channel,
        form_data=form_data or {},
        fee_total=sum(
            (Decimal(str(f["amount"])) for f in version.snapshot.get("fees", [])), Decimal(0)
        ),
        submitted_at=moment,
        is_training=is_training,
        delivery=delivery,
        updated_by=user,
        **_applicant_fields(applicant),
    )
    dossier.refresh_search_text()
    dossier.save()
    wanted = {d.get("name"): d for d in documents or []}
    for doc in version.snapshot.get("documents", []):
        given = wanted.pop(doc["name"], {})
        DossierDocument.objects.create(
            dossier=dossier,
            name=doc["name"],
            originals=doc.get("originals", 0),
            copies=doc.get("copies", 0),
            is_mandatory=doc.get("is_mandatory", True),
            received=bool(given.get("received") or given.get("file")),
            file=given.get("file") or "",
        )
    return dossier


def _begin_processing(dossier: Dossier, moment: datetime, user, assignee=None) -> None:
    """Start the clock (received_at, due_at) and the first step."""
    dossier.received_at, dossier.received_by = moment, user
    snapshot = dossier.procedure_version.snapshot
    dossier.due_at = _due(
        start=moment,
        amount=snapshot["procedure"]["processing_amount"],
        unit=snapshot["procedure"]["processing_unit"],
    )
    steps = _steps(dossier)
    try:
        _start_step(dossier, steps[first_step_index(steps, dossier.form_data)], moment, assignee)
    except WorkflowError as exc:
        raise DossierError(str(exc)) from exc


def dossier_receive(
    *,
    user,
    procedure,
    unit: Unit,
    applicant: dict,
    channel: int = 1,
    form_data: dict | None = None,
    documents: list[dict] | None = None,
    delivery: str = Delivery.COUNTER,
    assignee=None,
    is_training: bool | None = None,
) -> Dossier:
    """Receive a dossier at the counter: code, due_at, first step started, events written.

    The receiving officer must be a reception officer of *unit*. In a training site every dossier
    is a training dossier (excluded from statistics, QĐ 766 indicators).
    """
    from django.conf import settings

    from motcua.procedures.selectors import procedure_current_version

    if Role.RECEPTION_OFFICER not in user_roles_in_unit(user=user, unit=unit):
        raise ActionForbidden(
            _("Chỉ cán bộ một cửa của %(unit)s được tiếp nhận hồ sơ.") % {"unit": unit}
        )
    if not procedure.units.filter(pk=unit.pk).exists():
        raise DossierError(
            _("%(unit)s không tiếp nhận thủ tục “%(name)s”.")
            % {"unit": unit, "name": procedure.name}
        )
    training = settings.SITE.training if is_training is None else is_training
    with transaction.atomic():
        moment = timezone.now()
        dossier = _create(
            procedure=procedure,
            unit=unit,
            applicant=applicant,
            channel=channel,
            form_data=form_data,
            status=Status.RECEIVED,
            moment=moment,
            user=user,
            is_training=training,
            documents=documents,
            delivery=delivery,
            version=procedure_current_version(procedure=procedure),
        )
        missing = [d.name for d in dossier.documents.all() if d.is_mandatory and not d.received]
        if missing and channel == 1:
            raise DossierError(
                _("Còn thiếu giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(missing)}
            )
        _begin_processing(dossier, moment, user, assignee)
        dossier.status = Status.IN_PROGRESS
        dossier.save()
        DossierEvent.objects.create(
            dossier=dossier,
            action=Action.RECEIVE,
            actor=user,
            to_status=Status.RECEIVED,
            unit=unit,
            created_at=moment,
        )
        event = DossierEvent.objects.create(
            dossier=dossier,
            action=Action.START,
            actor=user,
            from_status=Status.RECEIVED,
            to_status=Status.IN_PROGRESS,
            to_step=dossier.current_step,
            unit=unit,
            created_at=moment,
        )
        transaction.on_commit(lambda: effects.dossier_event_effects(event_id=event.pk))
    return dossier


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
    from django.conf import settings

    from motcua.procedures.selectors import procedure_current_version

    with transaction.atomic():
        moment = timezone.now()
        dossier = _create(
            procedure=procedure,
            unit=unit,
            applicant={**applicant, "applicant_user": user},
            channel=2,
            form_data=form_data,
            status=Status.SUBMITTED,
            moment=moment,
            user=user,
            is_training=settings.SITE.training,
            documents=documents,
            delivery=delivery,
            version=procedure_current_version(procedure=procedure),
        )
        event = DossierEvent.objects.create(
            dossier=dossier,
            action=Action.RECEIVE,
            actor=user,
            to_status=Status.SUBMITTED,
            unit=unit,
            created_at=moment,
        )
        transaction.on_commit(lambda: effects.dossier_event_effects(event_id=event.pk))
    return dossier


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


def _require(text: str, message: str) -> None:
    if not (text or "").strip():
        raise DossierError(message)


# --------------------------------------------------------------------------- processing


def _open_consultations(dossier: Dossier) -> tuple[int, int]:
    step = dossier.current_step
    answered = step.consultations.exclude(answered_at=None).count()
    total = step.consultations.count()
    return answered, total


def _move_forward(d: Dossier, moment: datetime, assignee) -> dict:
    step = d.current_step
    answered, total = _open_consultations(d)
    needed = step.required_answers or total
    if total and answered < needed:
        raise DossierError(
            _("Bước này cần %(n)s ý kiến trả lời, mới có %(m)s.") % {"n": needed, "m": answered}
        )
    steps = _steps(d)
    following = next_step_index(steps, step.index, d.form_data)
    if following is None:
        raise DossierError(_("Đây là bước cuối của quy trình: hãy ký, ban hành kết quả."))
    _close_step(d, moment)
    try:
        new = _start_step(d, steps[following], moment, assignee)
    except WorkflowError as exc:
        raise DossierError(str(exc)) from exc
    return {
        "from_step": step.index,
        "to_step": new.index,
        "step_late": bool(step.due_at and moment > step.due_at),
    }


def dossier_forward(*, dossier, user, expected_version=None, assignee=None, note="") -> Dossier:
    """Finish the current step and start the next one the routing picks (conditions on form data)."""
    return _perform(
        dossier=dossier,
        action=Action.FORWARD,
        user=user,
        expected_version=expected_version,
        note=note,
        change=lambda d, a, m: _move_forward(d, m, assignee),
    )


def dossier_approve(*, dossier, user, expected_version=None, note="", assignee=None) -> Dossier:
    """A leader approves: the approval is recorded and the dossier moves to the next step."""
    return _perform(
        dossier=dossier,
        action=Action.APPROVE,
        user=user,
        expected_version=expected_version,
        note=note,
        change=lambda d, a, m: _move_forward(d, m, assignee),
    )


def dossier_return_previous(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """Send the dossier back to the step before, to the officer who handled it then."""
    _require(reason, _("Cần ghi rõ lý do trả lại."))

    def change(d, actor, moment):
        # A step earlier in the workflow: after a return the first step is open again, and its
        # earlier, done pass is not "the step before" it.
        current = d.current_step
        previous = (
            d.steps.filter(
                state=StepState.DONE, started_at__lte=current.started_at, index__lt=current.index
            )
            .exclude(pk=current.pk)
            .order_by("-started_at", "-id")
            .first()
        )
        if previous is None:
            raise DossierError(_("Đây là bước đầu tiên, không có bước trước để trả lại."))
        _close_step(d, moment, StepState.RETURNED)
        spec = _steps(d)[previous.index]
        _start_step(d, spec, moment, previous.assignee)
        return {"to_step": previous.index}

    return _perform(
        dossier=dossier,
        action=Action.RETURN_PREVIOUS,
        user=user,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def dossier_consult(
    *, dossier, user, units: list[Unit], required: int | None = None, note="", expected_version=None
) -> Dossier:
    """Ask several units for an opinion in parallel; forwarding waits for N of M answers."""
    if not units:
        raise DossierError(_("Chọn ít nhất một đơn vị để xin ý kiến."))
    if required is not None and not 1 <= required <= len(units):
        raise DossierError(_("Số ý kiến cần có phải từ 1 đến %(n)s.") % {"n": len(units)})

    def change(d, actor, moment):
        for unit in units:
            Consultation.objects.create(step=d.current_step, unit=unit)
        d.current_step.required_answers = required or len(units)
        d.current_step.save(update_fields=["required_answers"])
        return {"units": [u.agency_code for u in units], "required": required or len(units)}

    return _perform(
        dossier=dossier,
        action=Action.CONSULT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def consultation_answer(*, dossier, user, answer: str, expected_version=None) -> Dossier:
    """Record the opinion of the user's unit on the open consultation of the current step."""
    _require(answer, _("Cần nhập nội dung ý kiến."))

    def change(d, actor, moment):
        c = consultation_for(user=user, step_id=d.current_step_id)  # the one the check allowed
        if c is None:
            raise ActionForbidden(_("Bạn không thuộc đơn vị được xin ý kiến cho hồ sơ này."))
        c.answered_at, c.answered_by, c.answer = moment, user, answer
        c.save(update_fields=["answered_at", "answered_by", "answer"])
        return {"unit": c.unit.agency_code}

    return _perform(
        dossier=dossier,
        action=Action.ANSWER_CONSULTATION,
        user=user,
        expected_version=expected_version,
        note=answer,
        change=change,
    )


def dossier_issue_result(
    *,
    dossier,
    user,
    result_number: str,
    result_date: date,
    result_file=None,
    expected_version=None,
    note="",
) -> Dossier:
    """Sign/issue the result: number and date recorded; the processing ends (QĐ 766 §2.1)."""
    _require(result_number, _("Cần nhập số văn bản kết quả."))

    def change(d, actor, moment):
        _close_step(d, moment)
        d.result_number, d.result_date = result_number, result_date
        if result_file:
            d.result_file = result_file
        return {"result_number": result_number, "result_date": result_date.isoformat()}

    return _perform(
        dossier=dossier,
        action=Action.ISSUE_RESULT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def dossier_transfer(
    *, dossier, user, to_unit: Unit, expected_version=None, note="", assignee=None
) -> Dossier:
    """Transfer (liên thông) to another unit of this system; the next steps continue there."""

    def change(d, actor, moment):
        if to_unit.pk == d.current_unit_id:
            raise DossierError(_("Hồ sơ đang ở chính đơn vị này."))
        old_step = d.current_step
        _close_step(d, moment, StepState.TRANSFERRED)
        source = d.current_unit
        d.current_unit = to_unit
        steps = _steps(d)
        following = next_step_index(steps, old_step.index, d.form_data)
        spec = steps[following] if following is not None else steps[old_step.index]
        _start_step(d, spec, moment, assignee)
        return {"from_unit": source.agency_code, "to_unit": to_unit.agency_code}

    return _perform(
        dossier=dossier,
        action=Action.TRANSFER,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


# --------------------------------------------------------------------------- pauses


def _pause(d: Dossier, kind: str, moment: datetime, reason: str) -> None:
    d.paused_from = d.status
    DossierPause.objects.create(dossier=d, kind=kind, started_at=moment, reason=reason)


def _resume(d: Dossier, moment: datetime) -> dict:
    pause = d.pauses.filter(ended_at=None).order_by("-started_at").first()
    if pause is not None:
        pause.ended_at = moment
        pause.save(update_fields=["ended_at"])
    old_due = d.due_at
    dossier_recompute_deadlines(dossier=d)
    d.paused_from = ""
    return {
        "due_before": timezone.localtime(old_due).isoformat() if old_due else None,
        "due_after": timezone.localtime(d.due_at).isoformat() if d.due_at else None,
    }


def dossier_request_supplement(
    *, dossier, user, items: list[str], note="", expected_version=None, override: bool = False
) -> Dossier:
    """Ask the citizen to supplement (form 02); the clock stops until they do.

    At most once per dossier while it is processed; a second request needs a unit leader's
    override and makes the dossier count as late (QĐ 766 §2.1). Guidance at intake (an online
    dossier not yet received, its clock not started) is not counted.
    """
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DossierError(_("Cần liệt kê giấy tờ, nội dung phải bổ sung."))

    def change(d, actor, moment):
        at_intake = d.status == Status.SUBMITTED
        if d.supplement_count >= 1 and not at_intake:
            if not override:
                raise DossierError(
                    _(
                        "Hồ sơ đã được yêu cầu bổ sung một lần; lần tiếp theo cần "
                        "lãnh đạo đơn vị đồng ý và sẽ bị tính là trễ hạn."
                    )
                )
            if Role.UNIT_LEADER not in user_roles_in_unit(user=user, unit=d.current_unit):
                raise ActionForbidden(_("Chỉ lãnh đạo đơn vị được yêu cầu bổ sung lần thứ hai."))
            d.late_by_rule = True
        if not at_intake:  # guidance before reception is not a request of processing
            d.supplement_count += 1
        d.supplement_items = items
        _pause(d, PauseKind.SUPPLEMENT, moment, "; ".join(items))
        return {"items": items, "count": d.supplement_count}

    # The event note is what the applicant is e-mailed (effects.py): it must name the items.
    listed = "; ".join(items)
    text = f"{listed}. {note.strip()}" if (note or "").strip() else listed
    return _perform(
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        user=user,
        expected_version=expected_version,
        note=text,
        change=change,
    )


def dossier_supplement(
    *, dossier, user, files: dict | None = None, note="", expected_version=None
) -> Dossier:
    """The citizen (or the counter on their behalf) supplements; the clock restarts."""

    def change(d, actor, moment):
        for name, upload in (files or {}).items():
            DossierDocument.objects.create(
                dossier=d,
                name=name,
                file=upload,
                received=True,
                is_supplement=True,
                is_mandatory=False,
            )
        return _resume(d, moment)

    return _perform(
        dossier=dossier,
        action=Action.SUPPLEMENT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def dossier_suspend(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """Suspend processing (e.g. waiting for the tax office); the clock stops."""
    _require(reason, _("Cần ghi rõ lý do tạm dừng."))
    return _perform(
        dossier=dossier,
        action=Action.SUSPEND,
        user=user,
        expected_version=expected_version,
        note=reason,
        change=lambda d, a, m: _pause(d, PauseKind.SUSPEND, m, reason),
    )


def dossier_resume(*, dossier, user, note="", expected_version=None) -> Dossier:
    """Resume a suspended dossier; its due moments move later by the paused office time."""
    return _perform(
        dossier=dossier,
        action=Action.RESUME,
        user=user,
        expected_version=expected_version,
        note=note,
        change=lambda d, a, m: _resume(d, m),
    )


# --------------------------------------------------------------------------- endings


def _close_open_work(d: Dossier, moment: datetime) -> None:
    """End the open step and the open pause of a dossier that is finishing."""
    _close_step(d, moment)
    open_pause = d.pauses.filter(ended_at=None).first()
    if open_pause:
        open_pause.ended_at = moment
        open_pause.save(update_fields=["ended_at"])


def _ending(action: Action, message: str):
    def perform(*, dossier, user, reason: str, expected_version=None) -> Dossier:
        _require(reason, message)

        def change(d, actor, moment):
            _close_open_work(d, moment)

        return _perform(
            dossier=dossier,
            action=action,
            user=user,
            expected_version=expected_version,
            note=reason,
            change=change,
        )

    return perform


#: Refuse to process (form 03), stop processing (form 05), citizen withdrawal: each with a reason.
dossier_refuse = _ending(Action.REFUSE, gettext_lazy("Cần ghi rõ lý do từ chối giải quyết."))
dossier_stop = _ending(Action.STOP, gettext_lazy("Cần ghi rõ lý do dừng giải quyết."))
dossier_withdraw = _ending(Action.WITHDRAW, gettext_lazy("Cần ghi rõ lý do rút hồ sơ."))


def dossier_apologize(
    *, dossier, user, new_due_at: datetime, reason: str, expected_version=None
) -> Dossier:
    """Apology with a new date (form 04): due_at stays for the KPIs, the new date is recorded."""
    _require(reason, _("Cần ghi rõ lý do chậm trả kết quả."))

    def change(d, actor, moment):
        if new_due_at <= max(moment, d.due_at or moment):
            raise DossierError(_("Ngày hẹn lại phải sau hạn trả kết quả hiện tại."))
        d.apology_due_at = new_due_at
        return {"new_due_at": new_due_at.isoformat()}

    return _perform(
        dossier=dossier,
        action=Action.APOLOGIZE,
        user=user,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def dossier_return_result(
    *, dossier, user, delivery: str, postal_tracking: str = "", expected_version=None, note=""
) -> Dossier:
    """Return the result at the counter, online or by post (tracking number), and close."""
    if delivery not in Delivery.values:
        raise DossierError(_("Hình thức trả kết quả không hợp lệ."))
    if delivery == Delivery.POST:
        _require(postal_tracking, _("Cần nhập mã vận đơn bưu chính."))

    def change(d, actor, moment):
        if delivery == Delivery.ONLINE and not d.result_file:
            raise DossierError(_("Chưa có tệp kết quả để trả trực tuyến."))
        d.delivery, d.postal_tracking, d.returned_at = delivery, postal_tracking, moment
        return {"delivery": delivery, "postal_tracking": postal_tracking}

    return _perform(
        dossier=dossier,
        action=Action.RETURN_RESULT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def dossier_set_delivery(
    *, dossier, user, delivery: str, address: str = "", expected_version=None
) -> Dossier:
    """Record how the applicant receives the result (counter, online, post with an address).

    Online delivery needs a procedure offered fully online (toàn trình); post needs an address.
    """
    if delivery not in Delivery.values:
        raise DossierError(_("Hình thức nhận kết quả không hợp lệ."))
    address = (address or "").strip()[:300] if delivery == Delivery.POST else ""
    if delivery == Delivery.POST and not address:
        raise DossierError(_("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."))

    def change(d, actor, moment):
        online = d.procedure_version.snapshot.get("procedure", {}).get("online_level") == "full"
        if delivery == Delivery.ONLINE and not online:
            raise DossierError(_("Thủ tục này không trả kết quả trực tuyến."))
        d.delivery, d.delivery_address = delivery, address
        return {"delivery": delivery, "address": address}

    return _perform(
        dossier=dossier,
        action=Action.SET_DELIVERY,
        user=user,
        expected_version=expected_version,
        change=change,
    )


def dossier_link_account(*, dossier, user, proof: str) -> Dossier:
    """Link a dossier received without an account to the citizen *user* (once).

    *proof* names how the caller checked that *user* is the applicant (the portal's lookup by
    code plus "phone", "id_number" or "tax_code"); it is kept in the event.
    """
    if not proof:
        raise DossierError(_("Cần xác minh mã hồ sơ và số điện thoại hoặc số định danh."))

    def change(d, actor, moment):
        d.applicant_user = user
        return {"proof": proof[:20]}

    return _perform(
        dossier=dossier, action=Action.LINK_ACCOUNT, user=user, expected_version=None, change=change
    )


def dossiers_close_training(*, user, older_than_days: int = 30) -> int:
    """Close open training dossiers received more than N days ago; return how many were closed.

    Only dossiers of units the user administers are touched (all for a superuser), so a partial
    administrator never meets a refusal half-way through the batch.
    """
    from motcua.units.selectors import units_in_scope

    cutoff = timezone.now() - timedelta(days=older_than_days)
    candidates = Dossier.objects.filter(is_training=True, submitted_at__lt=cutoff)
    if not getattr(user, "is_superuser", False):
        administered = units_in_scope(user=user, roles=[Role.ADMINISTRATOR])
        if not administered.exists():
            raise ActionForbidden(_("Chỉ quản trị hệ thống được đóng hồ sơ tập huấn."))
        candidates = candidates.filter(unit__in=administered.values("pk"))
    ids = list(
        candidates.exclude(
            status__in=[Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED]
        ).values_list("pk", flat=True)
    )
    closed = 0
    for pk in ids:
        _perform(
            dossier=pk,
            action=Action.CLOSE_TRAINING,
            user=user,
            expected_version=None,
            note=_("Đóng hồ sơ tập huấn cũ"),
            change=lambda d, a, m: _close_open_work(d, m),
        )  # returns None: no event data
        closed += 1
    return closed
