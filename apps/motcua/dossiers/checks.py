"""System check: every lifecycle action is declared once and every consumer has its entry.

``manage.py check`` (and so every ``runserver``, ``migrate`` and test run) fails with
``motcua.E001`` when an action of ``core/lifecycle.py`` lacks its service function, when a table
keyed by action (registered with ``lifecycle.register_consumer``, e.g. the desk's buttons) lacks
an entry for it or has one in excess, or when a declaration is itself unsound.
"""

from __future__ import annotations

from django.core import checks

from motcua.core import lifecycle


def service_problems(rules=None) -> list[str]:
    """Return the declared actions whose ``service`` is not a function of the services package."""
    from motcua.dossiers import services

    rules = list(lifecycle.LIFECYCLE.values() if rules is None else rules)
    return [
        f"action {str(r.action)!r}: motcua.dossiers.services has no function {r.service!r}"
        for r in rules
        if not callable(getattr(services, r.service, None))
    ]


def lifecycle_report(rules=None) -> list[str]:
    """Every problem of the declarations *rules* (default: the real ones) and their consumers."""
    return (
        lifecycle.lifecycle_problems(rules)
        + service_problems(rules)
        + lifecycle.consumer_problems(rules)
    )


def check_lifecycle(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(problem, hint="See motcua/core/lifecycle.py.", id="motcua.E001")
        for problem in lifecycle_report()
    ]
