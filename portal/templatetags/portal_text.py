"""Text filters for every page."""

from django import template

from portal import text

register = template.Library()


@register.filter
def in_sentence(label: str) -> str:
    """A role, kind or status label inside a sentence: "as {{ role|in_sentence }}" (portal.text)."""
    return text.in_sentence(str(label))
