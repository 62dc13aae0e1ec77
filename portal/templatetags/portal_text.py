"""Text filters for every page."""

from django import template
from django.forms import BoundField

from portal import text

register = template.Library()


@register.filter
def in_sentence(label: str) -> str:
    """A role, kind or status label inside a sentence: "as {{ role|in_sentence }}" (portal.text)."""
    return text.in_sentence(str(label))


@register.filter
def with_character_count(field: BoundField) -> str:
    """The text area of `field` as USWDS's character count draws it (portal/_field.html): its
    field class, and its description naming the limit beside any hint."""
    css = field.field.widget.attrs.get("class", "")
    described = [f"{field.auto_id}_helptext"] if field.help_text else []
    return field.as_widget(
        attrs={
            "class": f"{css} usa-character-count__field".strip(),
            "aria-describedby": " ".join([*described, f"{field.auto_id}-info"]),
        }
    )
