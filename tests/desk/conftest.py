"""Desk tests reuse the lifecycle world (units, officers, a 3-step procedure) of tests/builders.py."""

import pytest
import time_machine
from django.test import Client

from motcua.dossiers import services
from tests.builders import at


@pytest.fixture
def login():
    """Return a function giving a test client logged in as a user, in Vietnamese."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = "vi"
        return client

    return make


def receive(world, applicant, documents, when, **kw):
    """Receive a dossier at the Hồng Bàng counter at a frozen moment."""
    with time_machine.travel(when, tick=False):
        return services.dossier_receive(
            user=world.users.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=documents,
            **kw,
        )


@pytest.fixture
def received(world, applicant, documents):
    """A dossier received on Mon 3 March 2025 09:00 (step 1 with chuyenvien1, due 24/3 17:00)."""
    return receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
