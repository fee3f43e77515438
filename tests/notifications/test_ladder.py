"""Frozen time across a weekend and a holiday: due states, the ladder, clearing and quiet hours."""

import pytest
from django.core import mail

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.jobs.sweep import due_sweep
from motcua.notifications.models import EscalationFiring, Notification
from motcua.notifications.services import notifications_deliver_due
from tests.dossiers.conftest import at
from tests.notifications.conftest import act

pytestmark = pytest.mark.django_db


def sweep(moment):
    result = act(moment, due_sweep)
    assert not result["skipped"] and result["errors"] == 0
    return result


def state(dossier):
    return Dossier.objects.values_list("due_state", flat=True).get(pk=dossier.pk)


def told(level):
    """(username, channel) pairs told for *level*, in order."""
    return sorted(
        Notification.objects.filter(firing__level=level).values_list(
            "recipient__username", "channel"
        )
    )


def test_the_ladder_fires_each_level_once_at_its_moment(world, received, ladder):
    dossier = received
    assert dossier.watch_due_at == at(2025, 4, 29, 17, 0)
    assert dossier.due_soon_at == at(2025, 4, 28, 17, 0)
    assert state(dossier) == "in_time"

    sweep(at(2025, 4, 28, 16, 0))
    assert state(dossier) == "in_time" and not EscalationFiring.objects.exists()

    # due soon: the assignee is told in the desk, once however often the sweep runs
    sweep(at(2025, 4, 28, 17, 30))
    sweep(at(2025, 4, 28, 17, 35))
    assert state(dossier) == "due_soon"
    assert told(ladder["due_soon"]) == [("chuyenvien1", "desk")]

    # overdue at 17:00 on Tue 29/4: assignee and unit leader, desk and e-mail
    sweep(at(2025, 4, 29, 17, 30))
    sweep(at(2025, 4, 29, 17, 40))
    row = Dossier.objects.get(pk=dossier.pk)
    assert row.due_state == "overdue" and row.overdue_since == at(2025, 4, 29, 17, 0)
    assert told(ladder["overdue"]) == [
        ("chuyenvien1", "desk"),
        ("chuyenvien1", "email"),
        ("lanhdao", "desk"),
        ("lanhdao", "email"),
    ]

    # quiet hours: the e-mails wait through the holiday until 07:30 on Fri 2/5
    held = Notification.objects.filter(channel="email", firing__level=ladder["overdue"])
    assert {n.status for n in held} == {"held"}
    assert {n.next_attempt_at for n in held} == {at(2025, 5, 2, 7, 30)}
    mail.outbox.clear()
    act(at(2025, 5, 1, 10, 0), notifications_deliver_due)
    assert mail.outbox == []
    act(at(2025, 5, 2, 7, 31), notifications_deliver_due)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.users.spec1.email, world.users.leader.email]
    )
    assert all(m.extra_headers["Message-ID"] for m in mail.outbox)

    # 2 working days overdue: Fri 2/5 and, after the weekend, Mon 5/5 17:00
    sweep(at(2025, 5, 3, 12, 0))
    sweep(at(2025, 5, 5, 16, 55))
    assert told(ladder["overdue_2"]) == []
    assert Dossier.objects.get(pk=dossier.pk).overdue_office_hours == 15
    sweep(at(2025, 5, 5, 17, 5))
    sweep(at(2025, 5, 5, 17, 10))
    assert told(ladder["overdue_2"]) == [("lanhdao.tp", "email")]
    assert EscalationFiring.objects.filter(dossier=dossier).count() == 3


def test_an_apology_with_a_new_date_clears_the_levels_and_they_fire_again(world, received, ladder):
    dossier = received
    sweep(at(2025, 4, 28, 17, 30))
    sweep(at(2025, 5, 5, 17, 30))
    assert EscalationFiring.objects.filter(cleared_at=None).count() == 3

    dossier = act(
        at(2025, 5, 6, 9, 0),
        services.dossier_apologize,
        dossier=dossier,
        user=world.users.spec1,
        new_due_at=at(2025, 5, 16, 17, 0),
        reason="Chờ kết quả đo đạc",
    )
    assert state(dossier) == "in_time"
    assert not EscalationFiring.objects.filter(cleared_at=None).exists()

    sweep(at(2025, 5, 15, 16, 0))
    assert EscalationFiring.objects.filter(cleared_at=None).count() == 0
    sweep(at(2025, 5, 15, 17, 30))  # one working day before the new date
    assert state(dossier) == "due_soon"
    assert EscalationFiring.objects.filter(level=ladder["due_soon"]).count() == 2
    assert EscalationFiring.objects.filter(cleared_at=None).count() == 1


