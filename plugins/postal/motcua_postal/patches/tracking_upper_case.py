"""Tracking numbers are kept in upper case (S10 codes such as ``EB123456789VN``), as carriers print them.

Version 1.0 stored them as the carrier answered; a site that ran a pre-release keeps lower-case
ones, which the citizen's lookup by tracking number would miss. Idempotent.
"""

from django.db.models.functions import Upper


def execute() -> str:
    from motcua_postal.models import Shipment

    changed = Shipment.objects.exclude(tracking=Upper("tracking")).update(
        tracking=Upper("tracking")
    )
    return f"{changed} tracking numbers upper-cased"
