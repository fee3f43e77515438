"""Multi-row INSERTs of generated rows, one transaction per batch, bypassing the ORM per row.

Columns come from the models' concrete fields, so a column added later with a default is filled
with that default. On MariaDB the driver folds ``executemany`` of an ``INSERT … VALUES`` into
statements of many rows each; foreign-key and unique checks are switched off for the session
while a batch is written (the generator builds consistent rows and unique ids and codes).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction

from motcua.dossiers.loadgen.rows import Batch
from motcua.dossiers.models import (
    Consultation,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierPause,
    DossierStep,
)
from motcua.dossiers.visits import visits_rebuild

#: Tables in the order a batch writes them, with the Batch attribute holding their rows.
TABLES = (
    (Dossier, "dossiers"),
    (DossierStep, "steps"),
    (Consultation, "consultations"),
    (DossierPause, "pauses"),
    (DossierEvent, "events"),
    (DossierDocument, "documents"),
)


class TableWriter:
    def __init__(self, model):
        fields = model._meta.concrete_fields
        qn = connection.ops.quote_name
        self.attnames = [f.attname for f in fields]
        self.defaults = [f.get_db_prep_save(f.get_default(), connection) for f in fields]
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            qn(model._meta.db_table),
            ", ".join(qn(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        self.text_dates = connection.vendor == "sqlite"

    def tuples(self, rows: list[dict]) -> list[tuple]:
        pairs = list(zip(self.attnames, self.defaults, strict=True))
        out = [tuple(row.get(name, default) for name, default in pairs) for row in rows]
        if self.text_dates:
            out = [
                tuple(v.isoformat(" ") if isinstance(v, datetime) else v for v in row)
                for row in out
            ]
        return out


class BatchWriter:
    def __init__(self):
        self.tables = [(TableWriter(model), attr) for model, attr in TABLES]

    def write(self, batch: Batch) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for writer, attr in self.tables:
                rows = getattr(batch, attr)
                if rows:
                    cursor.executemany(writer.sql, writer.tuples(rows))
            if batch.dossiers:  # the units visited besides the receiving one, for the selector
                ids = [row["id"] for row in batch.dossiers]
                visits_rebuild(first=min(ids), last=max(ids))


@contextmanager
def bulk_session():
    """Relax per-row checks on MariaDB for the duration of the load; restore them after."""
    if connection.vendor != "mysql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")
