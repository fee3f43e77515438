"""The dossier lifecycle vocabulary: every state, every action, and one declaration per action.

Each :class:`ActionRule` in :data:`LIFECYCLE` says, for one action: the states it may start from
(none: the action creates the dossier), the state it leads to, what it does to the processing
clock, who may take it, whether a workflow step may offer it, which public service performs it,
whether the desk shows it as a button on the dossier page, what the citizen sees of it (the public
timeline label, whether the note is written for them, the notice they get) and how form 06 (Phiếu
kiểm soát quá trình giải quyết hồ sơ, mẫu số 06 Phụ lục I TT 03/2025/TT-VPCP) prints it.

Everything else is derived from this table: the transition table (``dossiers/transitions.py``),
the step actions of the workflow editor (``procedures/workflow.py``), the desk's action dispatch
(``desk/actions.py``), the applicant notices (``integrations/handlers.py``), the portal's public
timeline and the hand-over rows of form 06. ``motcua.dossiers.checks`` fails the system check when
a declared action lacks a consumer (a service, a desk form) or a consumer names an undeclared one.

The module imports no model, so ``procedures`` and ``core`` can use it without ``dossiers``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ tiếp nhận (nộp trực tuyến)")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang giải quyết")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ bổ sung hồ sơ")
    SUSPENDED = "suspended", _("Tạm dừng")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REJECTED = "rejected", _("Từ chối")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng giải quyết")


#: States in which the dossier is finished; nothing moves it out of them.
TERMINAL = frozenset({Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED})
#: States in which the processing clock is stopped (supplement requested, suspended).
PAUSED = frozenset({Status.SUPPLEMENT_REQUESTED, Status.SUSPENDED})
#: Open dossiers whose deadlines are live (recomputed when the calendar changes).
OPEN = frozenset(set(Status) - TERMINAL)


class Action(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    ACCEPT = "accept", _("Tiếp nhận hồ sơ trực tuyến")
    REFUSE_INTAKE = "refuse_intake", _("Từ chối tiếp nhận")
    START = "start", _("Bắt đầu xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    RETURN_PREVIOUS = "return_previous", _("Trả lại bước trước")
    CONSULT = "consult", _("Xin ý kiến")
    ANSWER_CONSULTATION = "answer_consultation", _("Trả lời xin ý kiến")
    APPROVE = "approve", _("Phê duyệt")
    ISSUE_RESULT = "issue_result", _("Ký, ban hành kết quả")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    SUSPEND = "suspend", _("Tạm dừng")
    RESUME = "resume", _("Tiếp tục xử lý")
    REFUSE = "refuse", _("Từ chối giải quyết")
    STOP = "stop", _("Dừng giải quyết")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    TRANSFER = "transfer", _("Chuyển liên thông")
    APOLOGIZE = "apologize", _("Xin lỗi, hẹn lại ngày trả")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    CLOSE_TRAINING = "close_training", _("Đóng hồ sơ tập huấn")
    SET_DELIVERY = "set_delivery", _("Chọn hình thức nhận kết quả")
    LINK_ACCOUNT = "link_account", _("Gắn hồ sơ với tài khoản công dân")
    RECALCULATE = "recalculate", _("Điều chỉnh hạn theo lịch làm việc")
    RECORD_PAYMENT = "record_payment", _("Ghi nhận nộp phí tại quầy")
    WAIVE_FEE = "waive_fee", _("Miễn phí, lệ phí")
    REHOME = "rehome", _("Chuyển đơn vị giải quyết do sắp xếp đơn vị hành chính")
    RECORD_SHIPMENT = "record_shipment", _("Cập nhật tình trạng chuyển phát kết quả")
    IMPORT = "import", _("Nhập từ hệ thống cũ")


#: Targets that are not a state: keep the state (a step change inside ``in_progress``) or go
#: back to the state the dossier was paused from (``submitted`` when the supplement was asked
#: at intake, ``in_progress`` otherwise).
SAME = "same"
BACK = "back"
#: Creation only: the dossier is born in the state another system recorded (legacy import).
GIVEN = "given"


class Guard(enum.StrEnum):
    """A condition on the dossier itself, beyond its state, that an action requires.

    Each is checked by the transition path (``dossiers/guards.py`` holds the checks) and hides
    the action's desk button while it does not hold.
    """

    NONE = ""
    #: TT 03/2025/TT-VPCP Điều 7: stop only while "chưa có quyết định giải quyết thủ tục hành
    #: chính hoặc văn bản thông báo kết quả giải quyết thủ tục hành chính".
    NO_RESULT_ISSUED = "no_result_issued"


class Clock(enum.StrEnum):
    """What an action does to the processing clock (the deadline engine, ``core/deadlines.py``)."""

    NONE = "none"
    STARTS = "starts"  # received_at, due_at and the first step's due moment are set
    PAUSES = "pauses"  # a pause opens: office time until the resume does not count
    RESUMES = "resumes"  # the pause closes; due moments are recomputed with it
    ENDS = "ends"  # processing is over: finished_at is set (QĐ 766 §2.1 compares it with due_at)


class Taker(enum.StrEnum):
    """Who may take an action; the precise rules are in ``dossiers/permissions.py``."""

    RECEPTION = "reception"  # a reception officer of the dossier's current unit
    STEP = "step"  # an officer of the current workflow step (its roles, unit, assignee)
    CONSULTED = "consulted"  # a staff member of a unit asked for its opinion
    CITIZEN = "citizen"  # the applicant (their account, or anyone for an online submission)
    ADMINISTRATOR = "administrator"


class Form06(enum.StrEnum):
    """How form 06 (the control sheet) prints the action's events."""

    NO = ""  # not printed
    HANDOVER = "handover"  # the event hands the dossier to the step it opens (giver → receiver)
    NOTE = "note"  # noted on the row of the step it happened in, with ``form06_note``


