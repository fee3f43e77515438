"""Template helpers of the portal: site names, the payment block, moments, catalogue labels.

Money goes through the shared formatter: ``{% load motcua %}`` then ``|vnd``."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return settings.SITE.site_name


@register.simple_tag
def agency_name() -> str:
    return settings.SITE.agency_name


@register.simple_tag(takes_context=True)
def payment_block(context, dossier) -> str:
    """Render ``portal/_payment.html`` when an app ships it (the integrations app does), else "".

    Rendered in the page's own context, as ``{% include %}`` does (request, CSRF token, access):
    the context processors are not run a second time for the block."""
    try:
        payment_template = get_template("portal/_payment.html")
    except template.TemplateDoesNotExist:
        return ""
    with context.push(dossier=dossier):
        return payment_template.template.render(context)


@register.filter
def moment(value) -> str:
    if not value:
        return ""
    return date_format(timezone.localtime(value), "d/m/Y H:i")


@register.filter
def decimal_text(value) -> str:
    if value in (None, ""):
        return ""
    return format(Decimal(str(value)).normalize(), "f")


@register.filter
def time_unit(value) -> str:
    """The label of a processing-time unit ("working_days" → "ngày làm việc")."""
    from motcua.core.timeunits import TimeUnit

    try:
        return str(TimeUnit(value).label)
    except ValueError:
        return str(value or "")


@register.filter
def duration(amount, unit) -> str:
    """A processing time in words: ``{{ p.processing_amount|duration:p.processing_unit }}``."""
    from motcua.core.timeunits import duration_text

    return duration_text(amount, unit or "")


@register.filter
def online_level(value) -> str:
    from motcua.procedures.models import OnlineLevel

    try:
        return str(OnlineLevel(value).label)
    except ValueError:
        return str(value or "")
