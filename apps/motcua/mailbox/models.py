"""One row per outgoing message: who it was for, what it said and what became of it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    class Outcome(models.TextChoices):
        KEPT = "kept", _("Chỉ lưu (chưa cấu hình máy chủ thư)")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    from_address = models.CharField(_("người gửi"), max_length=254)
    to = models.TextField(_("người nhận"))
    subject = models.CharField(_("tiêu đề"), max_length=998)
    body = models.TextField(_("nội dung"))
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("thư đã gửi")
        verbose_name_plural = _("thư đã gửi")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject
