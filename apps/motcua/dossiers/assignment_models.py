"""The maintained assignment state: what the automatic assignment of a step reads instead of
scanning the steps (``dossiers/assignment.py``; rules in docs/architecture.md "Assignment").

Rows change in the transaction that opens, closes, re-assigns or re-homes a step; they are rebuilt
from the steps by ``manage.py assignment_state_rebuild`` and the weekly repair job.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficerLoad(models.Model):
    """How many open steps an officer holds: the least-loaded rule reads this row, not the steps.

    Kept in the transaction that opens, closes or re-assigns a step (``dossiers/assignment.py``);
    rebuilt from the steps by ``manage.py assignment_state_rebuild`` and the weekly repair job.
    """

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, primary_key=True, related_name="+"
    )
    open_steps = models.IntegerField(_("số bước đang xử lý"), default=0)

    class Meta:
        verbose_name = _("khối lượng đang xử lý của cán bộ")
        verbose_name_plural = _("khối lượng đang xử lý của cán bộ")

    def __str__(self) -> str:
        return f"{self.officer_id}: {self.open_steps}"


class AssignmentTurn(models.Model):
    """When an officer was last given a step of one name at one unit: the round robin's order.

    One row per (unit, step name, officer), kept like :class:`OfficerLoad`.
    """

    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+")
    name = models.CharField(_("tên bước"), max_length=200)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    last_assigned_at = models.DateTimeField(_("lần giao gần nhất"))

    class Meta:
        verbose_name = _("lượt giao bước của cán bộ")
        verbose_name_plural = _("lượt giao bước của cán bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name", "officer"], name="assignment_turn_unit_name_officer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.name} {self.officer_id}: {self.last_assigned_at}"


class AssignmentQueue(models.Model):
    """The row locked while a step of one name at one unit is given out automatically.

    Two concurrent picks for the same (unit, step name) queue on this row, so the second reads
    the count or turn the first wrote; ``picks`` counts the automatic assignments made.
    """

    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+")
    name = models.CharField(_("tên bước"), max_length=200)
    picks = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("hàng đợi phân công bước")
        verbose_name_plural = _("hàng đợi phân công bước")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="assignment_queue_unit_name")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.name}: {self.picks}"
