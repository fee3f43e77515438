"""The less-travelled flows (transfer, fees, post, the citizen's page, form 03, delegation): the
shared world of :mod:`tests.builders` (fixtures in tests/conftest.py) and a few helpers."""

from __future__ import annotations

import time_machine

from motcua.dossiers import services
from tests.builders import at


def act(moment, func, **kwargs):
    """Call a service at a frozen *moment* (a tuple for :func:`tests.builders.at`)."""
    with time_machine.travel(at(*moment), tick=False):
        return func(**kwargs)


def receive(world, applicant, documents, moment=(2025, 3, 3, 9, 0), **kwargs):
    """A building-permit dossier received at the Hồng Bàng counter (step 1 with chuyenvien1)."""
    kwargs.setdefault("procedure", world.procedure)
    kwargs.setdefault("unit", world.units.d)
    kwargs.setdefault("user", world.users.reception)
    return act(moment, services.dossier_receive, applicant=applicant, documents=documents, **kwargs)


def to_result(world, dossier, moment=(2025, 3, 10, 9, 0)):
    """Take a received dossier through its three steps to an issued result."""
    from datetime import date

    u = world.users
    d = act(moment, services.dossier_forward, dossier=dossier, user=u.spec1, assignee=u.spec2)
    d = act(moment, services.consultation_answer, dossier=d, user=u.sxd_spec, answer="Đồng ý.")
    d = act(moment, services.dossier_forward, dossier=d, user=u.spec2, assignee=u.leader)
    return act(
        moment,
        services.dossier_issue_result,
        dossier=d,
        user=u.leader,
        result_number="125/GPXD",
        result_date=date(*moment[:3]),
    )
