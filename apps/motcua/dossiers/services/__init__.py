"""The dossier lifecycle services: every state change goes through the one transition path.

``engine`` holds the path (``_perform`` for a change, ``_perform_create`` for a birth); the
modules below say what changes for each action, by sub-flow:

* ``reception`` – counter receipt, online submission, intake (accept, refuse);
* ``processing`` – forward, approve, return, consult, answer, issue the result, transfer;
* ``pauses`` – supplement request and supplement, suspend and resume (the clock stops);
* ``endings`` – refuse, stop, withdraw, apologize, return the result, close training dossiers;
* ``fees`` – a payment at the counter, an exemption, the fee rule before the return;
* ``applicant`` – delivery choice and account link (no state change, audited all the same);

and by concern: ``codes`` (dossier codes), ``deadlines`` (due moments), ``steps`` (opening and
closing workflow steps, automatic assignment). Import the public names from this package:
``from motcua.dossiers.services import dossier_forward``.
"""

from motcua.dossiers.legacy.writer import dossiers_import
from motcua.dossiers.permissions import ActionForbidden
from motcua.dossiers.recalculation import dossier_due_moves_apply
from motcua.dossiers.rehoming import dossiers_rehome
from motcua.dossiers.services.applicant import dossier_link_account, dossier_set_delivery
from motcua.dossiers.services.codes import _next_code
from motcua.dossiers.services.deadlines import dossier_recompute_deadlines
from motcua.dossiers.services.endings import (
    dossier_apologize,
    dossier_refuse,
    dossier_return_result,
    dossier_shipment_record,
    dossier_stop,
    dossier_withdraw,
    dossiers_close_training,
    training_close_request,
)
from motcua.dossiers.services.engine import (
    DossierConflict,
    DossierError,
    _perform,
    _perform_create,
)
from motcua.dossiers.services.fees import dossier_record_payment, dossier_waive_fee
from motcua.dossiers.services.pauses import (
    dossier_request_supplement,
    dossier_resume,
    dossier_supplement,
    dossier_suspend,
)
from motcua.dossiers.services.processing import (
    consultation_answer,
    dossier_approve,
    dossier_consult,
    dossier_forward,
    dossier_issue_result,
    dossier_return_previous,
    dossier_transfer,
)
from motcua.dossiers.services.reception import (
    dossier_accept,
    dossier_receive,
    dossier_refuse_intake,
    dossier_submit_online,
)
from motcua.dossiers.services.steps import _auto_assignee, _start_step

__all__ = [
    "dossier_due_moves_apply",
    "ActionForbidden",
    "DossierConflict",
    "DossierError",
    "_auto_assignee",
    "_next_code",
    "_perform",
    "_perform_create",
    "_start_step",
    "consultation_answer",
    "dossier_accept",
    "dossier_apologize",
    "dossier_approve",
    "dossier_consult",
    "dossier_forward",
    "dossier_issue_result",
    "dossier_link_account",
    "dossier_receive",
    "dossier_record_payment",
    "dossier_recompute_deadlines",
    "dossier_refuse",
    "dossier_refuse_intake",
    "dossier_request_supplement",
    "dossier_resume",
    "dossier_return_previous",
    "dossier_return_result",
    "dossier_shipment_record",
    "dossier_set_delivery",
    "dossier_stop",
    "dossier_submit_online",
    "dossier_supplement",
    "dossier_suspend",
    "dossier_transfer",
    "dossier_waive_fee",
    "dossier_withdraw",
    "dossiers_close_training",
    "training_close_request",
    "dossiers_rehome",
    "dossiers_import",
]