@dataclass(frozen=True)
class ActionRule:
    """The one declaration of a lifecycle action (see the module docstring)."""

    action: Action
    sources: frozenset[Status]  # empty: the action creates the dossier
    target: str  # a Status value, SAME or BACK
    clock: Clock
    takers: frozenset[Taker]
    step_may_offer: bool  # the workflow editor lets a step offer it (``step.actions``)
    service: str  # the public function of ``motcua.dossiers.services`` that takes it
    desk_button: bool  # offered on the desk's dossier page (``desk/actions.py`` has its form)
    public_label: Promise | None  # the citizen's timeline label; None: internal, not shown
    public_note: bool  # the event note is written for the citizen (reasons of forms 03, 05)
    # The notice the applicant gets (a template of the notifications app, per channel), or None.
    applicant_notice: str | None
    form06: Form06
    form06_note: str = ""  # printed in Vietnamese on form 06, whatever the interface language
    online_target: str = ""  # creation only: the state an online submission is born in
    online_public_label: Promise | None = None  # creation only: the timeline label online
    guard: Guard = Guard.NONE  # a condition on the dossier beyond its state (``Guard``)

    @property
    def label(self) -> str:
        return str(self.action.label)


def _rule(action, sources, target, clock=Clock.NONE, *, takers, service, **kw) -> ActionRule:
    kw.setdefault("step_may_offer", Taker.STEP in takers)
    kw.setdefault("desk_button", False)
    kw.setdefault("public_label", None)
    kw.setdefault("public_note", False)
    kw.setdefault("applicant_notice", None)
    kw.setdefault("form06", Form06.NO)
    return ActionRule(
        action, frozenset(sources), target, clock, frozenset(takers), service=service, **kw
    )


S, A, T = Status, Action, Taker
_ACTIVE = {S.RECEIVED, S.IN_PROGRESS}
_OPEN_NOT_READY = {S.SUBMITTED, S.RECEIVED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.SUSPENDED}
_PAUSED_OR_ACTIVE = {S.RECEIVED, S.IN_PROGRESS, S.SUSPENDED, S.SUPPLEMENT_REQUESTED}
_STEP = {T.STEP}

