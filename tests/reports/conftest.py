"""A hand-built set of dossiers whose QĐ 766 numbers are computed by hand in the tests.

The lifecycle world of tests/dossiers (Hồng Bàng counter, a 15-working-day building permit with
three steps); default calendar Mon–Fri 07:30–11:30, 13:00–17:00, no holidays in Feb–Apr 2025.
A dossier received at 09:00 on Mon 3/3 is due Mon 24/3 17:00; on Thu 20/3, Thu 10/4 17:00;
on Tue 25/3, Tue 15/4 17:00; on Mon 3/2, Mon 24/2 17:00.

    on_time    received 3/3, result 10/3 10:00 (41 office hours), rated "không hài lòng",
               result file and a scanned document
    paused     received 3/3, supplement asked 4/3 09:00, never supplied
    twice      received 3/3, supplement 4/3–5/3, second request (leader) 7/3–10/3 09:00,
               result 11/3 10:00 (33 office hours after the pauses): late by rule
    withdrawn  received 3/3, withdrawn by the citizen 5/3 10:00
    training   received 3/3 as a training dossier
    next       received 25/3, result 2/4 10:00 (49 office hours)
    overdue    received 3/2, still in progress (due 24/2)
    online     submitted and accepted 20/3 09:00, fee 200 000 paid online
    lechan     received 20/3 09:00 at the Lê Chân counter (another unit)
"""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.db import transaction

from motcua.core.roles import Role
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.portal.models import Rating
from motcua.reports.summaries import summary_refresh
from tests.browser import conftest as browser_fixtures
from tests.desk import conftest as desk_fixtures
from tests.dossiers import conftest as lifecycle
from tests.dossiers.conftest import at
from tests.units.factories import make_membership, make_user

world = lifecycle.world
applicant = lifecycle.applicant
documents = lifecycle.documents
browser = browser_fixtures.browser  # Chromium for test_browser.py (package-scoped there too)
page = browser_fixtures.page
login = desk_fixtures.login  # a client logged in as a user, in Vietnamese

#: The moment the tests judge at: after both periods.
NOW = at(2025, 5, 5, 9, 0)


def act(moment, func, **kwargs):
    with time_machine.travel(moment, tick=False):
        return func(**kwargs)


def _receive(world, applicant, documents, moment, **kw):
    kw.setdefault("unit", world.units.d)
    kw.setdefault("user", world.users.reception)
    kw.setdefault("assignee", world.users.spec1)
    return act(
        moment,
        services.dossier_receive,
        procedure=world.procedure,
        applicant=applicant,
        documents=documents,
        **kw,
    )


def _to_leader(world, dossier, day):
    u = world.users
    dossier = act(
        at(2025, *day, 9, 0),
        services.dossier_forward,
        dossier=dossier,
        user=u.spec1,
        assignee=u.spec2,
    )
    dossier = act(
        at(2025, *day, 9, 30),
        services.consultation_answer,
        dossier=dossier,
        user=u.sxd_spec,
        answer="Thống nhất.",
    )
    return act(at(2025, *day, 10, 0), services.dossier_forward, dossier=dossier, user=u.spec2)


def _result(world, dossier, moment):
    return act(
        moment,
        services.dossier_issue_result,
        dossier=dossier,
        user=world.users.leader,
        result_number="01/GPXD",
        result_date=moment.date(),
    )


