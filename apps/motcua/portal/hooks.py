"""The portal's snapshot part, through the plugin contract (docs/plugins.md).

The core's form field kinds are the table of ``motcua.portal.forms.builders`` (``FieldKind``);
plugins add theirs with the ``form_field_kinds`` hook.
"""

name = "motcua_portal"
label = "Cổng dịch vụ công"
core = True
# The online form is frozen into every procedure version (part "form").
snapshot_parts = {"form": "motcua.portal.snapshot.form_part"}
