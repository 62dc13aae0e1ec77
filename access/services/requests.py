"""Access requests as requesters file them: add, change and disable a user, and withdrawing one (policy 1021 h, i)."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_reason
from portal.dates import shown
from portal.errors import PortalError, raise_all, refusals
from portal.text import checked_line, in_sentence

from ..models import (
    ACCESS_REQUESTS,
    AccessRequest,
    Office,
    Organization,
    Staff,
)
from ..policies import withdraw_refusal
from ..roles import REQUESTABLE_ROLES, STATE_ONLY_ROLES, Role
from ..selectors import (
    organization_has_contracts,
    requester_offices,
)
from .common import administrator_emails, notify
from .revocation import staff_end_access

DISABLE_NOTICE = timedelta(hours=24)


# A disable effective "now" is typed a minute or two before it is filed; earlier than that is a mistake.
PAST_EFFECTIVE_GRACE = timedelta(minutes=10)


def _check_requester(actor: Staff, offices: list[Office]) -> None:
    if not actor.can_request_access:
        raise PortalError(
            "Only designated MIS access requesters file access requests.", code="not_requester"
        )
    allowed = set(requester_offices(actor).values_list("pk", flat=True))
    if not allowed:
        raise PortalError(
            "You are not designated as MIS access requester for any workforce development area.",
            code="not_designated",
        )
    outside = [office.name for office in offices if office.pk not in allowed]
    if outside:
        raise PortalError(
            f"You are not designated as MIS access requester for {', '.join(sorted(outside))}.",
            code="not_designated",
        )


def _check_organization(actor: Staff, organization: Organization | None) -> None:
    """Requesters file for their own organization's staff; state staff only through the state's own."""
    if organization is None or organization.pk != actor.organization_id:
        raise PortalError(
            f"You file access requests only for staff of your own organization, {actor.organization}.",
            code="other_organization",
        )


def check_contracts(organization: Organization | None) -> None:
    if not organization_has_contracts(organization, timezone.localdate()):
        raise PortalError(
            f"{organization} does not have both a service contract and an MIS data sharing contract in effect.",
            code="no_contracts",
        )


def _check_role(role: str, organization: Organization | None) -> None:
    if role not in REQUESTABLE_ROLES:
        raise PortalError(
            "This role is given through the MIS security and data sharing administrator.",
            code="role",
        )
    if role in STATE_ONLY_ROLES and not (organization and organization.is_state_agency):
        raise PortalError(
            f"The {Role(role).label} role is for state (ESD) staff only.", code="role"
        )


def _check_certified(supervisor_certified: bool) -> None:
    if not supervisor_certified:
        raise PortalError(
            "Certify that the user's supervisor approved the profile and office assignments.",
            code="not_certified",
        )


def _notify_filed(request: AccessRequest) -> None:
    recipients = Staff.objects.filter(
        role=Role.ACCESS_MANAGEMENT, is_active=True, organization__is_state_agency=True
    )
    notify(
        to=list(recipients.values_list("email", flat=True)),
        subject=f"New access request: {in_sentence(request.get_kind_display())}",
        body=f"{request.requested_by} filed a request to {in_sentence(request.get_kind_display())} ({request.person_name}). "
        f"It is in the access request queue.",
    )


def _check_logs_into(logs_into: Office | None, offices: list[Office]) -> None:
    if logs_into is None:
        raise PortalError("Choose the office the user logs into.", code="no_office_logged_into")
    if logs_into not in offices:
        raise PortalError(
            f"The office the user logs into must be one of their offices: add {logs_into} to "
            "them, or choose another.",
            code="office_logged_into",
        )


def _check_training(training_completed_on: date | None) -> None:
    if training_completed_on is None or training_completed_on > timezone.localdate():
        raise PortalError(
            "The user has not completed state-approved MIS training: give the date it was completed.",
            code="no_training",
        )


def _check_new_user(email: str) -> None:
    if Staff.objects.filter(email__iexact=email, is_active=True).exists():
        raise PortalError(
            "A user with this work email already has access: file a change request instead.",
            code="exists",
        )
    if AccessRequest.objects.filter(
        kind=AccessRequest.Kind.ADD, status=AccessRequest.Status.PENDING, email__iexact=email
    ).exists():
        raise PortalError("A request to add this user is already waiting.", code="duplicate")


def access_request_add(
    *,
    actor: Staff,
    first_name: str,
    last_name: str,
    email: str,
    organization: Organization,
    role: str,
    offices: list[Office],
    logs_into: Office | None,
    training_completed_on: date | None,
    supervisor_certified: bool,
) -> AccessRequest:
    """A designated requester asks for a new user (policy 1021 i).

    Every condition is checked and every problem reported at once, each with the form field it
    is about (an expired contract, a missing training date and a missing certification together).
    """
    offices = list(offices)
    typed = {"first_name": first_name, "last_name": last_name, "email": email}
    labels = {
        "first_name": "the first name",
        "last_name": "the last name",
        "email": "the work email",
    }
    limits = {"first_name": 150, "last_name": 150, "email": 254}

    def typed_line(name: str) -> None:
        typed[name] = checked_line(typed[name], label=labels[name], limit=limits[name])
        if not typed[name]:
            raise PortalError(f"Give {labels[name]}.", code="incomplete")

    def not_yet_a_user() -> None:
        if typed["email"]:
            _check_new_user(typed["email"])

    def offices_chosen() -> None:
        if not offices:
            raise PortalError("Choose at least one office.", code="no_offices")
        _check_requester(actor, offices)

    raise_all(
        refusals(
            [
                *((name, lambda name=name: typed_line(name)) for name in typed),
                ("email", not_yet_a_user),
                ("organization", lambda: _check_organization(actor, organization)),
                ("organization", lambda: check_contracts(organization)),
                ("role", lambda: _check_role(role, organization)),
                ("offices", offices_chosen),
                ("logs_into", lambda: _check_logs_into(logs_into, offices)),
                ("training_completed_on", lambda: _check_training(training_completed_on)),
                ("supervisor_certified", lambda: _check_certified(supervisor_certified)),
            ]
        )
    )
    with transaction.atomic(), audit_reason("access request filed: add user", actor=actor):
        request = AccessRequest.objects.create(
            kind=AccessRequest.Kind.ADD,
            requested_by=actor,
            first_name=typed["first_name"],
            last_name=typed["last_name"],
            email=typed["email"].lower(),
            organization=organization,
            role=role,
            logs_into=logs_into,
            training_completed_on=training_completed_on,
            supervisor_certified=True,
        )
        request.offices.set(offices)
        _notify_filed(request)
    return request


def _check_user_in_scope(actor: Staff, staff: Staff) -> None:
    if not staff.is_active:
        raise PortalError(f"{staff} has no access to change or disable.", code="inactive")
    _check_organization(actor, staff.organization)
    if not staff.offices.filter(pk__in=requester_offices(actor)).exists():
        raise PortalError(
            f"{staff} works in no office you are designated for.", code="not_designated"
        )


def _check_nothing_pending(staff: Staff) -> None:
    waiting = [
        AccessRequest.Status.PENDING,
        AccessRequest.Status.SCHEDULED,
        AccessRequest.Status.IN_EFFECT,
    ]
    if AccessRequest.objects.filter(staff=staff, status__in=waiting).exists():
        raise PortalError(f"A request about {staff} is already waiting.", code="duplicate")


def access_request_change(
    *,
    actor: Staff,
    staff: Staff,
    role: str,
    offices: list[Office],
    supervisor_certified: bool,
) -> AccessRequest:
    """A designated requester asks for a new role and/or offices for one of their users.

    Every problem is reported at once, each with its field, as for an add; the checks on the
    user's organization wait until the user is one the requester looks after.
    """
    offices = list(offices)
    in_scope = refusals([("staff", lambda: _check_user_in_scope(actor, staff))])

    def offices_chosen() -> None:
        if not offices:
            raise PortalError("Choose at least one office.", code="no_offices")

    def something_changes() -> None:
        if role == staff.role and {o.pk for o in offices} == set(
            staff.offices.values_list("pk", flat=True)
        ):
            raise PortalError(
                "Nothing would change: choose a new role or other offices.", code="no_change"
            )

    about_the_user = [
        (None, something_changes),
        ("staff", lambda: check_contracts(staff.organization)),
        ("role", lambda: _check_role(role, staff.organization)),
    ]
    raise_all(
        refusals([("offices", lambda: _check_requester(actor, offices))])
        + in_scope
        + refusals(
            [
                ("offices", offices_chosen),
                *(about_the_user if not in_scope else []),
                ("supervisor_certified", lambda: _check_certified(supervisor_certified)),
                ("staff", lambda: _check_nothing_pending(staff)),
            ]
        )
    )
    with transaction.atomic(), audit_reason("access request filed: change user", actor=actor):
        request = AccessRequest.objects.create(
            kind=AccessRequest.Kind.CHANGE,
            requested_by=actor,
            staff=staff,
            first_name=staff.first_name,
            last_name=staff.last_name,
            email=staff.email,
            organization=staff.organization,
            role=role,
            supervisor_certified=True,
        )
        request.offices.set(offices)
        _notify_filed(request)
    return request


def access_request_disable(
    *,
    actor: Staff,
    staff: Staff,
    reason: str,
    reason_other: str,
    effective_at: datetime | None,
) -> tuple[AccessRequest, str | None]:
    """A designated requester asks that a user be disabled at `effective_at`.

    The disable takes effect at that time whether or not MIS access management has approved it
    yet (access.selectors.due_disable_requests). The policy asks for at least 24 hours' notice
    "if possible": less is accepted, with a warning. A dismissal may take effect at once (no time
    given: now), and the MIS security and data sharing administrator is emailed at once.
    """
    now = timezone.now()
    dismissal = reason in AccessRequest.DISMISSALS
    if effective_at is None and dismissal:
        effective_at = now
    if not actor.can_request_access:
        raise PortalError(
            "Only designated MIS access requesters file access requests.", code="not_requester"
        )
    _check_user_in_scope(actor, staff)
    if reason not in AccessRequest.DisableReason.values:
        raise PortalError("Choose the reason the user no longer needs access.", code="reason")
    reason_other = checked_line(reason_other, label="the other reason", limit=200)
    if reason == AccessRequest.DisableReason.OTHER and not reason_other:
        raise PortalError("Describe the other reason.", code="reason")
    if effective_at is None:
        raise PortalError("Give the date and time access ends.", code="effective")
    if effective_at < now - PAST_EFFECTIVE_GRACE:
        raise PortalError(
            "The date and time access ends is in the past: give now or a later time.",
            code="effective_past",
        )
    _check_nothing_pending(staff)
    warning = None
    if effective_at < now + DISABLE_NOTICE and not dismissal:
        warning = (
            "The policy asks for at least 24 hours' notice before a user is disabled, if possible: "
            "this request gives less, and was filed."
        )
    with transaction.atomic(), audit_reason("access request filed: disable user", actor=actor):
        request = AccessRequest.objects.create(
            kind=AccessRequest.Kind.DISABLE,
            requested_by=actor,
            staff=staff,
            first_name=staff.first_name,
            last_name=staff.last_name,
            email=staff.email,
            organization=staff.organization,
            disable_reason=reason,
            disable_reason_other=reason_other,
            effective_at=effective_at,
        )
        _notify_filed(request)
        if dismissal:
            when = shown(effective_at)
            notify(
                to=list(administrator_emails()),
                subject=f"Dismissed: access of {staff} ends {'now' if effective_at <= now else when}",
                body=(
                    f"{actor} ({actor.organization}) reports that {staff} ({staff.username}, {staff.organization}) "
                    f"was dismissed ({in_sentence(request.get_disable_reason_display())}). Their access to the WorkSource "
                    f"portal ends {when}, without waiting for MIS access management."
                ),
            )
    if effective_at <= now:
        staff_end_access(staff_id=staff.pk, now=now)  # at once: every session of theirs ends now
        request.refresh_from_db()
    return request, warning


def access_request_withdraw(*, actor: Staff, request_id: int) -> AccessRequest:
    with transaction.atomic():
        request = AccessRequest.objects.select_for_update().get(pk=request_id)
        if refusal := withdraw_refusal(actor, request):
            raise refusal
        with audit_reason("access request withdrawn", actor=actor):
            request.status = ACCESS_REQUESTS.next_state(
                request.status, AccessRequest.Action.WITHDRAW
            )
            request.save(update_fields=["status"])
    return request
