"""What the portal keeps in the visitor's session: the anonymous draft token and lookup grants.

A lookup grant (dossier id → moment of the successful lookup) lasts for the visit, at most
:data:`GRANT_SECONDS`; the session survives logging in (Django keeps its data when it renews the
key), so a visitor who looked a dossier up and then logs in may link it to their account.
"""

from __future__ import annotations

import secrets
import time

DRAFT_TOKEN = "portal_draft_token"
GRANTS = "portal_lookup"
#: The same grants as ``{dossier id: expiry (epoch seconds)}``, read by the payment block
#: (``motcua.integrations.selectors.looked_up_dossier_ids``), which ignores expired entries.
GRANTED_IDS = "portal_lookup_dossiers"
GRANT_SECONDS = 60 * 60


def draft_token(request, *, create: bool = False) -> str:
    token = request.session.get(DRAFT_TOKEN, "")
    if not token and create:
        token = secrets.token_urlsafe(32)
        request.session[DRAFT_TOKEN] = token
    return token


def lookup_grants(request) -> dict[str, float]:
    now = time.time()
    grants = request.session.get(GRANTS) or {}
    return {k: v for k, v in grants.items() if isinstance(v, list) and now - v[0] < GRANT_SECONDS}


def granted_ids(request) -> list[str]:
    return list(lookup_grants(request))


def grant_proof(request, dossier_id: int) -> str:
    """Return how the visitor proved the dossier in this session ("phone"…), or ""."""
    entry = lookup_grants(request).get(str(dossier_id))
    return entry[1] if entry else ""


def grant(request, dossier_id: int, proof: str) -> None:
    grants = lookup_grants(request)
    grants[str(dossier_id)] = [time.time(), proof]
    request.session[GRANTS] = grants
    request.session[GRANTED_IDS] = {k: v[0] + GRANT_SECONDS for k, v in grants.items()}
