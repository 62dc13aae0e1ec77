from django import template

from ..selectors import dashboard

register = template.Library()


@register.inclusion_tag("notifications/_dashboard_widget.html", takes_context=True)
def notifications_dashboard(context: template.Context) -> dict:
    """The dashboard widget: the signed-in person's unread notices."""
    return dashboard(user=context["request"].user)
