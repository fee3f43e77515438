"""The hand-built set of the calendar recompute tests (one builder for every test module).

Default calendar, Civil Code Art. 147 counting, March 2025 (Mon 3, 10, 17, 24, 31), procedure
1.009994 (15 working days; step 1: 8 working days), received at the Hồng Bàng counter:

* ``open``: received Mon 3/3 09:00 (due Mon 24/3 17:00, step 1 due Thu 13/3 17:00);
* ``resumed``: the same, suspended Tue 4/3 15:00 and resumed Thu 6/3 10:00 (12.5 office hours);
* ``paused``: the same, suspended Tue 4/3 15:00 and still suspended (its resume is not fixed);
* ``finished``: the same, refused Tue 4/3 10:00 (its deadline is kept for the indicators);
* ``submitted``: submitted online Tue 4/3 10:00, not yet received (no clock);

and with ``more``:

* ``second``: received Mon 3/3 09:00 and forwarded to its second step on Tue 4/3 09:00;
* ``late_friday``: received Fri 7/3 16:00 (its first step spans the weekend of 8–9/3).
"""

from types import SimpleNamespace

import time_machine
from django.test import TestCase

from motcua.dossiers import services
from tests.builders import at


def act(moment, func, **kwargs):
    """Do *func* at *moment*; its on-commit work (the recompute job, inline) runs there too."""
    with (
        time_machine.travel(moment, tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        result = func(**kwargs)
    if getattr(result, "run", None) is not None:
        result.run.refresh_from_db()
    return result


def received(world, applicant, documents, moment):
    """A dossier received at the Hồng Bàng counter at *moment*, step 1 given to spec1."""
    return act(
        moment,
        services.dossier_receive,
        user=world.users.reception,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        documents=documents,
        assignee=world.users.spec1,
    )


def suspended(world, dossier):
    """*dossier* suspended by spec1 on Tue 4/3 15:00 (waiting for the tax office)."""
    return act(
        at(2025, 3, 4, 15, 0),
        services.dossier_suspend,
        dossier=dossier,
        user=world.users.spec1,
        reason="Chờ thuế.",
    )


def recompute_set(world, applicant, documents, *, more: bool = False) -> SimpleNamespace:
    """Build the set of the module docstring; return its dossiers by name."""
    u = world.users
    monday = at(2025, 3, 3, 9, 0)
    open_ = received(world, applicant, documents, monday)
    resumed = suspended(world, received(world, applicant, documents, monday))
    resumed = act(at(2025, 3, 6, 10, 0), services.dossier_resume, dossier=resumed, user=u.spec1)
    paused = suspended(world, received(world, applicant, documents, monday))
    finished = received(world, applicant, documents, monday)
    finished = act(
        at(2025, 3, 4, 10, 0),
        services.dossier_refuse,
        dossier=finished,
        user=u.spec1,
        reason="Không đủ điều kiện.",
    )
    submitted = act(
        at(2025, 3, 4, 10, 0),
        services.dossier_submit_online,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
    )
    found = SimpleNamespace(
        open=open_, resumed=resumed, paused=paused, finished=finished, submitted=submitted
    )
    if more:
        second = received(world, applicant, documents, monday)
        found.second = act(
            at(2025, 3, 4, 9, 0),
            services.dossier_forward,
            dossier=second,
            user=second.current_step.assignee,
            assignee=u.spec2,
        )
        found.late_friday = received(world, applicant, documents, at(2025, 3, 7, 16, 0))
    return found
