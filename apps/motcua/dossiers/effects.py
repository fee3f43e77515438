"""Side effects of dossier events, run after commit: never inside the change.

The applicant's notices (receipt, supplement, result, refusal, stop, apology) are no longer sent
from here: they are written to the outbox in the event's own transaction
(``motcua.integrations.handlers.citizen_notice_emit``) and delivered once per channel by the
notifications app. This hook stays for effects that need only the committed event.
"""

from __future__ import annotations


def dossier_event_effects(*, event_id: int) -> None:
    """Run the post-commit effects of one event (called from ``transaction.on_commit``)."""
    return None
