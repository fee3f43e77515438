"""The desk's action buttons: for each lifecycle action, its form and the one service it calls.

Which buttons a person sees comes from ``dossier_available_actions`` (the permission rules); this
table only says how to ask for the action's input; the service that carries it out is named by the
action's declaration (``core/lifecycle.py``). Actions declared without ``desk_button`` (receive,
start, close training, delivery choice, account link) are not offered on the dossier page:
receiving has its own counter page, ``start`` happens inside receive/accept, closing training
dossiers is a batch job for administrators, and the last two are the citizen's, on the portal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from motcua.core.lifecycle import LIFECYCLE
from motcua.desk import forms
from motcua.dossiers import services
from motcua.dossiers.states import Action


@dataclass(frozen=True)
class DeskAction:
    """A button of the dossier page: the form asking for the action's input, and its variant.

    The label and the service come from the action's lifecycle declaration.
    """

    action: Action
    form_class: type[forms.ActionForm]
    variant: str = "default"  # unfold button variant: primary | default | danger

    @property
    def label(self) -> str:
        return self.action.label

    @property
    def service(self) -> Callable:
        """The lifecycle service: ``(*, dossier, user, expected_version, **input)``."""
        return getattr(services, LIFECYCLE[self.action].service)

    def perform(self, *, dossier, user, form: forms.ActionForm):
        """Call the service with the version the officer saw and the form's input."""
        return self.service(
            dossier=dossier,
            user=user,
            expected_version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )


A = Action
_TABLE = [
    DeskAction(A.ACCEPT, forms.NoteForm, "primary"),
    DeskAction(A.REFUSE_INTAKE, forms.ReasonForm, "danger"),
    DeskAction(A.FORWARD, forms.ForwardForm, "primary"),
    DeskAction(A.APPROVE, forms.ForwardForm, "primary"),
    DeskAction(A.RETURN_PREVIOUS, forms.ReasonForm),
    DeskAction(A.CONSULT, forms.ConsultForm),
    DeskAction(A.ANSWER_CONSULTATION, forms.AnswerForm, "primary"),
    DeskAction(A.ISSUE_RESULT, forms.IssueResultForm, "primary"),
    DeskAction(A.TRANSFER, forms.TransferForm),
    DeskAction(A.REQUEST_SUPPLEMENT, forms.SupplementRequestForm),
    DeskAction(A.SUPPLEMENT, forms.SupplementForm, "primary"),
    DeskAction(A.SUSPEND, forms.ReasonForm),
    DeskAction(A.RESUME, forms.NoteForm, "primary"),
    DeskAction(A.REFUSE, forms.ReasonForm, "danger"),
    DeskAction(A.STOP, forms.ReasonForm, "danger"),
    DeskAction(A.WITHDRAW, forms.ReasonForm, "danger"),
    DeskAction(A.APOLOGIZE, forms.ApologyForm),
    DeskAction(A.RECORD_PAYMENT, forms.RecordPaymentForm),
    DeskAction(A.WAIVE_FEE, forms.WaiveFeeForm),
    DeskAction(A.RETURN_RESULT, forms.ReturnResultForm, "primary"),
]

#: The desk's dispatch: one entry per action whose declaration has ``desk_button`` (checked by
#: ``motcua.dossiers.checks``).
DESK_ACTIONS: dict[str, DeskAction] = {a.action.value: a for a in _TABLE}


def action_forms(*, dossier, user, available) -> list[tuple[DeskAction, forms.ActionForm]]:
    """Return (action, unbound form) for each available action the desk offers, in table order."""
    wanted = {str(a) for a in available}
    built = [
        (a, a.form_class(dossier=dossier, user=user, auto_id=f"id_{a.action.value}_%s"))
        for a in _TABLE
        if a.action.value in wanted
    ]
    # A form with nothing to choose from (a transfer with no other unit) is not offered.
    return [(a, form) for a, form in built if getattr(form, "offered", True)]
