"""Digests, draft form 04 and the training reminder; the citizen's notices once per channel."""

import pytest
from django.conf import settings
from django.core import mail

from motcua.dossiers import services
from motcua.jobs.sweep import due_sweep
from motcua.notifications.digests import leader_digests, officer_digests, training_reminders
from motcua.notifications.models import ApologyDraft, Notification
from motcua.notifications.services import notifications_deliver_due
from tests.dossiers.conftest import at
from tests.notifications.conftest import act, receive

pytestmark = pytest.mark.django_db


def test_officer_and_leader_digests_once_a_working_day(world, received, ladder):
    act(at(2025, 4, 29, 17, 30), due_sweep)  # overdue since Tue 29/4 17:00
    assert act(at(2025, 5, 1, 7, 35), officer_digests) == 0  # 1/5 is a holiday
    assert act(at(2025, 5, 2, 7, 35), officer_digests) == 2  # desk + e-mail
    assert act(at(2025, 5, 2, 7, 40), officer_digests) == 0  # the same day: nothing again
    digest = Notification.objects.get(event="digest_officer", channel="desk")
    assert digest.recipient == world.users.spec1
    assert "Quá hạn: 1" in digest.body and received.code in digest.body

    assert act(at(2025, 5, 2, 7, 35), leader_digests) == 4  # district and city leaders
    leader = Notification.objects.get(
        event="digest_leader", channel="desk", recipient=world.users.leader
    )
    assert "Lê Minh Tuấn: 1" in leader.body or "Tuấn" in leader.body
    assert received.code in leader.body


def test_an_overdue_dossier_gets_one_draft_apology_completed_by_the_apology(
    world, received, ladder
):
    act(at(2025, 4, 29, 17, 30), due_sweep)  # only step 1 is late: no apology yet
    assert not ApologyDraft.objects.exists()
    # 15 working days after Thu 17/4 (30/4–1/5 off): Mon 12/5 17:00
    assert received.due_at == at(2025, 5, 12, 17, 0)
    act(at(2025, 5, 12, 17, 30), due_sweep)
    act(at(2025, 5, 12, 17, 35), due_sweep)
    draft = ApologyDraft.objects.get(dossier=received)
    # 5 working days after Mon 12/5: Mon 19/5 17:00
    assert draft.proposed_due_at == at(2025, 5, 19, 17, 0)
    note = Notification.objects.get(event="apology_draft")
    assert note.recipient == world.users.spec1 and note.link.endswith("/act/apologize/")
    act(
        at(2025, 5, 13, 9, 0),
        services.dossier_apologize,
        dossier=received,
        user=world.users.spec1,
        new_due_at=draft.proposed_due_at,
        reason="Chờ ý kiến Sở Xây dựng",
    )
    draft.refresh_from_db()
    assert draft.completed_at == at(2025, 5, 13, 9, 0)


def test_training_dossiers_open_too_long_are_reminded_to_the_administrators(
    world, applicant, documents
):
    receive(world, applicant, documents, at(2025, 3, 3, 9, 0), is_training=True)
    assert act(at(2025, 3, 20, 8, 0), training_reminders) == 0  # not 30 days old yet
    assert act(at(2025, 4, 3, 8, 0), training_reminders) == 2  # the province administrator
    assert act(at(2025, 4, 3, 8, 5), training_reminders) == 0
    note = Notification.objects.get(event="training_reminder", channel="desk")
    assert note.recipient == world.users.admin and "1 hồ sơ tập huấn" in note.subject


def test_the_citizen_is_told_once_per_channel_they_gave(
    world, applicant, documents, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(settings.SITE.extra, "sms_gateway_url", "http://127.0.0.1:9/none")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    notes = Notification.objects.filter(dossier=dossier, for_staff=False)
    assert sorted(notes.values_list("event", "channel", "address")) == [
        ("received", "email", "binh@example.vn"),
        ("received", "sms", "0912345678"),
    ]
    email = notes.get(channel="email")
    assert email.status == "sent" and "17 giờ 00 phút, ngày 24/03/2025" in email.subject
    assert [m.to for m in mail.outbox] == [["binh@example.vn"]]
    notifications_deliver_due()
    assert len(mail.outbox) == 1  # nothing twice

    with django_capture_on_commit_callbacks(execute=True):
        act(
            at(2025, 3, 4, 9, 0),
            services.dossier_request_supplement,
            dossier=dossier,
            user=world.users.spec1,
            items=["Bản vẽ mặt cắt", "Giấy chứng nhận QSDĐ"],
        )
    body = Notification.objects.get(event="supplement_requested", channel="email").body
    assert "- Bản vẽ mặt cắt\n- Giấy chứng nhận QSDĐ" in body


def test_the_backfill_patch_gives_old_open_dossiers_their_due_state(world, received):
    from motcua.dossiers.models import Dossier
    from patches.v0_1.h13_due_state_backfill import execute

    Dossier.objects.filter(pk=received.pk).update(due_state="", watch_due_at=None)
    assert act(at(2025, 4, 29, 17, 30), execute) == "1 open dossiers given their due state"
    row = Dossier.objects.get(pk=received.pk)
    assert (row.due_state, row.watch_due_at) == ("overdue", at(2025, 4, 29, 17, 0))
