from django import template

register = template.Library()


@register.filter
def get_right(permissions: dict, right: str):
    """Return the permission of *right* in a row of the role permission page (or None)."""
    return permissions.get(right)
