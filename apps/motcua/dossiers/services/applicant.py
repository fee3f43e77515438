"""Facts about the applicant that change no state: how they receive the result, their account.

Each is an audited lifecycle action all the same (``set_delivery``, ``link_account``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.services.engine import DossierError, _perform
from motcua.dossiers.states import Action
from motcua.procedures.models import OnlineLevel


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
        procedure = d.procedure_version.snapshot.get("procedure", {})
        online = procedure.get("online_level") == OnlineLevel.FULL
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
