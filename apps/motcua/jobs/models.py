"""Records of one-off data patches (Frappe's ``patches.txt`` idea, see ``patches/``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppliedPatch(models.Model):
    """A patch from ``patches/patches.txt`` that has run once; it never runs again."""

    name = models.CharField(_("bản vá"), max_length=200, unique=True)
    applied_at = models.DateTimeField(_("thời điểm chạy"), auto_now_add=True)
    duration_ms = models.PositiveIntegerField(_("thời gian chạy (ms)"), default=0)
    output = models.TextField(_("kết quả"), blank=True)

    class Meta:
        verbose_name = _("bản vá dữ liệu đã chạy")
        verbose_name_plural = _("bản vá dữ liệu đã chạy")
        ordering = ["applied_at", "id"]

    def __str__(self) -> str:
        return self.name
