"""What every portal form shares: errors tied to their input, no browser validation (rules 3–4
of :mod:`motcua.portal.forms`), and the input formats."""

from __future__ import annotations

from motcua.core import conditions, uploads

TRUTHY = conditions.TRUTHY
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
ACCEPT = uploads.ACCEPT


def _literal(text) -> str:
    """Escape ``%`` so a message with a field label survives ValidationError's formatting."""
    return str(text).replace("%", "%%")


class PortalFormMixin:
    """Tie every error to its input and keep the browser's validation out (rule 3, 4)."""

    use_required_attribute = False

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            refs = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                refs.append(f"{bound.auto_id}_helptext")
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = " ".join(refs)
