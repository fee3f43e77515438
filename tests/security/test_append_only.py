"""Audit records cannot be changed or removed: not by save(), queryset writes, nor a cascade."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.models import PaymentCallback

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(received):
    return received.events.first()


def test_a_dossier_with_history_cannot_be_deleted(event):
    with pytest.raises(ProtectedError):
        Dossier.objects.filter(pk=event.dossier_id).delete()
    assert DossierEvent.objects.filter(pk=event.pk).exists()


def test_an_event_is_never_saved_twice(event):
    event.note = "sửa lịch sử"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


mariadb = pytest.mark.skipif(
    connection.vendor != "mysql", reason="database triggers are MariaDB's (SQLite: Python guard)"
)


@pytest.mark.mariadb
@mariadb
def test_mariadb_refuses_queryset_updates_and_deletes_of_the_history(event):
    for write in (
        lambda: DossierEvent.objects.filter(pk=event.pk).update(note="sửa"),
        lambda: DossierEvent.objects.filter(pk=event.pk).delete(),
        lambda: DossierEvent.objects.bulk_update([event], ["note"]),
    ):
        event.note = "sửa"
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            write()
    event.refresh_from_db()
    assert event.note != "sửa"


@pytest.mark.mariadb
@mariadb
def test_mariadb_refuses_rewriting_the_payment_callback_log(db):
    callback = PaymentCallback.objects.create(provider="vnpay", kind="ipn", verdict="bad_signature")
    with pytest.raises(DatabaseError), transaction.atomic():
        PaymentCallback.objects.filter(pk=callback.pk).update(verdict="confirmed")
    with pytest.raises(DatabaseError), transaction.atomic():
        PaymentCallback.objects.filter(pk=callback.pk).delete()
    assert PaymentCallback.objects.get(pk=callback.pk).verdict == "bad_signature"
