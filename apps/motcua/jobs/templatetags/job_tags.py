from django import template

from motcua.jobs.monitor import sweep_status

register = template.Library()


@register.simple_tag
def last_sweep():
    """The last finished due sweep and whether it is stale (for the desk's home page)."""
    return sweep_status()