@pytest.fixture
def march(world, applicant, documents):
    """Build the dossiers of the module docstring; return them by name."""
    u = world.users
    citizen_applicant = {**applicant, "applicant_user": u.citizen}
    d = SimpleNamespace()

    d.on_time = _receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    d.on_time = _to_leader(world, d.on_time, (3, 6))
    d.on_time = _result(world, d.on_time, at(2025, 3, 10, 10, 0))
    Dossier.objects.filter(pk=d.on_time.pk).update(result_file="results/2025/03/gp.pdf")
    DossierDocument.objects.filter(dossier=d.on_time).update(file="dossiers/2025/03/don.pdf")
    Rating.objects.create(dossier=d.on_time, score=2, comment="Chờ lâu")

    d.paused = _receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    d.paused = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_request_supplement,
        dossier=d.paused,
        user=u.spec1,
        items=["Bản vẽ mặt bằng"],
    )

    d.twice = _receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    d.twice = act(
        at(2025, 3, 4, 9, 0),
        services.dossier_request_supplement,
        dossier=d.twice,
        user=u.spec1,
        items=["Bản vẽ mặt bằng"],
    )
    d.twice = act(
        at(2025, 3, 5, 9, 0), services.dossier_supplement, dossier=d.twice, user=u.reception
    )
    d.twice = _to_leader(world, d.twice, (3, 6))
    d.twice = act(
        at(2025, 3, 7, 9, 0),
        services.dossier_request_supplement,
        dossier=d.twice,
        user=u.leader,
        items=["Bản vẽ mặt cắt"],
        override=True,
    )
    d.twice = act(
        at(2025, 3, 10, 9, 0), services.dossier_supplement, dossier=d.twice, user=u.reception
    )
    d.twice = _result(world, d.twice, at(2025, 3, 11, 10, 0))

    d.withdrawn = _receive(world, citizen_applicant, documents, at(2025, 3, 3, 9, 0))
    d.withdrawn = act(
        at(2025, 3, 5, 10, 0),
        services.dossier_withdraw,
        dossier=d.withdrawn,
        user=u.citizen,
        reason="Không còn nhu cầu",
    )

    d.training = _receive(world, applicant, documents, at(2025, 3, 3, 9, 0), is_training=True)

    d.next = _receive(world, applicant, documents, at(2025, 3, 25, 9, 0))
    d.next = _to_leader(world, d.next, (3, 26))
    d.next = _result(world, d.next, at(2025, 4, 2, 10, 0))

    d.overdue = _receive(world, applicant, documents, at(2025, 2, 3, 9, 0))

    d.online = act(
        at(2025, 3, 20, 8, 0),
        services.dossier_submit_online,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=citizen_applicant,
        user=u.citizen,
    )
    d.online = act(
        at(2025, 3, 20, 9, 0),
        services.dossier_accept,
        dossier=d.online,
        user=u.reception,
        assignee=u.spec1,
    )
    Dossier.objects.filter(pk=d.online.pk).update(fee_total=200000, is_paid=True, paid_online=True)

    lechan_counter = make_user("motcua.lechan")
    make_membership(lechan_counter, world.units.d2, Role.RECEPTION_OFFICER)
    d.lechan = _receive(
        world,
        applicant,
        documents,
        at(2025, 3, 20, 9, 0),
        unit=world.units.d2,
        user=lechan_counter,
        assignee=u.other_spec,
    )
    # The result file, the scanned document, the rating and the fee above were written directly;
    # their own services refresh the monthly summaries in the same transaction: do as they do.
    # (in a transaction of its own: the browser test's database is not wrapped in one)
    with transaction.atomic():
        act(at(2025, 3, 20, 10, 0), summary_refresh, dossier_ids=[d.on_time.pk, d.online.pk])
    for name in vars(d):
        getattr(d, name).refresh_from_db()
    return d


MARCH = (date(2025, 3, 1), date(2025, 3, 31))
APRIL = (date(2025, 4, 1), date(2025, 4, 30))


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("tonghop", "tonghop@example.vn", "x")


@pytest.fixture
def late_step(world, march):
    """The set, and the February dossier's first step (due Thu 13/2 17:00) finished on Wed 12/3
    09:00 by spec1 (forwarded to spec2): a late step of spec1 in March. The dossier stays open
    and overdue, so no dossier count changes. The due sweep then rolls the ended months."""
    from motcua.reports.summaries import summaries_roll

    u = world.users
    march.overdue = act(
        at(2025, 3, 12, 9, 0),
        services.dossier_forward,
        dossier=march.overdue,
        user=u.spec1,
        assignee=u.spec2,
    )
    with time_machine.travel(NOW, tick=False):
        summaries_roll()
    return march
