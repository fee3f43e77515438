"""ISO processing workflows (quy trình nội bộ) configured per procedure in the desk, no code.

Each :class:`WorkflowStep` says who handles the step (a fixed unit, or relative to the dossier's
current unit: itself, its parent, the nearest unit of a level), which roles may act (several), how
long it may take in office time, which actions it offers, an optional routing condition on form
data (a step whose condition fails is skipped: "area > 500 m² goes to the department"), how the
officer is picked, and, for a parallel consultation, which units are asked and how many must
answer (N of M).

The steps are frozen into each procedure version's snapshot (part ``workflow``), so a dossier
follows the workflow it was received under (versioned legal data, ``docs/architecture.md``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core import lifecycle
from motcua.core.timeunits import TimeUnit
from motcua.procedures.fields import TimeUnitField
from motcua.procedures.snapshot import decimal_text


class UnitMode(models.TextChoices):
    RECEIVING = "receiving", _("Đơn vị đang giữ hồ sơ (đơn vị tiếp nhận)")
    PARENT = "parent", _("Đơn vị cấp trên của đơn vị tiếp nhận")
    LEVEL = "level", _("Đơn vị gần nhất thuộc cấp")
    FIXED = "fixed", _("Một đơn vị cố định")


class Assignment(models.TextChoices):
    MANUAL = "manual", _("Người chuyển chọn cán bộ")
    ROUND_ROBIN = "round_robin", _("Lần lượt (xoay vòng)")
    LEAST_LOADED = "least_loaded", _("Cán bộ đang ít hồ sơ nhất")


#: Actions a step may offer, derived from the lifecycle declarations (``core/lifecycle.py``):
#: values are ``Action`` values, in the declarations' order (the order the editor stores them in).
StepAction = models.TextChoices(
    "StepAction", [(a.name, (a.value, a.label)) for a in lifecycle.STEP_ACTIONS]
)


class ConditionOp(models.TextChoices):
    EQ = "==", "="
    NE = "!=", "≠"
    GT = ">", ">"
    GE = ">=", "≥"
    LT = "<", "<"
    LE = "<=", "≤"


#: Office hours in a working day, used only to compare step durations with the processing time.
HOURS_PER_DAY = Decimal(8)


def office_hours_of(amount: Decimal, unit: str) -> Decimal:
    """Return a duration in office hours for comparison (a same-day step counts as one day)."""
    if unit == TimeUnit.WORKING_HOURS:
        return Decimal(amount)
    if unit == TimeUnit.SAME_DAY:
        return HOURS_PER_DAY
    return Decimal(amount) * HOURS_PER_DAY


class WorkflowStep(models.Model):
    procedure = models.ForeignKey(
        "procedures.Procedure", models.CASCADE, related_name="steps", verbose_name=_("thủ tục")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("tên bước"), max_length=200)
    unit_mode = models.CharField(
        _("đơn vị xử lý"), max_length=12, choices=UnitMode.choices, default=UnitMode.RECEIVING
    )
    unit = models.ForeignKey(
        "units.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị cố định"),
    )
    level = models.ForeignKey(
        "units.UnitLevel",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp đơn vị"),
    )
    roles = models.ManyToManyField(
        "auth.Group", related_name="+", verbose_name=_("vai trò được xử lý")
    )
    duration_amount = models.DecimalField(
        _("thời gian xử lý"),
        max_digits=6,
        decimal_places=1,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0), message=_("Thời gian xử lý không được âm."))],
    )
    duration_unit = TimeUnitField(_("đơn vị thời gian"), default=TimeUnit.WORKING_DAYS)
    actions = models.JSONField(_("thao tác được phép"), default=list, blank=True)
    condition_field = models.CharField(_("điều kiện: trường dữ liệu"), max_length=60, blank=True)
    condition_op = models.CharField(
        _("phép so sánh"), max_length=2, choices=ConditionOp.choices, blank=True
    )
    condition_value = models.CharField(_("giá trị"), max_length=100, blank=True)
    assignment = models.CharField(
        _("phân công"), max_length=14, choices=Assignment.choices, default=Assignment.MANUAL
    )
    consult_units = models.ManyToManyField(
        "units.Unit", blank=True, related_name="+", verbose_name=_("đơn vị được xin ý kiến")
    )
    required_answers = models.PositiveSmallIntegerField(
        _("số ý kiến cần có"),
        default=0,
        help_text=_("0 = tất cả các đơn vị được xin ý kiến phải trả lời."),
    )

    class Meta:
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("các bước quy trình")
        ordering = ["procedure", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def clean(self):
        errors = {}
        if self.unit_mode == UnitMode.FIXED and not self.unit_id:
            errors["unit"] = _("Chọn đơn vị cố định cho bước này.")
        if self.unit_mode == UnitMode.LEVEL and not self.level_id:
            errors["level"] = _("Chọn cấp đơn vị cho bước này.")
        condition = [self.condition_field, self.condition_op, self.condition_value]
        if any(condition) and not all(condition):
            errors["condition_field"] = _(
                "Điều kiện cần đủ trường dữ liệu, phép so sánh và giá trị."
            )
        unknown = set(self.actions or []) - set(StepAction.values)
        if unknown:
            errors["actions"] = _("Thao tác không hợp lệ: %(names)s.") % {
                "names": ", ".join(unknown)
            }
        if errors:
            raise ValidationError(errors)

    @property
    def condition(self) -> dict | None:
        if not self.condition_field:
            return None
        return {
            "field": self.condition_field,
            "op": self.condition_op,
            "value": self.condition_value,
        }


def workflow_duration_error(procedure, steps: list[tuple[Decimal, str, bool]]) -> str | None:
    """Return the desk's message when the steps' durations exceed the processing time, else None.

    *steps* is ``[(amount, unit, has_condition)]``; steps on alternative routes (with a condition)
    count only once: the longest of them.
    """
    if procedure.processing_amount is None or not procedure.processing_unit:
        return None
    plain = sum((office_hours_of(a, u) for a, u, cond in steps if not cond), Decimal(0))
    alternatives = [office_hours_of(a, u) for a, u, cond in steps if cond]
    total = plain + (max(alternatives) if alternatives else Decimal(0))
    limit = office_hours_of(procedure.processing_amount, procedure.processing_unit)
    if total > limit:
        return str(
            _(
                "Tổng thời gian các bước (%(total)s giờ làm việc) vượt thời hạn giải quyết của thủ "
                "tục (%(limit)s giờ làm việc)."
            )
            % {"total": f"{total.normalize():f}", "limit": f"{limit.normalize():f}"}
        )
    return None


def workflow_part(procedure) -> list[dict]:
    return [
        {
            "order": step.order,
            "name": step.name,
            "unit_mode": step.unit_mode,
            "unit": step.unit.agency_code if step.unit_id else "",
            "level": step.level.code if step.level_id else "",
            "roles": sorted(step.roles.values_list("name", flat=True)),
            "amount": decimal_text(step.duration_amount, 1),
            "time_unit": str(step.duration_unit),
            "actions": sorted(step.actions or []),
            "condition": step.condition,
            "assignment": step.assignment,
            "consult_units": sorted(step.consult_units.values_list("agency_code", flat=True)),
            "required_answers": step.required_answers,
        }
        for step in procedure.steps.select_related("unit", "level").order_by("order", "pk")
    ]
