"""The checks behind the lifecycle's guards (``core/lifecycle.Guard``): conditions on the dossier
itself, beyond its state, that a declared action requires.

``_record`` (the one transition path) calls :func:`guard_check` before applying an action, and
``dossier_available_actions`` leaves out an action whose guard does not hold, so the desk never
offers a button the service would refuse. A refused guard raises :class:`GuardFailed` with a
Vietnamese message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from motcua.core.lifecycle import LIFECYCLE, Guard
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Action


class GuardFailed(Exception):
    """The dossier does not meet the declared action's guard (message for the officer)."""


def _result_issued(dossier: Dossier) -> str:
    """TT 03/2025/TT-VPCP Điều 7: a stop is notified only "trường hợp chưa có quyết định giải
    quyết thủ tục hành chính hoặc văn bản thông báo kết quả giải quyết thủ tục hành chính".

    A decision or result counts as issued once the dossier holds one (its number, date or file,
    recorded by ``issue_result`` or entered on the dossier), or its history has an
    ``issue_result`` event.
    """
    if dossier.result_number or dossier.result_date or dossier.result_file:
        return _(
            "Hồ sơ đã có quyết định hoặc văn bản thông báo kết quả giải quyết (số %(number)s); "
            "không được dừng giải quyết (TT 03/2025/TT-VPCP Điều 7)."
        ) % {"number": dossier.result_number or "—"}
    if dossier.pk and dossier.events.filter(action=Action.ISSUE_RESULT).exists():
        return _(
            "Hồ sơ đã được ban hành kết quả giải quyết; không được dừng giải quyết "
            "(TT 03/2025/TT-VPCP Điều 7)."
        )
    return ""


#: Each guard's check: the reason it fails ("" when it holds).
CHECKS: dict[Guard, Callable[[Dossier], str]] = {
    Guard.NO_RESULT_ISSUED: _result_issued,
}


def guard_problem(*, dossier: Dossier, action: Action) -> str:
    """Return why *action*'s guard refuses *dossier*, or "" when it holds (or it has none)."""
    guard = LIFECYCLE[action].guard
    return CHECKS[guard](dossier) if guard else ""


def guard_check(*, dossier: Dossier, action: Action) -> None:
    """Raise :class:`GuardFailed` when *action*'s guard refuses *dossier*."""
    problem = guard_problem(dossier=dossier, action=action)
    if problem:
        raise GuardFailed(problem)
