"""Template tags of the desk's bell and the dossier page's escalation panel."""

from django import template

from motcua.notifications.selectors import dossier_escalations, unread_count

register = template.Library()


@register.simple_tag
def notifications_unread(user) -> int:
    """Unread desk notifications of *user* (one indexed COUNT)."""
    return unread_count(user=user)


@register.simple_tag
def escalations_of(dossier):
    """The ladder's firings of *dossier*, with who was told, when and how."""
    return dossier_escalations(dossier=dossier)
