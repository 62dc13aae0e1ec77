"""Reads that decide MIS access: whose access has ended, which offices a requester may request for."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone
from guardian.conf import settings as guardian_settings
from guardian.shortcuts import get_objects_for_user

from portal.prepared import PreparedQuery

from .models import (
    AccessRequest,
    AccessStanding,
    Contract,
    Office,
    Organization,
    Staff,
    WorkforceDevelopmentArea,
)
from .roles import REQUESTABLE_ROLES, STATE_ONLY_ROLES

# The object permissions a designated MIS access requester holds (through a group) on an area or an office.
REQUEST_IN_AREA = "access.request_access_in_area"
REQUEST_IN_OFFICE = "access.request_access_in_office"


@dataclass(frozen=True)
class AccessEnd:
    """Why someone's access has ended: `code` for the audit trail, `message` for the person."""

    code: str
    message: str


CONTRACT_NOT_IN_EFFECT = AccessEnd(
    "contract_not_in_effect",
    "your organization's service contract or MIS data sharing contract is not in effect",
)
DISABLE_IN_EFFECT = AccessEnd("disable_request", "a request to disable your account took effect")
INACTIVE = AccessEnd("inactive", "your account was not used for {days} days")
NO_ORGANIZATION = AccessEnd("no_organization", "your account belongs to no organization")


def organizations_with_contracts(on: date) -> QuerySet[Organization]:
    """Organizations whose staff may hold access on the day `on`: both contracts in effect.

    The state agency (ESD) owns the data and needs no contract with itself.
    """
    in_effect = Contract.objects.in_effect(on).filter(organization=OuterRef("pk"))
    return Organization.objects.filter(
        Q(is_state_agency=True)
        | (
            Exists(in_effect.filter(kind=Contract.Kind.SERVICE))
            & Exists(in_effect.filter(kind=Contract.Kind.DATA_SHARING))
        )
    )


def organization_has_contracts(organization: Organization | None, on: date) -> bool:
    return (
        organization is not None
        and organizations_with_contracts(on).filter(pk=organization.pk).exists()
    )


def inactivity_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.ACCESS_INACTIVITY_DAYS)


def access_end_reason(staff: Staff, now: datetime | None = None) -> AccessEnd | None:
    """Why `staff` may no longer use the portal at `now`, or None while their access stands.

    Asked on every request (access.middleware) and by the sweep, so a late or dead worker
    never extends anyone's access. The person of a request (`person_of_request`) carries the
    facts the answer needs, read in the query that loaded them: about that moment, no query is made.
    """
    standing = staff.access_standing
    if standing is not None and now in (None, standing.at):
        return _access_end(
            staff,
            covered=standing.organization_covered,
            disabled=standing.disable_due,
            cutoff=inactivity_cutoff(standing.at),
        )
    return access_end_reasons([staff], now).get(staff.pk)


def access_end_reasons(people: list[Staff], now: datetime | None = None) -> dict[int, AccessEnd]:
    """`access_end_reason` for many people at once, in two queries: staff id -> why access ended.

    The sweep asks it for hundreds at a time; those whose access stands are left out.
    """
    now = now or timezone.now()
    organizations = {
        person.organization_id for person in people if person.organization_id is not None
    }
    covered = set(
        organizations_with_contracts(timezone.localdate(now))
        .filter(pk__in=organizations)
        .values_list("pk", flat=True)
    )
    disabled = set(
        due_disable_requests(now).filter(staff__in=people).values_list("staff_id", flat=True)
    )
    cutoff = inactivity_cutoff(now)
    reasons = {}
    for person in people:
        reason = _access_end(
            person,
            covered=person.organization_id in covered,
            disabled=person.pk in disabled,
            cutoff=cutoff,
        )
        if reason is not None:
            reasons[person.pk] = reason
    return reasons


def _access_end(
    person: Staff, *, covered: bool, disabled: bool, cutoff: datetime
) -> AccessEnd | None:
    """The rule itself, on what was read: the organization's contracts, a due disable, the last use."""
    if person.organization_id is None:
        return NO_ORGANIZATION
    if not covered:
        return CONTRACT_NOT_IN_EFFECT
    if disabled:
        return DISABLE_IN_EFFECT
    if (person.last_login or person.date_joined) < cutoff:
        return AccessEnd(
            INACTIVE.code, INACTIVE.message.format(days=settings.ACCESS_INACTIVITY_DAYS)
        )
    return None


