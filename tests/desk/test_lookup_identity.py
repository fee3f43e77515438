"""A dossier received at the counter is found by the portal lookup with the phone typed another
way: both go through motcua.core.identity, and the phone is stored normalised."""

import pytest
import time_machine
from django.test import Client

from motcua.dossiers.models import Dossier
from tests.desk.test_counter import MONDAY, _form

pytestmark = pytest.mark.django_db


def test_a_counter_dossier_received_with_plus_84_is_found_by_the_portal_lookup(world):
    desk = Client()
    desk.force_login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        received = desk.post("/desk/receive/", _form(world, applicant_phone="+84 912 345 678"))
    assert received.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant_phone == "0912345678"  # stored normalised
    assert "0912345678" in dossier.search_text

    visitor = Client()
    found = visitor.post("/tra-cuu/", {"code": dossier.code, "proof": "0912345678"})

    assert found.status_code == 302
    assert found["Location"] == f"/tra-cuu/{dossier.code}/"
    page = visitor.get(found["Location"])
    assert page.status_code == 200 and dossier.code in page.content.decode()
    wrong = Client().post("/tra-cuu/", {"code": dossier.code, "proof": "0912345679"})
    assert wrong.status_code == 200  # the form again, nothing granted
