"""Normalise citizen profiles' phone, ID number and tax code (motcua.core.identity), and copy the
original name and detected type of each portal upload onto the dossier document that stores it.

Both walk their table in primary-key batches and write only what changed.
"""

from django.db import migrations

BATCH = 2000


def _batches(queryset):
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:BATCH])
        if not rows:
            return
        last = rows[-1].pk
        yield rows


def normalise_profiles(apps, schema_editor):
    from motcua.core.identity import normalize_id_number, normalize_phone, normalize_tax_code

    CitizenProfile = apps.get_model("portal", "CitizenProfile")
    rules = {"phone": normalize_phone, "id_number": normalize_id_number, "tax_code": normalize_tax_code}
    for rows in _batches(CitizenProfile.objects.only("pk", *rules)):
        changed = []
        for row in rows:
            new = {f: rule(getattr(row, f)) if getattr(row, f) else "" for f, rule in rules.items()}
            if any(new[f] != getattr(row, f) for f in rules):
                for f, value in new.items():
                    setattr(row, f, value)
                changed.append(row)
        if changed:
            CitizenProfile.objects.bulk_update(changed, list(rules))


def copy_file_names(apps, schema_editor):
    Upload = apps.get_model("portal", "Upload")
    DossierDocument = apps.get_model("dossiers", "DossierDocument")
    uploads = Upload.objects.filter(dossier__isnull=False).only(
        "pk", "file", "original_name", "content_type", "dossier_id"
    )
    for rows in _batches(uploads):
        by_name = {u.file.name: u for u in rows if u.file}
        documents = DossierDocument.objects.filter(
            dossier_id__in={u.dossier_id for u in rows}, file__in=list(by_name), original_name=""
        )
        changed = []
        for document in documents:
            upload = by_name[document.file.name]
            document.original_name = upload.original_name[:255]
            document.content_type = upload.content_type
            changed.append(document)
        if changed:
            DossierDocument.objects.bulk_update(changed, ["original_name", "content_type"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("dossiers", "0003_h9b_file_names"),
    ]

    operations = [
        migrations.RunPython(normalise_profiles, migrations.RunPython.noop),
        migrations.RunPython(copy_file_names, migrations.RunPython.noop),
    ]
