from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


# The timeline's hundreds of bars and rows (a seeker with 200 services), written here in one
# pass instead of by the template's loop, tag by tag: the same markup, a fraction of the time.
# Only the service's name is text from the database, and it is escaped; the rest are numbers,
# dates and fixed words.


def _day(day) -> str:
    return f"{day:%m/%d/%Y}"


def _span(service, period) -> str:
    if service is None:
        return "none"
    span = _day(service.start)
    if service.end != service.start:
        span += f" to {_day(service.end)}"
    return f"{span}, period {int(period)}" if period else span


@register.simple_tag
def timeline_service_bars(lane) -> SafeString:
    """A lane's services as the figure's bars: counted ones dark, the changed one outlined."""
    y = lane["service_y"]
    return mark_safe(
        "\n    ".join(
            f'<rect x="{bar["x"]}" y="{y}" width="{bar["width"]}" height="10" '
            f'fill="{"#005ea2" if bar["counted"] else "#71767a"}"'
            f"{' stroke="#d54309" stroke-width="2"' if bar['changed'] else ''}></rect>"
            for bar in lane["services"]
        )
    )


@register.simple_tag
def timeline_service_rows(timeline) -> SafeString:
    """The services table's rows (stacked on a phone): the dates and periods before and after."""

    def row_html(row) -> str:
        name = escape(row["name"])
        if not row["counted"]:
            name += ' <span class="font-body-3xs">(does not count toward participation)</span>'
        change = f"<strong>{escape(row['change'])}</strong>" if row["change"] else "unchanged"
        return (
            f'<tr>\n    <th scope="row" data-label="Service">{name}</th>\n'
            f'    <td data-label="Before">{_span(row["before"], row["period_before"])}</td>\n'
            f'    <td data-label="After">{_span(row["after"], row["period_after"])}</td>\n'
            f'    <td data-label="Change">{change}</td>\n  </tr>'
        )

    return mark_safe("\n  ".join(row_html(row) for row in timeline["rows"]))
