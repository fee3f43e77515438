"""The roles of docs/architecture.md, Scope exist as groups after migrate, with sensible default permissions."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.db import connection

from motcua.core.roles import Role

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("motcua.units.migrations.0002_roles")


def _perms(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_every_role_is_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    # the unit administrator came later, with its own migration (0003_h11_unit_administrator)
    assert set(roles_migration.ROLES) | {Role.UNIT_ADMINISTRATOR} == set(Role.values)


def test_administrator_may_manage_the_catalogue_and_accounts():
    perms = _perms(Role.ADMINISTRATOR)
    assert {
        "procedures.add_procedure",
        "procedures.change_requireddocument",
        "units.add_unit",
        "units.change_membership",
        "auth.change_group",
        "auth.add_user",
    } <= perms


@pytest.mark.parametrize(
    "role", [Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER, Role.CLERK, Role.SUPERVISOR]
)
def test_desk_roles_view_but_do_not_edit(role):
    perms = _perms(role)
    assert {"units.view_unit", "units.view_membership", "procedures.view_procedure"} <= perms
    assert not any(p.split(".")[1].startswith(("add_", "change_", "delete_")) for p in perms)


def test_citizens_see_the_catalogue_only():
    perms = _perms(Role.CITIZEN)
    assert "procedures.view_procedure" in perms
    assert "units.view_membership" not in perms
    assert "procedures.view_procedureversion" not in perms


def test_the_data_migration_is_idempotent_and_only_adds():
    # given an administrator gave the clerk an extra right in the desk
    from django.contrib.auth.models import Permission

    clerk = Group.objects.get(name=Role.CLERK)
    extra = Permission.objects.get(codename="change_unit")
    clerk.permissions.add(extra)
    # when the migration's function runs again
    schema_editor = type("Editor", (), {"connection": connection})()
    roles_migration.create_roles(global_apps, schema_editor)
    # then no group is duplicated and the desk edit survives
    assert Group.objects.filter(name__in=Role.values).count() == len(Role.values)
    assert {"units.change_unit", "units.view_unit"} <= _perms(Role.CLERK)
