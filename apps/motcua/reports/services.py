"""Writes of the reporting side: saved reports and subscriptions."""

from __future__ import annotations

from django.db import transaction

from motcua.reports import builder
from motcua.reports.models import SavedReport


@transaction.atomic
def saved_report_create(*, user, name: str, definition: dict, roles=(), units=()) -> SavedReport:
    """Save a valid *definition* under *name*; raise ``builder.DefinitionError`` otherwise."""
    builder.validate(definition)
    report = SavedReport.objects.create(owner=user, name=name.strip(), definition=definition)
    report.shared_roles.set(roles)
    report.shared_units.set(units)
    return report
