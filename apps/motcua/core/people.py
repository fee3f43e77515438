"""How people's names are shown.

Convention (Django's own fields): ``first_name`` holds the given name (tên, "Tuấn") and
``last_name`` the family and middle names (họ và tên đệm, "Lê Minh"). Vietnamese reads the family
name first, so a name is shown as ``last_name first_name`` ("Lê Minh Tuấn"), never through
``get_full_name()``, which puts the given name first.
"""


def person_name(user, empty: str = "") -> str:
    """Return *user*'s name in Vietnamese order, the username if no name is set, *empty* if none."""
    if not user:  # None, or "" from a template lookup through a missing relation
        return empty
    return " ".join(p for p in (user.last_name, user.first_name) if p) or user.get_username()


def install_vietnamese_names() -> None:
    """Make ``User.get_full_name()`` (and the short name) follow the Vietnamese order.

    Third-party pages call it directly: unfold's sidebar and avatar, the admin's object history,
    simple-history. Without this they read "Hoa Trần Thị". Called once from ``CoreConfig.ready``.
    """
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user_model.get_full_name = lambda self: person_name(self, empty="").strip()
    user_model.get_short_name = lambda self: self.first_name or self.get_username()
