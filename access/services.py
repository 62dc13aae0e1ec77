from django.db import transaction

from portal.audit import audit_reason
from portal.errors import PortalError

from .models import Office, Staff


def staff_switch_office(*, actor: Staff, office_id: int) -> Office:
    """Logs the staff member into another of their assigned offices."""
    office = actor.offices.filter(pk=office_id).first()
    if office is None:
        raise PortalError("You can only switch to an office you are assigned to.", code="not_assigned")
    if actor.current_office_id != office.pk:
        with transaction.atomic(), audit_reason("switched current office", actor=actor):
            actor.current_office = office
            actor.save(update_fields=["current_office"])
    return office
