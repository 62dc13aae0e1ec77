from django import template

from participants.crypto import mask_ssn
from participants.forms import QuickSearchForm
from participants.models import Participant

register = template.Library()


@register.filter
def masked_ssn(participant: Participant) -> str:
    """The SSN as staff see it on screen: only its last four digits."""
    return mask_ssn(participant.ssn)


@register.simple_tag(takes_context=True)
def quick_search_form(context: template.Context) -> QuickSearchForm:
    """The dashboard's Quick Search box, scoped to the office the person is logged into."""
    return QuickSearchForm(office=context["request"].user.current_office)
