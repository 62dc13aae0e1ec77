from typing import Any

from django import template

from ..policies import reads_intake

register = template.Library()


@register.inclusion_tag("intake/_nav_item.html", takes_context=True)
def intake_nav_item(context: dict[str, Any]) -> dict[str, bool]:
    return {"reads_intake": reads_intake(context["request"].user)}
