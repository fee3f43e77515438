"""Render a form to HTML with the sandboxed engine, then to an A4 PDF with WeasyPrint.

An edited template that fails (syntax or render error) never stops printing: the shipped default
is rendered instead and the problem is logged with its line number (``motcua.printing`` logger);
the desk's preview shows the same problem to the administrator.

WeasyPrint fetches nothing while rendering except ``data:`` URIs (the QR code): an edited
template cannot embed local files (``<a rel="attachment" href="file:///…">``, ``<img>``, CSS
``url()``) or reach the network.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.template import Context
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_visible
from motcua.printing import sandbox
from motcua.printing.context import FormData
from motcua.printing.models import PrintTemplate
from motcua.printing.plugin_templates import plugin_template_for
from motcua.printing.registry import FormSpec, build_dossier_form, build_ledger, form_spec
from motcua.printing.selectors import print_template_for
from motcua.units.models import Unit

logger = logging.getLogger("motcua.printing")

DOSSIER_RELATED = (
    "unit",
    "unit__parent",
    "current_unit",
    "current_unit__parent",
    "procedure",
    "procedure_version",
    "received_by",
)


class PrintError(Exception):
    """A print request that cannot be served (wrong form for the request); message for the user."""


@dataclass(frozen=True)
class RenderedForm:
    spec: FormSpec
    html: str
    pdf: bytes
    template: PrintTemplate | None
    problem: sandbox.TemplateProblem | None
    filename: str


def html_to_pdf(html: str) -> bytes:
    """Return the A4 PDF of *html* (page size and margins come from the template's ``@page``).

    WeasyPrint is imported on first use: it is heavy, and only printing needs it.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


def render_source(source: str, data: FormData) -> str:
    """Render an edited template's *source*; raises on syntax and render errors."""
    return sandbox.compile_source(source).render(Context(data.as_context(), autoescape=True))


def render_default(spec: FormSpec, data: FormData) -> str:
    return sandbox.default_template(spec.template_name).render(
        Context(data.as_context(), autoescape=True)
    )


def render_html(
    spec: FormSpec, data: FormData, *, unit: Unit | None
) -> tuple[str, PrintTemplate | None, sandbox.TemplateProblem | None]:
    """Render with the template that applies to *unit* (desk copy, then an enabled plugin's, then
    the shipped default); fall back to the shipped default on any error."""
    template = print_template_for(code=spec.code, unit=unit)
    if template is not None:
        try:
            return render_source(template.body, data), template, None
        except Exception as exc:  # noqa: BLE001 - an edited template must never stop printing
            problem = sandbox.template_problem(exc)
            logger.warning(
                "print template #%s (form %s) failed, shipped default used instead: %s",
                template.pk,
                spec.code,
                problem,
            )
            return render_default(spec, data), None, problem
    shipped = plugin_template_for(spec.code)
    if shipped is not None:
        try:
            return render_source(shipped.source, data), None, None
        except Exception as exc:  # noqa: BLE001 - a plugin's template must never stop printing
            problem = sandbox.template_problem(exc)
            logger.warning(
                "plugin %s's print template (form %s) failed, shipped default used instead: %s",
                shipped.plugin,
                spec.code,
                problem,
            )
            return render_default(spec, data), None, problem
    return render_default(spec, data), None, None


def load_dossier(*, user, dossier: Dossier | int) -> Dossier:
    """Read the dossier through the scoped selector; raises ``Dossier.DoesNotExist`` outside it."""
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    return dossiers_visible(user=user).select_related(*DOSSIER_RELATED).get(pk=pk)


def form_data(
    *,
    code: str,
    user,
    dossier: Dossier | int | None = None,
    unit: Unit | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
    book: str = "received",
) -> tuple[FormSpec, FormData, Unit | None]:
    """Return the form, its data and the issuing unit (whose template applies)."""
    try:
        spec = form_spec(code)
    except KeyError:
        raise PrintError(_("Không có biểu mẫu %(code)s.") % {"code": code}) from None
    now = now or timezone.now()
    if spec.per_dossier:
        if dossier is None:
            raise PrintError(_("Mẫu %(code)s cần một hồ sơ.") % {"code": code})
        loaded = load_dossier(user=user, dossier=dossier)
        return spec, build_dossier_form(spec, dossier=loaded, user=user, now=now), loaded.unit
    if unit is None or date_from is None or date_to is None:
        raise PrintError(_("Mẫu %(code)s cần đơn vị và khoảng ngày.") % {"code": code})
    data = build_ledger(
        spec, user=user, unit=unit, date_from=date_from, date_to=date_to, now=now, book=book
    )
    return spec, data, unit


def render_form(
    *,
    code: str,
    user,
    dossier: Dossier | int | None = None,
    unit: Unit | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
    book: str = "received",
) -> RenderedForm:
    """Render form *code* for *user* to PDF, with the details the desk needs (fallback problem).

    Dossier forms (01–06) read the dossier through ``dossiers_visible`` (raises
    ``Dossier.DoesNotExist`` outside the user's scope); the ledger (07) lists only what the user
    may see.
    """
    spec, data, issuer = form_data(
        code=code,
        user=user,
        dossier=dossier,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        now=now,
        book=book,
    )
    html, template, problem = render_html(spec, data, unit=issuer)
    if data.dossier is not None:
        filename = f"mau-{spec.code}-{data.dossier.code}.pdf"
    else:
        filename = f"mau-{spec.code}-{issuer.agency_code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf"
    return RenderedForm(
        spec=spec,
        html=html,
        pdf=html_to_pdf(html),
        template=template,
        problem=problem,
        filename=filename,
    )


def render_form_pdf(
    *,
    code: str,
    user,
    dossier: Dossier | int | None = None,
    unit: Unit | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> bytes:
    """Return the PDF bytes of form *code* (see :func:`render_form`)."""
    return render_form(
        code=code,
        user=user,
        dossier=dossier,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        now=now,
    ).pdf


#: The forms addressed to the applicant, which they may download themselves (the control sheet
#: and the ledger are the office's own records).
APPLICANT_FORMS = ("01", "02", "03", "04", "05")


def render_applicant_copy(*, code: str, dossier: Dossier, now: datetime | None = None):
    """Render form *code* of *dossier* for its applicant (the portal checked the access).

    Only :data:`APPLICANT_FORMS` that apply to the dossier now; raises :class:`PrintError`
    otherwise. Returns ``(pdf, filename)``.
    """
    spec = form_spec(code) if code in APPLICANT_FORMS else None
    if spec is None or not spec.applicable(dossier):
        raise PrintError(_("Không có biểu mẫu %(code)s cho hồ sơ này.") % {"code": code})
    loaded = Dossier.objects.select_related(*DOSSIER_RELATED).get(pk=dossier.pk)
    data = build_dossier_form(spec, dossier=loaded, user=None, now=now or timezone.now())
    html, _template, _problem = render_html(spec, data, unit=loaded.unit)
    return html_to_pdf(html), f"mau-{spec.code}-{loaded.code}.pdf"