def test_a_pause_keeps_the_level_and_the_resume_does_not_fire_it_again(world, received, ladder):
    dossier = received
    sweep(at(2025, 4, 28, 17, 30))
    assert told(ladder["due_soon"]) == [("chuyenvien1", "desk")]
    dossier = act(
        at(2025, 4, 28, 17, 30),
        services.dossier_request_supplement,
        dossier=dossier,
        user=world.users.spec1,
        items=["Bản vẽ mặt cắt"],
    )
    assert state(dossier) == "paused"
    sweep(at(2025, 4, 29, 17, 30))  # paused: the clock is stopped, nothing fires or clears
    assert state(dossier) == "paused"
    assert EscalationFiring.objects.filter(cleared_at=None).count() == 1

    # paused Tue 29/4 and Fri 2/5 07:30–09:00 (9.5 office hours): step due Mon 5/5 09:00
    dossier = act(
        at(2025, 5, 2, 9, 0),
        services.dossier_supplement,
        dossier=dossier,
        user=world.users.reception,
    )
    row = Dossier.objects.get(pk=dossier.pk)
    assert row.watch_due_at == at(2025, 5, 5, 9, 0)
    assert row.due_state == "due_soon"  # the same 8 office hours are left as before the pause
    sweep(at(2025, 5, 2, 10, 45))
    assert told(ladder["due_soon"]) == [("chuyenvien1", "desk")]
    sweep(at(2025, 5, 5, 9, 30))
    assert state(dossier) == "overdue"
    assert len(told(ladder["overdue"])) == 4


def test_a_calendar_change_that_moves_the_deadline_back_clears_the_level(world, received, ladder):
    from datetime import date

    from motcua.core import services as calendar_services
    from motcua.core.models import Holiday

    ladder["due_soon"].policy.__class__.objects.update(due_soon_hours=4)
    dossier = act(
        at(2025, 4, 29, 10, 0), services.dossier_forward, dossier=received, user=world.users.spec1
    )
    dossier = Dossier.objects.get(pk=received.pk)
    # step 2 (3 working days) from Tue 29/4: due Tue 6/5 17:00; due soon 4 h before, 13:00
    assert dossier.watch_due_at == at(2025, 5, 6, 17, 0)
    sweep(at(2025, 5, 6, 13, 30))
    assert EscalationFiring.objects.filter(cleared_at=None).count() == 1

    def declare_day_off():
        from django.test import TestCase

        # the recompute job runs on commit (inline here), at the same frozen moment
        with TestCase.captureOnCommitCallbacks(execute=True):
            row = calendar_services.calendar_ensure()
            Holiday.objects.create(calendar=row, start_date=date(2025, 5, 6), name="Nghỉ đột xuất")
            calendar_services.calendar_changed(reason="nghỉ đột xuất")

    act(at(2025, 5, 6, 13, 45), declare_day_off)
    row = Dossier.objects.get(pk=dossier.pk)
    assert row.watch_due_at == at(2025, 5, 7, 17, 0)
    assert row.due_state == "in_time"
    assert not EscalationFiring.objects.filter(cleared_at=None).exists()


def test_the_open_step_crosses_due_soon_and_overdue_across_the_holiday(received):
    """The step's own row (what the step lists and the officer's worklist read) moves with the
    sweep: due soon Mon 28/4 17:00, overdue Tue 29/4 17:00, and its overdue office hours skip
    the holiday 30/4–1/5 and the weekend."""
    from motcua.dossiers.models import DossierStep

    def step():
        return DossierStep.objects.get(pk=received.current_step_id)

    assert (step().due_state, step().due_at) == ("in_time", at(2025, 4, 29, 17, 0))
    sweep(at(2025, 4, 28, 16, 55))
    assert step().due_state == "in_time"
    sweep(at(2025, 4, 28, 17, 5))
    assert (step().due_state, step().due_state_since) == ("due_soon", at(2025, 4, 28, 17, 0))
    sweep(at(2025, 4, 29, 17, 5))
    row = step()
    assert (row.due_state, row.overdue_since, row.overdue_office_hours) == (
        "overdue",
        at(2025, 4, 29, 17, 0),
        0,
    )
    # Fri 2/5 is the first working day after: 8 office hours by its close, 16 by Mon 5/5 17:00
    sweep(at(2025, 5, 2, 17, 5))
    assert step().overdue_office_hours == 8
    sweep(at(2025, 5, 5, 17, 5))
    assert step().overdue_office_hours == 16
