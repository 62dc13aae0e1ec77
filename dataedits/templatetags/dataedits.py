from django import template

from ..selectors import dashboard_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def dataedits_dashboard(context):
    """The dashboard widget's figures for the signed-in person."""
    return dashboard_counts(context["request"].user)