_RULES = (
    # Reception. A counter dossier is born ``received`` and started at once; an online one is
    # born ``submitted`` and waits for intake (accept, or refuse with form 03).
    _rule(
        A.RECEIVE,
        set(),
        S.RECEIVED,
        takers={T.RECEPTION, T.CITIZEN},
        service="dossier_receive",  # and dossier_submit_online, born ``submitted``
        online_target=S.SUBMITTED,
        public_label=_("Tiếp nhận hồ sơ"),
        online_public_label=_("Nộp hồ sơ trực tuyến"),
    ),
    _rule(
        A.ACCEPT,
        {S.SUBMITTED},
        S.RECEIVED,
        Clock.STARTS,
        takers={T.RECEPTION},
        service="dossier_accept",
        desk_button=True,
        public_label=_("Tiếp nhận hồ sơ"),
    ),
    _rule(
        A.REFUSE_INTAKE,
        {S.SUBMITTED},
        S.REJECTED,
        Clock.ENDS,
        takers={T.RECEPTION},
        service="dossier_refuse_intake",
        desk_button=True,
        public_label=_("Từ chối tiếp nhận"),
        public_note=True,
        applicant_notice="refused",
    ),
    _rule(
        A.START,
        {S.RECEIVED},
        S.IN_PROGRESS,
        Clock.STARTS,
        takers={T.RECEPTION},
        service="dossier_receive",  # and dossier_accept: never taken alone
        public_label=_("Bắt đầu giải quyết"),
        # The receipt with the appointment date: the clock has just started (counter or intake).
        applicant_notice="received",
        form06=Form06.HANDOVER,
    ),
    # What a workflow step (quy trình nội bộ ISO) may offer, in the workflow editor's order.
    # Pauses stop the clock (supplement: form 02); refuse (form 03) and stop (form 05) end it.
    _rule(
        A.FORWARD,
        {S.IN_PROGRESS},
        SAME,
        takers=_STEP,
        service="dossier_forward",
        desk_button=True,
        form06=Form06.HANDOVER,
    ),
    _rule(
        A.RETURN_PREVIOUS,
        {S.IN_PROGRESS},
        SAME,
        takers=_STEP,
        service="dossier_return_previous",
        desk_button=True,
        form06=Form06.HANDOVER,
    ),
    _rule(
        A.REQUEST_SUPPLEMENT,
        {S.SUBMITTED, *_ACTIVE},
        S.SUPPLEMENT_REQUESTED,
        Clock.PAUSES,
        takers={T.STEP, T.RECEPTION},  # reception: guidance at intake, before any step
        step_may_offer=True,
        service="dossier_request_supplement",
        desk_button=True,
        public_label=_("Yêu cầu bổ sung hồ sơ"),
        applicant_notice="supplement_requested",
        form06=Form06.NOTE,
        form06_note="Yêu cầu bổ sung",
    ),
    _rule(
        A.REFUSE,
        _ACTIVE,
        S.REJECTED,
        Clock.ENDS,
        takers=_STEP,
        service="dossier_refuse",
        desk_button=True,
        public_label=_("Từ chối giải quyết"),
        public_note=True,
        applicant_notice="refused",
    ),
    _rule(
        A.CONSULT,
        {S.IN_PROGRESS},
        SAME,
        takers=_STEP,
        service="dossier_consult",
        desk_button=True,
        form06=Form06.NOTE,
        form06_note="Xin ý kiến",
    ),
    _rule(
        A.APPROVE,
        {S.IN_PROGRESS},
        SAME,
        takers=_STEP,
        service="dossier_approve",
        desk_button=True,
        form06=Form06.HANDOVER,
    ),
    _rule(
        A.ISSUE_RESULT,
        {S.IN_PROGRESS},
        S.RESULT_READY,
        Clock.ENDS,
        takers=_STEP,
        service="dossier_issue_result",
        desk_button=True,
        public_label=_("Đã có kết quả"),
        applicant_notice="result_ready",
    ),
    _rule(
        A.TRANSFER,
        {S.IN_PROGRESS},
        SAME,
        takers=_STEP,
        service="dossier_transfer",
        desk_button=True,
        public_label=_("Chuyển cơ quan liên quan giải quyết"),
        form06=Form06.HANDOVER,
    ),
    _rule(
        A.SUSPEND,
        {S.IN_PROGRESS},
        S.SUSPENDED,
        Clock.PAUSES,
        takers=_STEP,
        service="dossier_suspend",
        desk_button=True,
        public_label=_("Tạm dừng giải quyết"),
        public_note=True,  # the citizen's page says why it is paused
        form06=Form06.NOTE,
        form06_note="Tạm dừng",
    ),
    _rule(
        A.RESUME,
        {S.SUSPENDED},
        S.IN_PROGRESS,
        Clock.RESUMES,
        takers=_STEP,
        service="dossier_resume",
        desk_button=True,
        public_label=_("Tiếp tục giải quyết"),
        form06=Form06.NOTE,
        form06_note="Tiếp tục",
    ),
    _rule(
        A.STOP,
        {S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED, S.SUSPENDED},
        S.STOPPED,
        Clock.ENDS,
        takers=_STEP,
        service="dossier_stop",
        desk_button=True,
        public_label=_("Dừng giải quyết"),
        public_note=True,
        applicant_notice="stopped",
        guard=Guard.NO_RESULT_ISSUED,
    ),
    _rule(
        A.APOLOGIZE,
        _PAUSED_OR_ACTIVE,
        SAME,
        takers=_STEP,
        service="dossier_apologize",
        desk_button=True,
        public_label=_("Thông báo hẹn lại ngày trả kết quả"),
        applicant_notice="apology",
    ),
    # Answers, the citizen's own actions, the result's return and administration.
    _rule(
        A.ANSWER_CONSULTATION,
        {S.IN_PROGRESS},
        SAME,
        takers={T.CONSULTED},
        service="consultation_answer",
        desk_button=True,
        form06=Form06.NOTE,
        form06_note="Có ý kiến",
    ),
    _rule(
        A.SUPPLEMENT,
        {S.SUPPLEMENT_REQUESTED},
        BACK,
        Clock.RESUMES,
        takers={T.CITIZEN, T.RECEPTION},
        service="dossier_supplement",
        desk_button=True,
        public_label=_("Đã bổ sung hồ sơ"),
        form06=Form06.NOTE,
        form06_note="Đã bổ sung",
    ),
    _rule(
        A.WITHDRAW,
        _OPEN_NOT_READY,
        S.WITHDRAWN,
        Clock.ENDS,
        takers={T.CITIZEN, T.RECEPTION},
        service="dossier_withdraw",
        desk_button=True,
        public_label=_("Rút hồ sơ"),
        public_note=True,
    ),
    _rule(
        A.RETURN_RESULT,
        {S.RESULT_READY},
        S.RETURNED,
        takers={T.RECEPTION},
        service="dossier_return_result",
        desk_button=True,
        public_label=_("Đã trả kết quả"),
        # The citizen is told how the result went out (by post: carrier, tracking number, date).
        applicant_notice="returned",
    ),
    # Fees (Nghị định 118/2025 on the one-stop shop: the fee is paid when the dossier is received
    # or before the result is returned). Online payments are the payment providers' (a plain
    # UPDATE of the paid flags by ``integrations/services.py``); a payment taken at the counter
    # and an exemption are audited events of the dossier, each with who recorded it.
    _rule(
        A.RECORD_PAYMENT,
        _OPEN_NOT_READY | {S.RESULT_READY},
        SAME,
        takers={T.RECEPTION},
        service="dossier_record_payment",
        desk_button=True,
        public_label=_("Đã nộp phí, lệ phí tại bộ phận một cửa"),
    ),
    _rule(
        A.WAIVE_FEE,
        _OPEN_NOT_READY | {S.RESULT_READY},
        SAME,
        takers={T.RECEPTION},
        service="dossier_waive_fee",
        desk_button=True,
        public_label=_("Được miễn phí, lệ phí"),
        public_note=True,
    ),
    _rule(
        A.CLOSE_TRAINING,
        _OPEN_NOT_READY | {S.RESULT_READY},
        S.STOPPED,
        Clock.ENDS,
        takers={T.ADMINISTRATOR},
        service="dossiers_close_training",
    ),
    _rule(
        A.SET_DELIVERY,
        _OPEN_NOT_READY | {S.RESULT_READY},
        SAME,
        takers={T.CITIZEN, T.RECEPTION},
        service="dossier_set_delivery",
    ),
    _rule(
        A.LINK_ACCOUNT,
        _OPEN_NOT_READY | {S.RESULT_READY},
        SAME,
        takers={T.CITIZEN},
        service="dossier_link_account",
    ),
    # Written by the deadline recomputation after a calendar change (a batch job, never an
    # officer): the state is kept, the event records the old and new due moments for the log and
    # the citizen, who is told the new appointment date.
    _rule(
        A.RECALCULATE,
        _OPEN_NOT_READY,
        SAME,
        takers={T.ADMINISTRATOR},
        service="dossier_due_moves_apply",
        public_label=_("Điều chỉnh ngày hẹn theo lịch làm việc"),
        public_note=True,
        applicant_notice="appointment_changed",
    ),
    # Written by a unit reorganisation (merger, split, closure: NĐ 140/2025/NĐ-CP Điều 32) or the
    # one-by-one assignment of a closed unit's dossiers: the state and every due moment are kept;
    # the current unit and the open step's unit change, the event names both units and the
    # reorganisation. A batch job or a site administrator, never an officer of a step.
    _rule(
        A.REHOME,
        _OPEN_NOT_READY | {S.RESULT_READY},
        SAME,
        takers={T.ADMINISTRATOR},
        service="dossiers_rehome",
        public_label=_("Chuyển đơn vị giải quyết do sắp xếp đơn vị hành chính"),
    ),
    # A carrier's tracking update of a result sent by post (a delivery connector such as the
    # postal plugin takes it on behalf of the officer who sent the shipment): the state is kept,
    # the event is the citizen's timeline entry with the carrier's status.
    _rule(
        A.RECORD_SHIPMENT,
        {S.RESULT_READY, S.RETURNED},
        SAME,
        takers={T.RECEPTION},
        service="dossier_shipment_record",
        public_label=_("Cập nhật tình trạng chuyển phát kết quả"),
        public_note=True,
    ),
    # Written by the legacy import (``dossiers/legacy/``, a declared bulk writer like the
    # recomputation): the birth of a dossier another system handled, in the state it recorded.
    _rule(
        A.IMPORT,
        set(),
        GIVEN,
        takers={T.ADMINISTRATOR},
        service="dossiers_import",
    ),
)

