"""What the processing engine will refuse at run time, checked when a workflow is saved.

A dossier moves through the steps in order; the engine (``motcua.dossiers.services``) refuses:

* "Chuyển bước tiếp theo" and "Phê duyệt" on the last step (approval moves the dossier on, and
  there is no step after the last one: the result is issued there);
* a step where nothing moves the dossier on: each step but the last needs "Chuyển bước tiếp theo",
  "Phê duyệt" or "Ký, ban hành kết quả", and the last step needs "Ký, ban hành kết quả" (or
  "Chuyển liên thông" to hand it to another agency), else every dossier reaching it is stuck;
* "Tạm dừng" without "Tiếp tục xử lý" on the same step (the clock would stay stopped).

Steps with a routing condition may be skipped, so "last" means the step with the highest order
among the saved steps; a forward from a step whose later steps are all conditional is allowed (the
engine refuses it only when no condition matches, which depends on the dossier's data).
"Trả lại bước trước" on the first step is left to the engine's own message: after a return the
first step may be open again, and the button is simply refused there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.procedures.workflow import StepAction

MOVES_ON = {StepAction.FORWARD, StepAction.APPROVE, StepAction.ISSUE_RESULT}
FINISHES = {StepAction.ISSUE_RESULT, StepAction.TRANSFER}


@dataclass(frozen=True)
class StepDraft:
    """The part of a step the rules read (from the desk form's cleaned data)."""

    order: int
    name: str
    actions: frozenset[str]


def _names(actions) -> str:
    return ", ".join(f"“{StepAction(a).label}”" for a in sorted(actions))


def workflow_errors(steps: list[StepDraft]) -> list[str]:
    """Return one Vietnamese message per configuration the engine would refuse (empty: fine)."""
    if not steps:
        return []
    ordered = sorted(steps, key=lambda s: s.order)
    last = ordered[-1]
    errors = []
    for step in ordered:
        where = _("Bước %(order)s “%(name)s”") % {"order": step.order, "name": step.name}
        if step is last:
            wrong = step.actions & {StepAction.FORWARD, StepAction.APPROVE}
            if wrong:
                errors.append(
                    _(
                        "%(where)s là bước cuối của quy trình nên không thể có %(actions)s "
                        "(không còn bước sau); ở bước cuối hãy chọn “Ký, ban hành kết quả”."
                    )
                    % {"where": where, "actions": _names(wrong)}
                )
            if not step.actions & FINISHES:
                errors.append(
                    _(
                        "%(where)s là bước cuối nhưng không có “Ký, ban hành kết quả” (hoặc "
                        "“Chuyển liên thông”): hồ sơ đến bước này sẽ không kết thúc được."
                    )
                    % {"where": where}
                )
        elif not step.actions & (MOVES_ON | {StepAction.TRANSFER}):
            errors.append(
                _(
                    "%(where)s không có thao tác đưa hồ sơ đi tiếp (“Chuyển bước tiếp theo”, "
                    "“Phê duyệt” hoặc “Ký, ban hành kết quả”)."
                )
                % {"where": where}
            )
        if StepAction.SUSPEND in step.actions and StepAction.RESUME not in step.actions:
            errors.append(
                _(
                    "%(where)s có “Tạm dừng” nhưng không có “Tiếp tục xử lý”: hồ sơ tạm dừng ở "
                    "bước này sẽ không tiếp tục được."
                )
                % {"where": where}
            )
    return errors
