"""One notion of "mandatory" per required document (issue: a document ticked mandatory stayed
optional online unless a second inline was filled).

"Must be uploaded online" is now derived from ``RequiredDocument.is_mandatory``. A document that
the old upload rule required online but that was not ticked mandatory becomes mandatory (the
stricter reading: an online dossier could not be submitted without it). Published versions are
frozen and read the same way (``motcua.portal.snapshot.form_spec``). The rule table is left in
place (additive migration). Idempotent; reversing does nothing.
"""

from django.db import migrations


def fold_rules_into_mandatory(apps, schema_editor):
    using = schema_editor.connection.alias
    FormDocumentRule = apps.get_model("portal", "FormDocumentRule")
    RequiredDocument = apps.get_model("procedures", "RequiredDocument")
    required_online = FormDocumentRule.objects.using(using).filter(upload_required=True)
    RequiredDocument.objects.using(using).filter(
        pk__in=required_online.values("required_document_id"), is_mandatory=False
    ).update(is_mandatory=True)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_h9b_identifiers_and_file_names"),
        ("procedures", "0003_h9b_template_file_check"),
    ]

    operations = [migrations.RunPython(fold_rules_into_mandatory, migrations.RunPython.noop)]