#: The declarations, keyed by action, in declaration order.
LIFECYCLE: dict[Action, ActionRule] = {r.action: r for r in _RULES}


def lifecycle_problems(rules=None, actions=Action) -> list[str]:
    """Return what is wrong with the declarations themselves (empty when sound).

    Every action of the vocabulary has exactly one declaration; targets are states, ``SAME`` or
    ``BACK``; a step may only offer actions a step officer takes; e-mails use known placeholders.
    """
    rules = list(_RULES if rules is None else rules)
    problems = []
    declared = [str(r.action) for r in rules]
    for value in {str(a) for a in actions} - set(declared):
        problems.append(f"action {value!r} has no lifecycle declaration")
    for value in set(declared) - {str(a) for a in actions}:
        problems.append(f"action {value!r} is declared but not in the Action vocabulary")
    for value in {v for v in declared if declared.count(v) > 1}:
        problems.append(f"action {value!r} is declared more than once")
    for r in rules:
        if r.target not in (*Status.values, SAME, BACK, GIVEN):
            problems.append(f"action {r.action!r}: unknown target {r.target!r}")
        if r.step_may_offer and Taker.STEP not in r.takers:
            problems.append(f"action {r.action!r}: a step offers it but no step officer takes it")
        if r.target == GIVEN and r.sources:
            problems.append(f"action {r.action!r}: only a creation takes the state given")
        if (r.form06 == Form06.NOTE) != bool(r.form06_note):
            problems.append(f"action {r.action!r}: form 06 note and its text go together")
    return problems


