"""Processing inside the workflow: forward, approve, return to the step before, consultations,
the result's issue and transfer (liên thông) to another unit of this system.

Routing (which step comes next) follows the conditions of the procedure version's workflow on the
dossier's form data (``dossiers/workflow.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _

from motcua.core import uploads
from motcua.core.roles import role_label
from motcua.dossiers.assignment import step_assignable_officers
from motcua.dossiers.models import Consultation, ConsultationVerdict, Dossier, StepState
from motcua.dossiers.permissions import ActionForbidden, consultation_for
from motcua.dossiers.services.engine import DossierError, _perform, _require
from motcua.dossiers.services.steps import _close_step, _start_step, _steps
from motcua.dossiers.states import Action
from motcua.dossiers.visits import visits_record
from motcua.dossiers.workflow import (
    StepSpec,
    WorkflowError,
    first_step_index,
    next_step_index,
    step_unit,
)
from motcua.units.models import Unit


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
        visits_record(d, [unit.pk for unit in units])
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


def consultation_answer(
    *, dossier, user, answer: str, verdict: str = "", reply_file=None, expected_version=None
) -> Dossier:
    """Record the opinion of the user's unit on the open consultation of the current step:
    agree or disagree (the desk's form requires one; other callers may leave it unstated), the
    opinion in words, and an optional reply document (checked like every upload). The event's
    note and data carry the verdict, so the dossier's log and form 06 say it."""
    _require(answer, _("Cần nhập nội dung ý kiến."))
    if verdict and verdict not in ConsultationVerdict.values:
        raise DossierError(_("Cần chọn đồng ý hoặc không đồng ý."))
    note = f"{ConsultationVerdict(verdict).label}: {answer}" if verdict else answer

    def change(d, actor, moment):
        c = consultation_for(user=user, step_id=d.current_step_id)  # the one the check allowed
        if c is None:
            raise ActionForbidden(_("Bạn không thuộc đơn vị được xin ý kiến cho hồ sơ này."))
        c.answered_at, c.answered_by, c.answer, c.verdict = moment, user, answer, verdict
        fields = ["answered_at", "answered_by", "answer", "verdict"]
        data = {"unit": c.unit.agency_code, "verdict": verdict}
        if reply_file:
            stored = uploads.stored_fields(reply_file)
            c.reply_file = stored["file"]
            c.reply_original_name = stored["original_name"]
            c.reply_content_type = stored["content_type"]
            fields += ["reply_file", "reply_original_name", "reply_content_type"]
            data["reply_file"] = stored["original_name"]
        c.save(update_fields=fields)
        return data

    return _perform(
        dossier=dossier,
        action=Action.ANSWER_CONSULTATION,
        user=user,
        expected_version=expected_version,
        note=note,
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
            stored = uploads.stored_fields(result_file)
            d.result_file = stored["file"]
            d.result_original_name = stored["original_name"]
            d.result_content_type = stored["content_type"]
        return {"result_number": result_number, "result_date": result_date.isoformat()}

    return _perform(
        dossier=dossier,
        action=Action.ISSUE_RESULT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def transfer_landing(dossier: Dossier, to_unit: Unit, to_step: int | None) -> StepSpec:
    """Return the step a transfer to *to_unit* lands on, refusing one nobody there can work.

    The officer chooses the step; by default it is the first step of the workflow (conditions
    on the form data), which the receiving unit then works from the start. A step whose unit has
    no active officer holding one of its roles would strand the dossier: refused, with who is
    missing, before anything changes.
    """
    steps = _steps(dossier)
    try:
        index = first_step_index(steps, dossier.form_data) if to_step is None else int(to_step)
        spec = steps[index]
        unit = step_unit(spec, to_unit)
    except (IndexError, ValueError, TypeError):
        raise DossierError(_("Bước tiếp nhận liên thông không có trong quy trình.")) from None
    except WorkflowError as exc:
        raise DossierError(str(exc)) from exc
    if not step_assignable_officers(unit=unit, roles=spec.roles).exists():
        raise DossierError(
            _(
                "Không chuyển được: tại %(unit)s không có cán bộ đang hoạt động giữ vai trò "
                "%(roles)s để xử lý bước “%(step)s”. Chọn bước khác hoặc đề nghị quản trị "
                "đơn vị phân công cán bộ."
            )
            % {
                "unit": unit,
                "roles": ", ".join(role_label(r) for r in spec.roles),
                "step": spec.name,
            }
        )
    return spec


def dossier_transfer(
    *,
    dossier,
    user,
    to_unit: Unit,
    to_step: int | None = None,
    expected_version=None,
    note="",
    assignee=None,
) -> Dossier:
    """Transfer (liên thông) to another unit of this system, landing on a step it can work.

    See :func:`transfer_landing` for the step; the source step is closed as transferred.
    """

    def change(d, actor, moment):
        if to_unit.pk == d.current_unit_id:
            raise DossierError(_("Hồ sơ đang ở chính đơn vị này."))
        spec = transfer_landing(d, to_unit, to_step)
        _close_step(d, moment, StepState.TRANSFERRED)
        source = d.current_unit
        d.current_unit = to_unit
        _start_step(d, spec, moment, assignee)
        return {
            "from_unit": source.agency_code,
            "to_unit": to_unit.agency_code,
            "to_step": spec.index,
        }

    return _perform(
        dossier=dossier,
        action=Action.TRANSFER,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )
