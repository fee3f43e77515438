"""Reads for payments: who may pay a dossier, and what its payment block shows.

Two kinds of people may pay a dossier's fees online (the portal decides who they are):

* its owner, signed in: a dossier of ``dossiers_visible(user=…)`` whose ``applicant_user`` is them;
* a visitor who looked the dossier up in the portal (code + secret) in this browser session: a
  lookup grant (:mod:`motcua.core.lookup_grants`). That session is the proof, so this one read is
  not scoped by ``dossiers_visible`` (which gives anonymous visitors nothing); it is keyed by both
  the code and the proven id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from motcua.core import lookup_grants
from motcua.core.lifecycle import TERMINAL
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.integrations.models import Payment, PaymentStatus

#: Finished dossiers never offer payment: ended without a result (nothing to pay for) or returned
#: (the fee was settled at the return, or the procedure collects it outside this system).
UNPAYABLE = TERMINAL


def looked_up_dossier_ids(session: Mapping | None) -> frozenset[int]:
    """The dossier ids the visitor looked up in *session* (expired grants ignored)."""
    return lookup_grants.granted_ids(session)


def payer_may_pay(*, dossier: Dossier, user_or_session) -> bool:
    """Whether the signed-in user owns *dossier*, or the session has looked it up."""
    if hasattr(user_or_session, "is_authenticated"):
        return bool(
            user_or_session.is_authenticated and dossier.applicant_user_id == user_or_session.pk
        )
    return dossier.pk in looked_up_dossier_ids(user_or_session)


def dossier_for_payer(*, code: str, user, session: Mapping | None) -> Dossier | None:
    """Return the dossier *code* if this person may pay it (see the module docstring), or None."""
    if user is not None and getattr(user, "is_authenticated", False):
        own = dossiers_visible(user=user).filter(code=code, applicant_user=user).first()
        if own is not None:
            return own
    ids = looked_up_dossier_ids(session)
    if not ids:
        return None
    return Dossier.objects.filter(code=code, pk__in=ids).first()


@dataclass(frozen=True)
class PaymentState:
    """What the dossier's payment block shows."""

    amount: Decimal
    is_paid: bool
    paid_online: bool
    waived: bool
    can_pay: bool
    latest: Payment | None


def payment_state(*, dossier: Dossier, user=None, session: Mapping | None = None) -> PaymentState:
    """Return the payment facts of a dossier the caller already may see.

    ``can_pay`` also needs *user* (the owner) or *session* (a portal lookup) to be allowed to pay:
    an officer looking at the same page sees the facts without the button.
    """
    amount = dossier.fee_total or Decimal(0)
    # Nothing to pay, or paid already: the block shows no transaction (no query); ``latest`` is
    # the transaction whose outcome is still awaited or refused.
    latest = (
        Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id").first()
        if amount > 0 and not dossier.is_paid
        else None
    )
    may_pay = payer_may_pay(dossier=dossier, user_or_session=user) if user is not None else False
    may_pay = may_pay or (
        session is not None and payer_may_pay(dossier=dossier, user_or_session=session)
    )
    can_pay = (
        may_pay
        and not dossier.is_paid
        and not dossier.fee_waived
        and amount > 0
        and dossier.status not in UNPAYABLE
        and not (latest is not None and latest.status == PaymentStatus.PAID)
    )
    return PaymentState(
        amount=amount,
        is_paid=dossier.is_paid,
        paid_online=dossier.paid_online,
        waived=dossier.fee_waived,
        can_pay=can_pay,
        latest=latest,
    )
