"""The desk's action buttons: for each lifecycle action, its form and the one service it calls.

Which buttons a person sees comes from ``dossier_available_actions`` (the permission rules); this
table only says how to ask for the action's input and which service carries it out. Actions with no
entry here (receive, start, close training) are not offered on the dossier page: receiving has its
own counter page, ``start`` happens inside receive/accept, and closing training dossiers is a batch
job for administrators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from motcua.desk import forms
from motcua.dossiers import services
from motcua.dossiers.states import Action


@dataclass(frozen=True)
class DeskAction:
    action: Action
    form_class: type[forms.ActionForm]
    service: Callable  # a lifecycle service: (*, dossier, user, expected_version, **input)
    variant: str = "default"  # unfold button variant: primary | default | danger

    @property
    def label(self) -> str:
        return self.action.label

    def perform(self, *, dossier, user, form: forms.ActionForm):
        """Call the service with the version the officer saw and the form's input."""
        return self.service(
            dossier=dossier,
            user=user,
            expected_version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )


_TABLE = [
    DeskAction(Action.ACCEPT, forms.NoteForm, services.dossier_accept, "primary"),
    DeskAction(Action.REFUSE_INTAKE, forms.ReasonForm, services.dossier_refuse_intake, "danger"),
    DeskAction(Action.FORWARD, forms.ForwardForm, services.dossier_forward, "primary"),
    DeskAction(Action.APPROVE, forms.ForwardForm, services.dossier_approve, "primary"),
    DeskAction(Action.RETURN_PREVIOUS, forms.ReasonForm, services.dossier_return_previous),
    DeskAction(Action.CONSULT, forms.ConsultForm, services.dossier_consult),
    DeskAction(
        Action.ANSWER_CONSULTATION, forms.AnswerForm, services.consultation_answer, "primary"
    ),
    DeskAction(
        Action.ISSUE_RESULT, forms.IssueResultForm, services.dossier_issue_result, "primary"
    ),
    DeskAction(Action.TRANSFER, forms.TransferForm, services.dossier_transfer),
    DeskAction(
        Action.REQUEST_SUPPLEMENT, forms.SupplementRequestForm, services.dossier_request_supplement
    ),
    DeskAction(Action.SUPPLEMENT, forms.SupplementForm, services.dossier_supplement, "primary"),
    DeskAction(Action.SUSPEND, forms.ReasonForm, services.dossier_suspend),
    DeskAction(Action.RESUME, forms.NoteForm, services.dossier_resume, "primary"),
    DeskAction(Action.REFUSE, forms.ReasonForm, services.dossier_refuse, "danger"),
    DeskAction(Action.STOP, forms.ReasonForm, services.dossier_stop, "danger"),
    DeskAction(Action.WITHDRAW, forms.ReasonForm, services.dossier_withdraw, "danger"),
    DeskAction(Action.APOLOGIZE, forms.ApologyForm, services.dossier_apologize),
    DeskAction(
        Action.RETURN_RESULT, forms.ReturnResultForm, services.dossier_return_result, "primary"
    ),
]

DESK_ACTIONS: dict[str, DeskAction] = {a.action.value: a for a in _TABLE}


def action_forms(*, dossier, user, available) -> list[tuple[DeskAction, forms.ActionForm]]:
    """Return (action, unbound form) for each available action the desk offers, in table order."""
    wanted = {str(a) for a in available}
    return [
        (a, a.form_class(dossier=dossier, user=user, auto_id=f"id_{a.action.value}_%s"))
        for a in _TABLE
        if a.action.value in wanted
    ]
