"""Lookup grants: which dossiers a visitor proved (code + phone, ID number or tax code) in this
browser session — the one helper the portal (status pages, linking) and payments read.

A grant is ``{dossier id: [moment granted (epoch seconds), how it was proved]}`` under
:data:`SESSION_KEY`. It lasts for the visit, at most :data:`GRANT_SECONDS`; expired or malformed
entries are ignored. Django keeps session data when it renews the key at login, so a visitor who
looked a dossier up and then logs in may link it to their account.

The functions take the session (any mapping), so jobs and tests may pass a plain dict.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, MutableMapping

SESSION_KEY = "portal_lookup"
GRANT_SECONDS = 60 * 60


def grants(session: Mapping | None) -> dict[str, list]:
    """The valid grants of *session*: ``{"<id>": [granted_at, proof kind]}``."""
    raw = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(raw, Mapping):
        return {}
    now = time.time()
    return {
        key: entry
        for key, entry in raw.items()
        if str(key).isdigit()
        and isinstance(entry, list | tuple)
        and len(entry) == 2
        and isinstance(entry[0], int | float)
        and 0 <= now - entry[0] < GRANT_SECONDS
    }


def granted_ids(session: Mapping | None) -> frozenset[int]:
    """The ids of the dossiers looked up in this session (expired grants left out)."""
    return frozenset(int(key) for key in grants(session))


def grant_proof(session: Mapping | None, dossier_id: int) -> str:
    """How the visitor proved the dossier in this session ("phone", "id_number"…), or ""."""
    entry = grants(session).get(str(dossier_id))
    return str(entry[1]) if entry else ""


def grant(session: MutableMapping, dossier_id: int, proof: str) -> None:
    """Record that the visitor proved *dossier_id* by *proof* (dropping expired grants)."""
    current = grants(session)
    current[str(dossier_id)] = [time.time(), proof]
    session[SESSION_KEY] = current
