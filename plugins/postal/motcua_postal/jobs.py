"""The periodic job of the postal plugin (hook ``scheduled_jobs``): tracking into the timelines."""

from motcua_postal.carrier import CarrierError, postal_config
from motcua_postal.services import shipments_track_open


def postal_tracking_poll() -> dict | str:
    """Every 15 minutes: the carrier's new events of the open shipments (idempotent, batched)."""
    if not postal_config().get("api_url"):
        return "postal: [postal] api_url not set, nothing to do"
    try:
        return shipments_track_open()
    except CarrierError as exc:
        return f"postal: {exc}"
