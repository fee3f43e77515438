"""Reads of print templates and of the print menu of a dossier."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.printing.models import PrintTemplate
from motcua.printing.registry import FORMS
from motcua.units.models import Unit


def print_template_for(*, code: str, unit: Unit | None) -> PrintTemplate | None:
    """Return the edited template that applies to form *code* issued by *unit*, or None.

    Nearest wins: the unit's own active template, then its parent's, up to the root, then the
    site-wide one (no unit); among equals the most recently updated. None means the shipped
    default applies.
    """
    # The unit first, then upwards (``ancestor_ids`` is root first, from the materialized path).
    chain = [unit.pk, *reversed(unit.ancestor_ids)] if unit is not None else []
    candidates = PrintTemplate.objects.filter(form_code=code, is_active=True).order_by(
        "-updated_at", "-id"
    )
    rank = {pk: i for i, pk in enumerate(chain)}
    best, best_rank = None, None
    for template in candidates.select_related("unit"):
        if template.unit_id is None:
            position = len(chain)
        elif template.unit_id in rank:
            position = rank[template.unit_id]
        else:
            continue
        if best_rank is None or position < best_rank:
            best, best_rank = template, position
    return best


@dataclass(frozen=True)
class PrintLink:
    code: str
    label: str
    url: str
    signed_url: str  # empty when the site cannot sign now (no usable certificate)


def dossier_print_links(*, dossier: Dossier, user) -> list[PrintLink]:
    """Return the forms that apply to *dossier* now, for the desk's print menu (with a signed
    copy only when the site can sign); none for an officer without the print right."""
    from motcua.printing.access import may_print
    from motcua.printing.signing import signing_problem

    if not may_print(user):
        return []
    can_sign = signing_problem() is None
    links = []
    for spec in FORMS.values():
        if spec.per_dossier and spec.applicable(dossier):
            url = reverse("printing:dossier_form", kwargs={"pk": dossier.pk, "code": spec.code})
            links.append(
                PrintLink(
                    code=spec.code,
                    label=_("%(name)s (mẫu %(code)s)") % {"name": _(spec.name), "code": spec.code},
                    url=url,
                    signed_url=f"{url}?sign=1" if can_sign else "",
                )
            )
    return links
