"""Who may print: the "print" right of the role permission page (``dossiers.print_dossier``).

Every print view checks it (forms 01–07, the ledger, the result and signed copies) on top of the
dossier scope; the desk offers only what the officer may print (the dossier's print menu, the
ledger's sidebar entry). Granted to every desk role by migration ``security 0004`` (every officer
could print before the right existed); the site administrator takes it away per role.
"""

from __future__ import annotations

PRINT_PERMISSION = "dossiers.print_dossier"


def may_print(user) -> bool:
    """Return whether *user* holds the print right (superusers hold every right)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(PRINT_PERMISSION)


def may_print_request(request) -> bool:
    """The sidebar's ``permission`` callable (django-unfold passes the request)."""
    return may_print(request.user)