def person_of_request(pk: int, now: datetime) -> Staff | None:
    """The signed-in person, with their organization, current office, assigned offices and access
    standing at `now`.

    One query: the check that must run on every request (access.middleware) asks nothing more,
    nor does the header's office switcher, and nothing is kept from one request to the next, so
    an expired contract or a disable that took effect a second ago refuses the very next request.
    The query is compiled once per process (portal.prepared): building its subqueries anew on
    every request cost more than running it.
    """
    # With the annotations of `_person_of_request`: standing_covered, standing_disabled, offices_listed.
    person: Any = _PERSON_OF_REQUEST.first(pk=pk, now=now, today=timezone.localdate(now))
    if person is not None:
        person.access_standing = AccessStanding(
            at=now,
            organization_covered=person.standing_covered,
            disable_due=person.standing_disabled,
        )
        listed = json.loads(f"[{person.offices_listed or ''}]")
        offices = [Office(pk=office["pk"], name=office["name"]) for office in listed]
        if not connection.features.supports_aggregate_order_by_clause:  # SQLite before 3.44
            offices.sort(key=lambda office: office.name)
        person.assigned_offices = offices
    return person


def _person_of_request(pk: int, now: datetime, today: date) -> QuerySet[Staff]:
    return (
        Staff.objects.select_related("organization", "current_office")
        .annotate(
            standing_covered=Exists(
                organizations_with_contracts(today).filter(pk=OuterRef("organization_id"))
            ),
            standing_disabled=Exists(due_disable_requests(now).filter(staff=OuterRef("pk"))),
            offices_listed=_offices_as_json(),
        )
        .filter(pk=pk)
    )


# Stand-ins no real request uses, found in the compiled SQL's parameters and replaced there.
_PERSON_OF_REQUEST = PreparedQuery(
    _person_of_request,
    pk=-918_273_645,
    now=datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=UTC),
    today=date(1901, 2, 3),
)


def _offices_as_json() -> Subquery:
    """A person's assigned offices as the entries of a JSON list ('{"pk": 1, "name": ...}, ...').

    Read as a column of the person's own row, on PostgreSQL and SQLite alike (the demo's).
    """
    entries = (
        Office.objects.filter(staff=OuterRef("pk"))
        .order_by()
        .values("staff")
        .annotate(
            entries=StringAgg(
                Cast(JSONObject(pk="pk", name="name"), output_field=TextField()),
                delimiter=Value(","),
                # By name, in the database's collation, as `staff.offices` lists them.
                order_by="name" if connection.features.supports_aggregate_order_by_clause else None,
            )
        )
        .values("entries")
    )
    return Subquery(entries, output_field=TextField())


def due_disable_requests(now: datetime) -> QuerySet[AccessRequest]:
    """Disable requests whose time has come and that have not yet ended access: approved or not."""
    return AccessRequest.objects.filter(
        kind=AccessRequest.Kind.DISABLE,
        effective_at__lte=now,
        status__in=[AccessRequest.Status.PENDING, AccessRequest.Status.SCHEDULED],
    )


def staff_whose_access_ended(
    now: datetime,
) -> tuple[QuerySet[Staff], QuerySet[Staff], QuerySet[Staff]]:
    """Active staff whose access has ended at `now`, with the reason: what the sweep works through."""
    # django-guardian's stand-in for anonymous visitors is no person and never signs in.
    active = Staff.objects.filter(is_active=True).exclude(
        username=guardian_settings.ANONYMOUS_USER_NAME
    )
    no_contracts = active.exclude(
        organization__in=organizations_with_contracts(timezone.localdate(now))
    )
    disabled = active.filter(pk__in=due_disable_requests(now).values("staff_id"))
    cutoff = inactivity_cutoff(now)
    inactive = active.filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    return no_contracts, disabled, inactive


def requester_offices(staff: Staff) -> QuerySet[Office]:
    """The offices `staff` may file access requests for: designated on the office or on its area.

    The MIS security and data sharing administrator needs no designation: they file for the state
    agency's staff in any office.
    """
    if not (staff.is_active and staff.can_request_access):
        return Office.objects.none()
    if staff.can_administer_contracts:
        return Office.objects.select_related("area")
    options = {"use_groups": True, "with_superuser": False, "accept_global_perms": False}
    areas = get_objects_for_user(staff, REQUEST_IN_AREA, klass=WorkforceDevelopmentArea, **options)
    offices = get_objects_for_user(staff, REQUEST_IN_OFFICE, klass=Office, **options)
    return Office.objects.filter(Q(area__in=areas) | Q(pk__in=offices.values("pk"))).select_related(
        "area"
    )


