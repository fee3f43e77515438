"""The persisted due state columns shared by :class:`Dossier` and :class:`DossierStep`.

They are written only by :mod:`motcua.dossiers.due_state` (the lifecycle on every change, the
sweep as time passes) and read by the worklist, the desk lists and the admin filters, which thus
never compute urgency row by row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DueState(models.TextChoices):
    """Where an open dossier or step stands against its deadline; blank once it is closed."""

    NONE = "", _("Không theo dõi")
    IN_TIME = "in_time", _("Còn hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    PAUSED = "paused", _("Tạm dừng tính hạn")


class DueTracked(models.Model):
    """Columns of the due state; ``watch_due_at`` is the moment the state is measured against."""

    due_state = models.CharField(
        _("tình trạng hạn"), max_length=10, choices=DueState.choices, blank=True, default=""
    )
    due_state_since = models.DateTimeField(_("vào tình trạng hạn lúc"), null=True, blank=True)
    watch_due_at = models.DateTimeField(_("hạn đang theo dõi"), null=True, blank=True)
    due_soon_at = models.DateTimeField(_("bắt đầu sắp đến hạn"), null=True, blank=True)
    #: Office seconds of ``watch_due_at`` on the site calendar, so "overdue by" is SQL arithmetic.
    due_position = models.BigIntegerField(null=True, blank=True, editable=False)
    overdue_since = models.DateTimeField(_("quá hạn từ"), null=True, blank=True)
    overdue_office_hours = models.PositiveIntegerField(_("số giờ hành chính quá hạn"), default=0)
    #: Office seconds at which the sweep must next look at the row: the "due soon" moment of a
    #: row in time, the deadline of a row due soon, the next whole overdue hour of an overdue
    #: row; :data:`~motcua.dossiers.due_state.NEVER` when nothing will happen, NULL when not yet
    #: computed (the sweep computes it) or not tracked. The sweep reads only rows whose value is
    #: reached, through the index ``(due_state, due_next_position)``.
    due_next_position = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
