"""Prepared querysets (motcua.core.prepared): the same rows, order and values as the ORM, composed
once; shapes a raw query cannot fill are refused when first composed."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.prepared import Prepared
from motcua.dossiers import services as lifecycle
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent
from tests.builders import at

pytestmark = pytest.mark.django_db

EVENTS = Prepared(
    lambda pk: DossierEvent.objects.filter(dossier_id=pk).order_by("created_at", "id"),
    markers=(-1,),
)


@pytest.fixture
def two_dossiers(world, applicant, documents):
    received = []
    for day in (3, 4):
        with time_machine.travel(at(2025, 3, day, 9, 0), tick=False):
            received.append(
                lifecycle.dossier_receive(
                    user=world.users.reception,
                    procedure=world.procedure,
                    unit=world.units.d,
                    applicant=applicant,
                    documents=documents,
                )
            )
    return received


def test_the_rows_are_the_orms_rows(two_dossiers):
    for dossier in two_dossiers:
        orm = list(dossier.events.order_by("created_at", "id"))
        prepared = EVENTS.rows(dossier.pk)
        assert orm and [e.pk for e in prepared] == [e.pk for e in orm]
        for mine, theirs in zip(prepared, orm, strict=True):
            for field in DossierEvent._meta.concrete_fields:
                assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
            assert mine.created_at.tzinfo is not None
    assert EVENTS.rows(-5) == []


def test_the_sql_is_composed_once_and_run_with_each_argument(two_dossiers):
    first, second = two_dossiers
    EVENTS.rows(first.pk)
    with CaptureQueriesContext(connection) as captured:
        EVENTS.rows(second.pk)
    assert len(captured) == 1
    assert str(second.pk) in captured[0]["sql"] and str(first.pk) not in captured[0]["sql"]


def test_constants_stay_and_string_arguments_work(two_dossiers):
    dossier = two_dossiers[0]
    named = Prepared(
        lambda pk, name: DossierDocument.objects.filter(dossier_id=pk, name=name).exclude(file=""),
        markers=(-1, "\x00marker"),
    )
    name = dossier.documents.first().name
    assert [d.pk for d in named.rows(dossier.pk, name)] == list(
        dossier.documents.filter(name=name).exclude(file="").values_list("pk", flat=True)
    )
    assert named.rows(dossier.pk, "không có giấy tờ này") == []


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Dossier.objects.filter(pk=pk).select_related("procedure"),
        lambda pk: Dossier.objects.filter(pk=pk).values("code"),
        lambda pk: Dossier.objects.filter(pk=pk, unit_id=pk),  # the argument used twice
        lambda pk: Dossier.objects.filter(code__startswith=pk),  # the argument changed ("-1%")
    ],
    ids=["select_related", "values", "twice", "transformed"],
)
def test_shapes_a_raw_query_cannot_fill_are_refused(build, world):
    with pytest.raises(ValueError, match="Prepared"):
        Prepared(build, markers=(-1,)).rows(1)


def test_only_leaves_the_other_columns_deferred(two_dossiers):
    dossier = two_dossiers[0]
    codes = Prepared(lambda pk: Dossier.objects.filter(pk=pk).only("pk", "code"), markers=(-1,))
    (row,) = codes.rows(dossier.pk)
    assert row.code == dossier.code
    assert (
        row.get_deferred_fields()
        == Dossier.objects.only("pk", "code").get(pk=dossier.pk).get_deferred_fields()
    )


def test_the_number_of_arguments_is_checked():
    with pytest.raises(TypeError):
        EVENTS.rows()
