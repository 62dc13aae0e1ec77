"""The service and data-sharing contracts an organization's access rests on (policy 1021 b)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_reason
from portal.errors import PortalError
from portal.text import checked_line, checked_text

from ..models import (
    Contract,
    Organization,
    Staff,
)


def contract_record(
    *,
    actor: Staff,
    organization: Organization,
    kind: str,
    party: str,
    number: str,
    effective_date: date,
    expiry_date: date,
    business_case: str,
    data_owner_name: str,
    data_owner_signed_on: date | None,
) -> Contract:
    """Records and approves a contract; the administrator needs the data owner's signed approval first."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator approves contracts.",
            code="not_admin",
        )
    if expiry_date <= effective_date:
        raise PortalError("The expiry date must come after the effective date.", code="dates")
    number = checked_line(number, label="the contract number", limit=40)
    business_case = checked_text(business_case, label="the business case")
    data_owner_name = checked_line(data_owner_name, label="the data owner's name", limit=120)
    if not business_case:
        raise PortalError("State the business case for MIS access.", code="business_case")
    if not data_owner_name or data_owner_signed_on is None:
        raise PortalError(
            "A contract is approved only with the data owner's signed approval: name and date.",
            code="data_owner",
        )
    if data_owner_signed_on > timezone.localdate():
        raise PortalError(
            "The data owner's signature date cannot be in the future.", code="data_owner"
        )
    with transaction.atomic(), audit_reason("contract recorded and approved", actor=actor):
        return Contract.objects.create(
            organization=organization,
            kind=kind,
            party=party,
            number=number,
            effective_date=effective_date,
            expiry_date=expiry_date,
            business_case=business_case,
            data_owner_name=data_owner_name,
            data_owner_signed_on=data_owner_signed_on,
            approved_by=actor,
            approved_at=timezone.now(),
        )


def contract_end(*, actor: Staff, contract_id: int, reason: str) -> Contract:
    """Ends a contract today: it expires at 00:00 today, so its organization's access ends now."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator ends contracts.", code="not_admin"
        )
    reason = checked_text(reason, label="why the contract ends early")
    if not reason:
        raise PortalError("Say why the contract ends early.", code="reason")
    today = timezone.localdate()
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        if not contract.is_in_effect(today):
            raise PortalError("This contract is not in effect.", code="not_in_effect")
        if contract.effective_date >= today:
            raise PortalError("A contract that took effect today cannot end today.", code="dates")
        with audit_reason(f"contract ended early: {reason}", actor=actor):
            contract.expiry_date = today
            contract.save(update_fields=["expiry_date"])
    return contract
