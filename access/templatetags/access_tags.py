from django import template
from django.utils import timezone

from access import policies, selectors
from access.models import AccessRequest, Report

register = template.Library()

# The policies as filters (`user|may_decide:req`): the pages offer a button exactly when the
# service would take it.
register.filter("may_decide", policies.may_decide)
register.filter("may_confirm", policies.may_confirm)
register.filter("may_withdraw", policies.may_withdraw)
register.filter("may_move_report", policies.may_move_report)


@register.simple_tag(takes_context=True)
def access_widgets(context) -> dict:
    """The dashboard's MIS access figures, counted only for the roles that see them."""
    user = context["user"]
    figures = {}
    if user.can_request_access:
        figures["pending"] = AccessRequest.objects.filter(
            requested_by=user, status=AccessRequest.Status.PENDING
        ).count()
        figures["unsigned"] = selectors.unsigned_staff_for(user).count()
    if user.can_manage_access:
        figures["queue"] = selectors.access_request_queue().count()
    if user.can_administer_contracts:
        figures["expiring"] = selectors.expiring_contracts(timezone.now()).count()
        figures["open_reports"] = Report.objects.exclude(status=Report.Status.CLOSED).count()
    return figures
