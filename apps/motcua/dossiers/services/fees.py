"""Fees at the counter: a payment recorded with its receipt, an exemption with its ground, and the
rule that a result is returned only once the fee is settled.

Nghị định 118/2025/NĐ-CP (the one-stop shop) has the fee paid when the dossier is received or
before its result is returned; a procedure whose fee is collected afterwards says so
(``Procedure.fee_before_return`` = no), and the site may turn the rule off for all
(``fee_before_return = false`` in ``site_config.toml``; on by default). The decree's exact article
is not in the texts available to us: the rule is kept as editable data, per procedure and site.

An online payment is the providers' (``integrations/services.py``); these two are the desk's, each
an audited lifecycle event (``record_payment``, ``waive_fee``) naming who recorded it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.formats import money_vnd
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.engine import DossierError, _perform, _require
from motcua.dossiers.states import Action


def fee_before_return(dossier: Dossier) -> bool:
    """Whether *dossier*'s result may only be returned once its fee is paid or waived.

    The procedure version's own setting when it has one, else the site's (default: yes).
    """
    own = (dossier.procedure_version.snapshot.get("procedure") or {}).get("fee_before_return")
    if own is not None:
        return bool(own)
    return bool(settings.SITE.extra.get("fee_before_return", True))


def fee_settled(dossier: Dossier) -> bool:
    """Whether nothing is owed: no fee, paid (online or at the counter) or waived."""
    return not dossier.fee_total or dossier.is_paid or dossier.fee_waived


def fee_check_before_return(dossier: Dossier) -> None:
    """Refuse to return the result of *dossier* while its fee is owed (see the module rule)."""
    if fee_before_return(dossier) and not fee_settled(dossier):
        raise DossierError(
            _(
                "Hồ sơ chưa nộp phí, lệ phí (%(amount)s). Ghi nhận nộp phí tại quầy (số biên lai) "
                "hoặc miễn phí, lệ phí cho người được miễn trước khi trả kết quả."
            )
            % {"amount": money_vnd(dossier.fee_total)}
        )


def _owing(d: Dossier) -> None:
    if not d.fee_total:
        raise DossierError(_("Hồ sơ này không phải nộp phí, lệ phí."))
    if d.is_paid:
        raise DossierError(_("Hồ sơ đã được nộp phí, lệ phí."))
    if d.fee_waived:
        raise DossierError(_("Hồ sơ đã được miễn phí, lệ phí."))


def dossier_record_payment(
    *, dossier, user, receipt_number: str, expected_version=None, note=""
) -> Dossier:
    """Record the fee as paid in cash or by card at the counter, with its receipt number.

    The officer taking the action is the one who took the money (``fee_collected_by``).
    """
    receipt_number = (receipt_number or "").strip()
    _require(receipt_number, _("Cần nhập số biên lai thu phí, lệ phí."))

    def change(d, actor, moment):
        _owing(d)
        d.is_paid, d.paid_online, d.paid_at = True, False, moment
        d.fee_receipt_number, d.fee_collected_by = receipt_number, user
        return {"amount": str(d.fee_total), "receipt_number": receipt_number}

    return _perform(
        dossier=dossier,
        action=Action.RECORD_PAYMENT,
        user=user,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def dossier_waive_fee(*, dossier, user, reason: str, expected_version=None) -> Dossier:
    """Exempt the applicant from the fee, with the ground of the exemption (shown to them)."""
    _require(reason, _("Cần ghi rõ căn cứ miễn phí, lệ phí."))

    def change(d, actor, moment):
        _owing(d)
        d.fee_waived, d.fee_waiver_reason = True, reason.strip()[:300]
        return {"amount": str(d.fee_total)}

    return _perform(
        dossier=dossier,
        action=Action.WAIVE_FEE,
        user=user,
        expected_version=expected_version,
        note=reason,
        change=change,
    )
