"""Return a result by post and follow its tracking — through motcua's public services only.

* :func:`shipment_register`: an officer sends the result of a dossier they can see
  (``dossiers_visible``) whose applicant chose delivery by post. The carrier registers the
  shipment; then, in one transaction, the shipment row and the lifecycle action ``return_result``
  (delivery "post", the tracking number) are written — the dossier is returned through the
  lifecycle's one path, with its rights and audit.
* :func:`shipment_track`: the carrier's new tracking events go into the dossier's timeline as
  ``record_shipment`` events (the lifecycle's one path again), taken on behalf of the officer who
  sent the shipment; each event once (``Shipment.last_event``, under the shipment's row lock).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Delivery
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.services import dossier_return_result, dossier_shipment_record
from motcua.dossiers.states import Status
from motcua_postal.carrier import CarrierClient, CarrierError, postal_config
from motcua_postal.models import Carrier, Shipment, ShipmentStatus

log = logging.getLogger(__name__)

#: Carrier status → the shipment's status (unknown statuses keep it in transit).
FINAL = {"delivered": ShipmentStatus.DELIVERED, "returned": ShipmentStatus.RETURNED}


class PostalError(Exception):
    """A request the officer must correct; the message says what (Vietnamese)."""


def dossiers_awaiting_post(*, user):
    """Result-ready dossiers *user* may see whose applicant chose the post and that are not sent."""
    return (
        dossiers_visible(user=user)
        .filter(status=Status.RESULT_READY, delivery=Delivery.POST, postal_shipment__isnull=True)
        .order_by("due_at", "pk")
    )


def _carrier() -> Carrier:
    code = str(postal_config().get("carrier", "vnpost"))
    carrier = Carrier.objects.filter(code=code).first()
    if carrier is None:
        raise PostalError(
            _("Chưa có đơn vị chuyển phát “%(code)s” (nạp dữ liệu mẫu của tiện ích).")
            % {"code": code}
        )
    return carrier


def shipment_register(*, dossier_id: int, user, client: CarrierClient | None = None) -> Shipment:
    """Register the shipment of the dossier's result with the carrier and return the dossier."""
    dossier = dossiers_visible(user=user).filter(pk=dossier_id).first()
    if dossier is None:
        raise PostalError(_("Không tìm thấy hồ sơ hoặc bạn không có quyền với hồ sơ này."))
    existing = Shipment.objects.filter(dossier=dossier).first()
    if existing is not None:
        return existing  # a double submission sends nothing twice
    if dossier.delivery != Delivery.POST or not dossier.delivery_address:
        raise PostalError(
            _("Người nộp không chọn nhận kết quả qua bưu chính (hoặc thiếu địa chỉ).")
        )
    if dossier.status != Status.RESULT_READY:
        raise PostalError(_("Hồ sơ chưa có kết quả để gửi."))
    carrier = _carrier()
    try:
        tracking = (client or CarrierClient()).shipment_create(
            reference=dossier.code,
            name=dossier.applicant_name,
            phone=dossier.applicant_phone,
            address=dossier.delivery_address,
        )
    except CarrierError as exc:
        raise PostalError(str(exc)) from None
    with transaction.atomic():
        shipment = Shipment.objects.create(
            dossier=dossier,
            carrier=carrier,
            tracking=tracking,
            registered_by=user,
            registered_at=timezone.now(),
        )
        dossier_return_result(
            dossier=dossier.pk,
            user=user,
            delivery=Delivery.POST,
            postal_tracking=tracking,
            postal_carrier=carrier.name,
            postal_sent_on=timezone.localdate(),
        )
    return shipment


def shipment_track(shipment: Shipment, *, client: CarrierClient) -> int:
    """Write the shipment's new tracking events to the timeline; return how many were written."""
    events = client.events(shipment.tracking)
    ids = [e.id for e in events]
    written = 0
    for position, event in enumerate(events):
        with transaction.atomic():
            locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
            done = ids.index(locked.last_event) + 1 if locked.last_event in ids else 0
            if position < done:
                continue  # written before (by this job's earlier run or a concurrent one)
            dossier_shipment_record(
                dossier=locked.dossier_id,
                user=locked.registered_by,
                carrier=locked.carrier.name,
                tracking=locked.tracking,
                status=event.status,
                note=event.text or event.status,
            )
            locked.last_event = event.id
            locked.status = FINAL.get(event.status, ShipmentStatus.IN_TRANSIT)
            locked.last_error = ""
            locked.save(update_fields=["last_event", "status", "last_error"])
            written += 1
    return written


def shipments_track_open(*, batch_size: int = 200, client: CarrierClient | None = None) -> dict:
    """Follow every open shipment (keyset batches over the ``(status, id)`` index)."""
    client = client or CarrierClient()
    counts = {"shipments": 0, "events": 0, "errors": 0}
    last = 0
    while True:
        batch = list(
            Shipment.objects.filter(status__in=ShipmentStatus.open_values(), pk__gt=last)
            .select_related("carrier", "registered_by")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return counts
        for shipment in batch:
            counts["shipments"] += 1
            try:
                counts["events"] += shipment_track(shipment, client=client)
            except Exception as exc:  # one shipment's failure must not stop the others
                counts["errors"] += 1
                log.warning("postal tracking %s failed: %s", shipment.tracking, exc)
                Shipment.objects.filter(pk=shipment.pk).update(last_error=str(exc)[:500])
        last = batch[-1].pk
