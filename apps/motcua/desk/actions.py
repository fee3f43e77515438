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
    perform: Callable  # (dossier, user, cleaned_data) -> Dossier
    variant: str = "default"  # unfold button variant: primary | default | danger

    @property
    def label(self) -> str:
        return self.action.label


def _v(data) -> dict:
    return {"expected_version": data["version"]}


def _reason(service):
    return lambda d, u, c: service(dossier=d, user=u, reason=c["reason"], **_v(c))


def _note(service):
    return lambda d, u, c: service(dossier=d, user=u, note=c.get("note", ""), **_v(c))


def _supplement(d, u, c):
    files = {c["document_name"]: c["file"]} if c.get("file") else None
    return services.dossier_supplement(dossier=d, user=u, files=files, note=c["note"], **_v(c))


_TABLE = [
    DeskAction(Action.ACCEPT, forms.NoteForm, _note(services.dossier_accept), "primary"),
    DeskAction(Action.REFUSE_INTAKE, forms.ReasonForm, _reason(services.dossier_refuse_intake),
               "danger"),
    DeskAction(
        Action.FORWARD, forms.ForwardForm,
        lambda d, u, c: services.dossier_forward(
            dossier=d, user=u, assignee=c.get("assignee"), note=c["note"], **_v(c)),
        "primary",
    ),
    DeskAction(
        Action.APPROVE, forms.ForwardForm,
        lambda d, u, c: services.dossier_approve(
            dossier=d, user=u, assignee=c.get("assignee"), note=c["note"], **_v(c)),
        "primary",
    ),
    DeskAction(Action.RETURN_PREVIOUS, forms.ReasonForm,
               _reason(services.dossier_return_previous)),
    DeskAction(
        Action.CONSULT, forms.ConsultForm,
        lambda d, u, c: services.dossier_consult(
            dossier=d, user=u, units=list(c["units"]), required=c["required"], note=c["note"],
            **_v(c)),
    ),
    DeskAction(
        Action.ANSWER_CONSULTATION, forms.AnswerForm,
        lambda d, u, c: services.consultation_answer(dossier=d, user=u, answer=c["answer"],
                                                     **_v(c)),
        "primary",
    ),
    DeskAction(
        Action.ISSUE_RESULT, forms.IssueResultForm,
        lambda d, u, c: services.dossier_issue_result(
            dossier=d, user=u, result_number=c["result_number"], result_date=c["result_date"],
            result_file=c["result_file"], note=c["note"], **_v(c)),
        "primary",
    ),
    DeskAction(
        Action.TRANSFER, forms.TransferForm,
        lambda d, u, c: services.dossier_transfer(dossier=d, user=u, to_unit=c["to_unit"],
                                                  note=c["note"], **_v(c)),
    ),
    DeskAction(
        Action.REQUEST_SUPPLEMENT, forms.SupplementRequestForm,
        lambda d, u, c: services.dossier_request_supplement(
            dossier=d, user=u, items=c["items"], note=c["note"],
            override=bool(c.get("override")), **_v(c)),
    ),
    DeskAction(Action.SUPPLEMENT, forms.SupplementForm, _supplement, "primary"),
    DeskAction(Action.SUSPEND, forms.ReasonForm, _reason(services.dossier_suspend)),
    DeskAction(Action.RESUME, forms.NoteForm, _note(services.dossier_resume), "primary"),
    DeskAction(Action.REFUSE, forms.ReasonForm, _reason(services.dossier_refuse), "danger"),
    DeskAction(Action.STOP, forms.ReasonForm, _reason(services.dossier_stop), "danger"),
    DeskAction(Action.WITHDRAW, forms.ReasonForm, _reason(services.dossier_withdraw), "danger"),
    DeskAction(
        Action.APOLOGIZE, forms.ApologyForm,
        lambda d, u, c: services.dossier_apologize(
            dossier=d, user=u, new_due_at=c["new_due_at"], reason=c["reason"], **_v(c)),
    ),
    DeskAction(
        Action.RETURN_RESULT, forms.ReturnResultForm,
        lambda d, u, c: services.dossier_return_result(
            dossier=d, user=u, delivery=c["delivery"], postal_tracking=c["postal_tracking"],
            note=c["note"], **_v(c)),
        "primary",
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
