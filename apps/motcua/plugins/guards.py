"""What no plugin may change: the lifecycle's transition table and the scoped dossier selector.

The contract has no hook for either (``contract.FORBIDDEN``); this check catches a plugin that
tries anyway from its own code (patching the tables or the selector at import or in ``ready()``):
start-up stops with one line. A plugin acts on dossiers through the public services of
``motcua.dossiers.services`` (the lifecycle's one path) and reads them through
``dossiers_visible(user)``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


def core_problems() -> list[str]:
    """Return how the running process differs from the core's declarations (empty: intact)."""
    from motcua.core import lifecycle
    from motcua.dossiers import selectors, transitions

    problems = []
    declared = {rule.action: rule for rule in lifecycle._RULES}
    if dict(lifecycle.LIFECYCLE) != declared:
        problems.append("the lifecycle table (motcua.core.lifecycle.LIFECYCLE) was changed")
    derived = {action: (rule.sources, rule.target) for action, rule in declared.items()}
    actual = {action: (t.sources, t.target) for action, t in transitions.TRANSITIONS.items()}
    if actual != derived:
        problems.append("the transition table (motcua.dossiers.transitions) was changed")
    visible = selectors.dossiers_visible
    code = getattr(visible, "__code__", None)
    if getattr(visible, "__module__", "") != selectors.__name__ or (
        code is None or code.co_filename != selectors.__file__
    ):
        problems.append("the scoped selector dossiers_visible was replaced")
    return problems


def check_core_intact() -> None:
    problems = core_problems()
    if problems:
        raise ImproperlyConfigured("a plugin changed the core: " + "; ".join(problems))
