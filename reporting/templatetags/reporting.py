from typing import Any

from django import template

from dataedits.models import DataEditTicket, TicketState

from ..policies import closes_quarters
from ..selectors import closed_quarters_touched

register = template.Library()


@register.inclusion_tag("reporting/_nav_item.html", takes_context=True)
def reporting_nav_item(context: dict[str, Any]) -> dict[str, bool]:
    return {"closes_quarters": closes_quarters(context["request"].user)}


@register.inclusion_tag("reporting/_ticket_closed_quarters.html", takes_context=True)
def ticket_closed_quarters(context: dict[str, Any], ticket: DataEditTicket) -> dict[str, Any]:
    """On a ticket in the state's queue: the closed quarters it touches, each with its exception
    or the link to record one (state data-edit staff only)."""
    user = context["request"].user
    if not closes_quarters(user) or ticket.status != TicketState.STATE_QUEUE:
        return {"closes": []}
    recorded = {e.close_id: e for e in ticket.close_exceptions.select_related("recorded_by")}
    return {
        "ticket": ticket,
        "closes": [(c, recorded.get(c.pk)) for c in closed_quarters_touched(ticket)],
    }
