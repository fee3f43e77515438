"""The data migration that stores old rows' identifiers in the normal form of motcua.core.identity."""

import importlib

import pytest
from django.apps import apps

from motcua.dossiers.models import Dossier
from motcua.portal.models import CitizenProfile
from tests.builders import at
from tests.desk.conftest import receive

pytestmark = pytest.mark.django_db


def test_old_dossiers_and_profiles_are_normalised(world, applicant, documents):
    dossier = receive(world, applicant, documents, at(2025, 3, 3, 9, 0))
    Dossier.objects.filter(pk=dossier.pk).update(  # as rows written before the rule
        applicant_phone="+84 912 345 678",
        applicant_id_number="0311 9000 1234",
        applicant_tax_code="0100109106001",
        search_text="old",
    )
    untouched = receive(world, applicant, documents, at(2025, 3, 3, 9, 5))
    profile = CitizenProfile.objects.create(
        user=world.users.citizen, full_name="Bình", phone="84 912.345.678", id_number="c1234567"
    )

    importlib.import_module("motcua.dossiers.migrations.0004_h9b_normalise_identifiers").forwards(
        apps, None
    )
    importlib.import_module(
        "motcua.portal.migrations.0002_h9b_identifiers_and_file_names"
    ).normalise_profiles(apps, None)

    dossier.refresh_from_db()
    assert (dossier.applicant_phone, dossier.applicant_id_number, dossier.applicant_tax_code) == (
        "0912345678",
        "031190001234",
        "0100109106-001",
    )
    assert "0912345678" in dossier.search_text and dossier.code.lower() in dossier.search_text
    assert Dossier.objects.get(pk=untouched.pk).search_text == untouched.search_text
    profile.refresh_from_db()
    assert (profile.phone, profile.id_number) == ("0912345678", "C1234567")
