"""What the portal keeps in the visitor's session: the anonymous draft token, and lookup grants
(the request-level face of :mod:`motcua.core.lookup_grants`, the one helper for them)."""

from __future__ import annotations

import secrets

from motcua.core import lookup_grants

DRAFT_TOKEN = "portal_draft_token"
GRANTS = lookup_grants.SESSION_KEY
GRANT_SECONDS = lookup_grants.GRANT_SECONDS


def draft_token(request, *, create: bool = False) -> str:
    token = request.session.get(DRAFT_TOKEN, "")
    if not token and create:
        token = secrets.token_urlsafe(32)
        request.session[DRAFT_TOKEN] = token
    return token


def granted_ids(request) -> list[str]:
    return [str(i) for i in sorted(lookup_grants.granted_ids(request.session))]


def grant_proof(request, dossier_id: int) -> str:
    """Return how the visitor proved the dossier in this session ("phone"…), or ""."""
    return lookup_grants.grant_proof(request.session, dossier_id)


def grant(request, dossier_id: int, proof: str) -> None:
    lookup_grants.grant(request.session, dossier_id, proof)
