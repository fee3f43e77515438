"""Store the applicant's phone, ID number and tax code in the normal form of motcua.core.identity.

Rows are read in primary-key batches and only changed rows are written (search text refreshed
with them), so the migration stays linear on a million dossiers.
"""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    from motcua.core.identity import normalize_applicant
    from motcua.core.text import fold

    Dossier = apps.get_model("dossiers", "Dossier")
    fields = ["applicant_phone", "applicant_id_number", "applicant_tax_code"]
    last = 0
    while True:
        rows = list(
            Dossier.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "code", "applicant_name", "search_text", *fields)[:BATCH]
        )
        if not rows:
            return
        last = rows[-1].pk
        changed = []
        for row in rows:
            normal = normalize_applicant({f: getattr(row, f) for f in fields})
            if all(normal[f] == getattr(row, f) for f in fields):
                continue
            for f in fields:
                setattr(row, f, normal[f])
            row.search_text = fold(
                " ".join(
                    [
                        row.code,
                        row.applicant_name,
                        row.applicant_id_number,
                        row.applicant_phone,
                        row.applicant_tax_code,
                    ]
                )
            )[:500]
            changed.append(row)
        if changed:
            Dossier.objects.bulk_update(changed, [*fields, "search_text"])


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_h9b_file_names")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