def requester_staff(staff: Staff) -> QuerySet[Staff]:
    """The users a requester looks after: their own organization's staff in the requester's offices."""
    return (
        Staff.objects.filter(
            organization=staff.organization_id, offices__in=requester_offices(staff)
        )
        .exclude(pk=staff.pk)
        .distinct()
    )


def requestable_roles(staff: Staff) -> list:
    """The roles `staff` may ask for: the state-only ones only for the state agency's own staff."""

    return [
        role for role in REQUESTABLE_ROLES if staff.is_state_staff or role not in STATE_ONLY_ROLES
    ]


def unsigned_staff_for(requester: Staff) -> QuerySet[Staff]:
    """The requester's active users who have not signed the confidentiality agreement yet."""
    return (
        requester_staff(requester)
        .filter(is_active=True, nda_signed_at__isnull=True)
        .select_related("organization")
    )


def requests_filed_by(requester: Staff) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.filter(requested_by=requester)
        .select_related("staff", "organization")
        .order_by("-submitted_at", "-pk")
    )


def access_request_queue() -> QuerySet[AccessRequest]:
    """Requests waiting for MIS access management, oldest first: those to decide, and disables that
    took effect before anyone approved them, to confirm."""
    return (
        AccessRequest.objects.filter(
            status__in=[AccessRequest.Status.PENDING, AccessRequest.Status.IN_EFFECT]
        )
        .select_related("requested_by", "staff", "organization")
        .order_by("submitted_at", "pk")
    )


def expiring_contracts(now: datetime, days: int = 30) -> QuerySet[Contract]:
    """Approved contracts in effect now that expire within `days` days, soonest first."""
    today = timezone.localdate(now)
    return (
        Contract.objects.in_effect(today)
        .filter(expiry_date__lte=today + timedelta(days=days), organization__is_state_agency=False)
        .select_related("organization")
        .order_by("expiry_date", "organization__name")
    )


def staff_losing_access(contract: Contract, now: datetime) -> QuerySet[Staff]:
    """The active staff who lose access when `contract` expires (unless a like contract takes over)."""
    successor = Contract.objects.in_effect(contract.expiry_date).filter(
        organization=contract.organization_id, kind=contract.kind
    )
    if successor.exists():
        return Staff.objects.none()
    return Staff.objects.filter(organization=contract.organization_id, is_active=True).order_by(
        "last_name", "first_name"
    )


@dataclass(frozen=True)
class PolicyCheck:
    """One condition policy 1021 sets for an access request, and whether the request meets it."""

    name: str
    met: bool
    detail: str


def access_request_checks(request: AccessRequest, on: date) -> list[PolicyCheck]:
    """The conditions MIS access management checks before approving (policy 1021 a, i, k), as they
    stand on `on`: the organization's contracts, the requester's designation, and for an add the
    training date and the supervisor's certification. Approving asks the contracts again."""
    checks = []
    offices = list(request.offices.all()) if request.kind != AccessRequest.Kind.DISABLE else []
    if request.kind == AccessRequest.Kind.DISABLE and request.staff is not None:
        offices = list(request.staff.offices.all())
    if request.kind != AccessRequest.Kind.DISABLE:
        organization = request.organization
        in_effect = organization_has_contracts(organization, on)
        if organization is not None and organization.is_state_agency:
            detail = f"{organization} owns the data: it needs no contract with itself."
        elif in_effect:
            detail = (
                f"{organization} has a service contract and an MIS data sharing contract in effect."
            )
        else:
            detail = f"{organization} does not have both a service contract and an MIS data sharing contract in effect."
        checks.append(PolicyCheck("Contracts in effect", in_effect, detail))
    allowed = set(requester_offices(request.requested_by).values_list("pk", flat=True))
    outside = sorted(o.name for o in offices if o.pk not in allowed)
    checks.append(
        PolicyCheck(
            "Requester designated",
            bool(offices) and not outside,
            f"{request.requested_by} is not designated for {', '.join(outside)}."
            if outside
            else f"{request.requested_by} is a designated MIS access requester for "
            f"{', '.join(sorted(o.name for o in offices)) or 'no office'}.",
        )
    )
    if request.kind == AccessRequest.Kind.ADD:
        trained = request.training_completed_on
        checks.append(
            PolicyCheck(
                "State-approved MIS training",
                trained is not None and trained <= on,
                f"Completed on {trained:%m/%d/%Y}." if trained else "No training date given.",
            )
        )
    if request.kind != AccessRequest.Kind.DISABLE:
        checks.append(
            PolicyCheck(
                "Supervisor's certification",
                request.supervisor_certified,
                "The requester certified that the user's supervisor approved the profile and "
                "office assignments."
                if request.supervisor_certified
                else "Not certified.",
            )
        )
    return checks