@dataclass(frozen=True)
class Consumer:
    """Something built per action that cannot be derived (a form, a function): see below."""

    name: str
    provided: object  # () -> the action values it has an entry for
    wanted: object  # (ActionRule) -> whether the action needs an entry


_consumers: dict[str, Consumer] = {}


def register_consumer(name: str, *, provided, wanted) -> None:
    """Register a table keyed by action so the system check compares it with the declarations.

    Called from an ``AppConfig.ready()`` (explicit registration, no signals): ``provided()``
    returns the action values the table has; ``wanted(rule)`` says whether a rule needs one.
    """
    _consumers[name] = Consumer(name, provided, wanted)


def consumer_problems(rules=None) -> list[str]:
    """Return, for every registered consumer, the actions it lacks and the ones it has in excess."""
    rules = list(_RULES if rules is None else rules)
    problems = []
    for consumer in _consumers.values():
        provided = {str(a) for a in consumer.provided()}
        wanted = {str(r.action) for r in rules if consumer.wanted(r)}
        for value in sorted(wanted - provided):
            problems.append(f"action {value!r} has no entry in {consumer.name}")
        for value in sorted(provided - wanted):
            problems.append(f"{consumer.name} has an entry for {value!r}, not declared for it")
    return problems


def actions_where(**wanted) -> tuple[Action, ...]:
    """Return the actions whose declaration has the given attribute values, in table order.

    ``actions_where(step_may_offer=True)``, ``actions_where(form06=Form06.HANDOVER)`` …
    """
    return tuple(
        r.action for r in _RULES if all(getattr(r, name) == value for name, value in wanted.items())
    )


