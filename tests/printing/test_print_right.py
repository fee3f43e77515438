"""The "print" right (``dossiers.print_dossier``, the role permission page's "In" column): every
print view checks it, and the desk offers only what the officer may print."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from motcua.printing.selectors import dossier_print_links

PRINT_URLS = [
    "/print/dossiers/{pk}/01/",
    "/print/dossiers/{pk}/02/",
    "/print/dossiers/{pk}/03/",
    "/print/dossiers/{pk}/04/",
    "/print/dossiers/{pk}/05/",
    "/print/dossiers/{pk}/06/",
    "/print/dossiers/{pk}/01/?sign=1",  # a signed copy
    "/print/dossiers/{pk}/result/",
    "/print/ledger/",
    "/print/ledger/?unit={unit}&from=01/03/2025&to=31/03/2025",
]


@pytest.fixture
def no_print_right(world):
    """Take the print right away from the reception officers' role."""
    role = Group.objects.get(name="reception_officer")
    role.permissions.remove(Permission.objects.get(codename="print_dossier"))
    return world.users.reception


@pytest.mark.parametrize("template", PRINT_URLS)
def test_every_print_view_refuses_an_officer_without_the_print_right(
    demo, world, client, no_print_right, template
):
    client.force_login(no_print_right)
    target = template.format(pk=demo.full.pk, unit=world.units.d.pk)
    response = client.get(target)
    assert response.status_code == 403
    assert "không có quyền in" in response.content.decode()


def test_the_officer_prints_while_the_role_holds_the_right(demo, world, client, frozen_print):
    client.force_login(world.users.reception)
    assert client.get(f"/print/dossiers/{demo.full.pk}/01/").status_code == 200
    assert client.get("/print/ledger/").status_code == 200


def test_the_print_menu_offers_nothing_without_the_right(demo, world, client, no_print_right):
    assert dossier_print_links(dossier=demo.full, user=no_print_right) == []
    client.force_login(no_print_right)
    page = client.get(f"/desk/dossiers/{demo.full.pk}/").content.decode()
    assert f"/print/dossiers/{demo.full.pk}/01/" not in page
    assert "Chưa có mẫu nào để in." in page


def test_the_ledger_leaves_the_sidebar_without_the_right(demo, world, client, no_print_right):
    client.force_login(world.users.spec1)
    assert 'href="/print/ledger/"' in client.get("/desk/").content.decode()
    client.force_login(no_print_right)
    assert 'href="/print/ledger/"' not in client.get("/desk/").content.decode()
