from django import template
from django.utils import timezone

from ..selectors import dashboard_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def dataedits_dashboard(context):
    """The dashboard widget's figures for the signed-in person."""
    return dashboard_counts(context["request"].user)


@register.filter
def deadline_status(ticket) -> str:
    """How long the ticket has until its deadline at the state, in words ("" if it has none)."""
    days = ticket.days_left(timezone.localdate())
    if days is None:
        return ""
    when = f"{ticket.deadline:%m/%d/%Y}"
    if days < 0:
        return f"Past deadline ({when}): it can only be denied"
    if days == 0:
        return f"Due at the state today ({when})"
    return f"{days} day{'s' if days != 1 else ''} left (deadline at the state {when})"
