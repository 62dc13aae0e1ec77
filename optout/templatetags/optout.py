from django import template

from ..forms import LookupForm
from ..policies import files_opt_in_requests, is_wioa_supervisor, uses_opt_out_lookup
from ..selectors import dashboard

register = template.Library()


@register.inclusion_tag("optout/_dashboard_widgets.html", takes_context=True)
def optout_dashboard(context):
    user = context["request"].user
    widgets = dashboard(user=user)
    if widgets["uses_lookup"]:
        widgets["lookup_form"] = LookupForm(auto_id="id_dashboard_%s")
    return widgets


@register.inclusion_tag("optout/_nav_item.html", takes_context=True)
def optout_nav_item(context):
    user = context["request"].user
    return {
        "is_supervisor": is_wioa_supervisor(user),
        "uses_lookup": uses_opt_out_lookup(user),
        "files_requests": files_opt_in_requests(user),
    }
