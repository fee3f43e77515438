"""Carriers and the shipments of results returned by post.

A shipment is registered once per dossier (the carrier is told the dossier's code as its
reference, so a repeated registration gets the same tracking number back); its tracking events
are written to the dossier's timeline through the lifecycle (``record_shipment``), and
``last_event`` remembers the last one written so each is written once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Carrier(models.Model):
    """A postal carrier (fixture ``postal_carriers.json``); its API address is the site's config."""

    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên đơn vị chuyển phát"), max_length=200)
    tracking_page = models.CharField(
        _("trang tra cứu vận đơn"),
        max_length=300,
        blank=True,
        help_text=_("Địa chỉ trang tra cứu, {tracking} là mã vận đơn."),
    )

    class Meta:
        verbose_name = _("đơn vị chuyển phát")
        verbose_name_plural = _("đơn vị chuyển phát")

    def __str__(self):
        return self.name


class ShipmentStatus(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký gửi")
    IN_TRANSIT = "in_transit", _("Đang chuyển phát")
    DELIVERED = "delivered", _("Đã phát thành công")
    RETURNED = "returned", _("Chuyển hoàn")

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.REGISTERED, cls.IN_TRANSIT]


class Shipment(models.Model):
    dossier = models.OneToOneField(
        "dossiers.Dossier", models.PROTECT, related_name="postal_shipment", verbose_name=_("hồ sơ")
    )
    carrier = models.ForeignKey(Carrier, models.PROTECT, verbose_name=_("đơn vị chuyển phát"))
    tracking = models.CharField(_("mã vận đơn"), max_length=40, unique=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.REGISTERED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, verbose_name=_("cán bộ gửi")
    )
    registered_at = models.DateTimeField(_("thời điểm gửi"))
    last_event = models.CharField(_("sự kiện vận đơn cuối cùng"), max_length=64, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("bưu gửi kết quả")
        verbose_name_plural = _("bưu gửi kết quả")
        # The tracking job reads the open shipments only, in key order.
        indexes = [models.Index(fields=["status", "id"], name="postal_shipment_open")]

    def __str__(self):
        return self.tracking
