"""Designated MIS access requesters: who may file access requests for an organization's offices (policy 1021 h)."""

from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import assign_perm

from portal.audit import audit_reason
from portal.errors import PortalError

from ..models import (
    Office,
    Staff,
    WorkforceDevelopmentArea,
)
from ..roles import Role
from ..selectors import (
    REQUEST_IN_AREA,
    REQUEST_IN_OFFICE,
)


def _requester_group(target: WorkforceDevelopmentArea | Office) -> Group:
    label = (
        f"WDA {target.number}"
        if isinstance(target, WorkforceDevelopmentArea)
        else f"office {target.pk}"
    )
    group, _ = Group.objects.get_or_create(name=f"MIS access requesters, {label}")
    assign_perm(
        REQUEST_IN_AREA if isinstance(target, WorkforceDevelopmentArea) else REQUEST_IN_OFFICE,
        group,
        target,
    )
    return group


def requester_designate(
    *,
    actor: Staff,
    staff: Staff,
    area: WorkforceDevelopmentArea | None = None,
    office: Office | None = None,
) -> None:
    """Designates `staff` as MIS access requester for an area (all its offices) or one office."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator designates requesters.",
            code="not_admin",
        )
    if (area is None) == (office is None):
        raise PortalError("Choose either a workforce development area or an office.", code="target")
    if not staff.is_active or staff.role != Role.ACCESS_REQUESTER:
        raise PortalError(
            "Only active staff with the MIS access requester role can be designated.", code="role"
        )
    target = area or office
    assert target is not None  # exactly one of the two was given: refused above otherwise
    with (
        transaction.atomic(),
        audit_reason(f"designated MIS access requester for {target}", actor=actor),
    ):
        staff.groups.add(_requester_group(target))


def requester_undesignate(*, actor: Staff, staff: Staff, group_id: int) -> None:
    """Withdraws a designation: `staff` leaves the requesters' group of that area or office."""
    if not actor.can_administer_contracts:
        raise PortalError(
            "Only the MIS security and data sharing administrator designates requesters.",
            code="not_admin",
        )
    group = staff.groups.filter(pk=group_id, name__startswith="MIS access requesters").first()
    if group is None:
        raise PortalError("This person holds no such designation.", code="not_designated")
    with transaction.atomic(), audit_reason(f"withdrew designation: {group.name}", actor=actor):
        staff.groups.remove(group)
