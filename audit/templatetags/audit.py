from django import template

from ..render import Change, action_text, details_text, readable_changes, state_time_text
from ..render import seen as seen_text

register = template.Library()


@register.filter
def changes(entry) -> list[Change]:
    return readable_changes(entry)


@register.filter
def details(entry) -> str:
    return details_text(entry)


@register.filter
def state_time(value) -> str:
    return state_time_text(value)


@register.filter
def seen(entry) -> str:
    return seen_text(entry)


@register.filter
def action(entry) -> str:
    return action_text(entry)
