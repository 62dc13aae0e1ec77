from django import template

from participants.crypto import mask_ssn

register = template.Library()


@register.filter
def masked_ssn(participant) -> str:
    """The SSN as staff see it on screen: only its last four digits."""
    return mask_ssn(participant.ssn)