#: Actions a workflow step may offer, in table order (the workflow editor's checkboxes).
STEP_ACTIONS: tuple[Action, ...] = actions_where(step_may_offer=True)
#: Actions only a reception officer takes, and creation (rule 1 of ``dossiers/permissions.py``).
RECEPTION_ACTIONS = frozenset(
    r.action for r in _RULES if r.takers == {Taker.RECEPTION} or not r.sources
)
#: Actions the applicant takes on their own dossier, or the counter on their behalf (rule 4).
CITIZEN_ACTIONS = frozenset(
    r.action for r in _RULES if r.sources and r.takers == {Taker.CITIZEN, Taker.RECEPTION}
)


def lifecycle_table_markdown() -> str:
    """Return the declarations as the Markdown table of ``docs/architecture.md`` (one row each).

    ``manage.py lifecycle_table`` prints it; a test keeps the document equal to it.
    """
    targets = {SAME: "(same)", BACK: "(state before the pause)", GIVEN: "(as the file records)"}
    lines = [
        "| action | from | to | clock | taken by | step may offer | desk button | citizen sees "
        "| form 06 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in _RULES:
        sources = ", ".join(str(s) for s in Status if s in r.sources) or "(new dossier)"
        target = targets.get(r.target, r.target)
        if r.online_target:
            target = f"{target}; online: {r.online_target}"
        takers = ", ".join(sorted(str(t) for t in r.takers))
        seen = "yes" if r.public_label is not None else ""
        if r.public_note:
            seen += ", with the reason"
        if r.applicant_notice is not None:
            seen += f", notice “{r.applicant_notice}”"
        form06 = {Form06.NO: "", Form06.HANDOVER: "hand-over row"}.get(
            r.form06, f"note “{r.form06_note}”"
        )
        lines.append(
            f"| `{r.action}` | {sources} | {target} | {r.clock} | {takers} "
            f"| {'yes' if r.step_may_offer else ''} | {'yes' if r.desk_button else ''} "
            f"| {seen.lstrip(', ')} | {form06} |"
        )
    return "\n".join(lines)
