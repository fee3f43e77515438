"""Boundary-free reception (tiếp nhận không phụ thuộc địa giới hành chính, NĐ 118/2025/NĐ-CP).

The unit that receives a dossier (``Dossier.unit``) may differ from the competent unit that
decides it (``Dossier.competent_unit``, also the dossier's first ``current_unit``, so the
workflow's steps run there). The rule, as the only available source words it (a news summary of
the decree; the decree's own Điều 14 is not at hand): "Trung tâm Phục vụ hành chính công cấp tỉnh
và Trung tâm Phục vụ hành chính công cấp xã tiếp nhận thủ tục hành chính không phụ thuộc vào địa
giới hành chính trong phạm vi cấp tỉnh". Here:

1. A unit receives its own procedures (``Procedure.units``) as always; it is then also the
   competent unit.
2. A procedure flagged ``boundary_free`` (with the province's decision that lists it) may also be
   received by a *centre* — a unit of a level in :data:`CENTRE_LEVELS`, the provincial service
   centre or a commune (whose one-stop counter is its centre) — for any unit offering the
   procedure in the same province (the same root of the unit tree).
3. The receipt (form 01) names both units and the decision; the KPIs credit the reception to the
   receiving unit and the processing to the competent one (``reports/indicators.py``); the
   receiving centre keeps the dossier in its scope (``dossiers_visible`` reads ``unit``) and its
   counter returns the result (``permissions`` rule 1).

Where the source is silent: it names the channels (in person, by post, online on the national
portal) but says nothing of an online applicant choosing another centre, so an online submission
goes to the unit the applicant picks among those offering the procedure, as before.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.procedures.models import Procedure
from motcua.units.models import Unit

#: Levels whose units are public-administration service centres (rule 2): level codes are stable
#: data (``units/levels.py``); the commune's one-stop counter is its commune centre.
CENTRE_LEVELS = ("service_centre", "commune")


def _province_root(unit: Unit) -> str:
    """The first component of the unit's tree path: the province it belongs to."""
    return "/" + unit.path.strip("/").split("/")[0] + "/"


def is_centre(unit: Unit) -> bool:
    return unit.level.code in CENTRE_LEVELS


def receivable_procedures(*, unit: Unit) -> Q:
    """The condition on procedures that *unit*'s counter may receive (rules 1 and 2)."""
    own = Q(pk__in=Procedure.objects.filter(units=unit).values("pk"))
    if not is_centre(unit):
        return own
    return own | Q(boundary_free=True)


def competent_units(*, procedure: Procedure, receiving: Unit) -> QuerySet[Unit]:
    """Return the units *receiving* may receive *procedure* for (itself first when it offers it)."""
    offering = Unit.objects.filter(is_active=True, procedures=procedure)
    if not (procedure.boundary_free and is_centre(receiving)):
        return offering.filter(pk=receiving.pk)
    return offering.filter(path__startswith=_province_root(receiving)).order_by("path")


def reception_problem(*, procedure: Procedure, receiving: Unit, competent: Unit) -> str:
    """Return why *receiving* may not receive *procedure* for *competent* ("" when it may)."""
    if not procedure.units.filter(pk=competent.pk).exists():
        return _("%(unit)s không giải quyết thủ tục “%(name)s”.") % {
            "unit": competent,
            "name": procedure.name,
        }
    if competent.pk == receiving.pk:
        return ""
    if not procedure.boundary_free:
        return _("%(unit)s không tiếp nhận thủ tục “%(name)s”.") % {
            "unit": receiving,
            "name": procedure.name,
        }
    if not is_centre(receiving):
        return _(
            "%(unit)s không phải Trung tâm Phục vụ hành chính công cấp tỉnh hoặc cấp xã, nên "
            "không tiếp nhận hồ sơ không phụ thuộc địa giới hành chính."
        ) % {"unit": receiving}
    if _province_root(receiving) != _province_root(competent):
        return _("%(unit)s không cùng tỉnh với đơn vị tiếp nhận.") % {"unit": competent}
    return ""
