"""Notification tests reuse the lifecycle world of tests/dossiers and add a holiday and a ladder.

The calendar: Mon–Fri 07:30–11:30, 13:00–17:00 with 30/4–1/5/2025 off (Reunification Day and
Labour Day). Step 1 of the procedure lasts 8 working days, so a dossier received Thu 17/4/2025
09:00 has its step due Tue 29/4 17:00 (Civil Code 2015 Art. 147: the day of receipt not counted).
"""

from datetime import date

import pytest
import time_machine

from motcua.core import services as calendar_services
from motcua.core.models import Holiday
from motcua.notifications.models import EscalationLevel, EscalationPolicy
from tests.desk.conftest import receive
from tests.dossiers import conftest as lifecycle
from tests.dossiers.conftest import at

__all__ = ["receive"]
world = lifecycle.world
applicant = lifecycle.applicant
documents = lifecycle.documents


@pytest.fixture
def holidays(db):
    row = calendar_services.calendar_ensure()
    Holiday.objects.create(
        calendar=row, start_date=date(2025, 4, 30), end_date=date(2025, 5, 1), name="30/4, 1/5"
    )
    calendar_services.calendar_changed(reason="ngày nghỉ lễ 2025")


@pytest.fixture
def ladder(db, world):
    """Due soon 8 office hours before; the site ladder of three levels."""
    for user in vars(world.users).values():
        user.email = f"{user.username}@haiphong.gov.vn"
        user.save(update_fields=["email"])
    policy = EscalationPolicy.objects.create(due_soon_hours=8)
    return {
        "due_soon": EscalationLevel.objects.create(
            policy=policy, trigger="due_soon", audiences=["assignee"], channels=["desk"]
        ),
        "overdue": EscalationLevel.objects.create(
            policy=policy,
            trigger="overdue",
            audiences=["assignee", "unit_leader"],
            channels=["desk", "email"],
        ),
        "overdue_2": EscalationLevel.objects.create(
            policy=policy,
            trigger="overdue_days",
            overdue_days=2,
            audiences=["parent_leader"],
            channels=["email"],
        ),
    }


def act(moment, func, **kwargs):
    with time_machine.travel(moment, tick=False):
        return func(**kwargs)


@pytest.fixture
def received(world, applicant, documents, holidays, ladder):
    return receive(world, applicant, documents, at(2025, 4, 17, 9, 0))
