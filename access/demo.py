"""MIS access demo data: contracts in every state, a designated requester, waiting requests, a report.

The demo logins are onboarded (agreement signed, authenticator app set up with the published demo
key below, so anyone trying the demo can add it to an app or print the code with
`manage.py demo_code`). Contracts of the demo logins' organizations stay in effect; the contract
expiring in 10 days and the expired one belong to organizations without demo logins.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_reason

from . import mfa
from .models import (
    AccessRequest,
    AuthenticatorApp,
    ConfidentialityAgreement,
    Contract,
    Office,
    Organization,
    Report,
    Staff,
    WorkforceDevelopmentArea,
)
from .roles import Role

# A published, demo-only key: never use it for a real account.
DEMO_AUTHENTICATOR_KEY = "JBSWY3DPEHPK3PXPWORKSOURCEDEMO23"
LONG_RUNNING = date(2031, 7, 1)
EXPIRING_ORGANIZATION = "Harbor Youth Services"
EXPIRED_ORGANIZATION = "Coastal Training Partners"

# Staff without demo logins (no usable password), who the waiting requests are about.
# username: (first, last, organization, office, active)
OTHER_STAFF = {
    "dfisher": (
        "Dale",
        "Fisher",
        "Olympic Consortium Partner Services",
        "WorkSource Port Angeles",
        True,
    ),
    "nellis": (
        "Nora",
        "Ellis",
        "Olympic Consortium Partner Services",
        "WorkSource Bremerton",
        True,
    ),
    "hmorgan": ("Hana", "Morgan", EXPIRING_ORGANIZATION, "WorkSource Aberdeen", True),
    "rbishop": ("Ray", "Bishop", EXPIRING_ORGANIZATION, "WorkSource Olympia", True),
    "cvance": ("Cleo", "Vance", EXPIRED_ORGANIZATION, "WorkSource Aberdeen", False),
}


def _contract(organization, kind, effective, expiry, number):
    Contract.objects.get_or_create(
        organization=organization,
        kind=kind,
        number=number,
        defaults={
            "party": Contract.Party.ESD
            if kind == Contract.Kind.DATA_SHARING
            else Contract.Party.LWDB,
            "effective_date": effective,
            "expiry_date": expiry,
            "business_case": "Case management of WIOA Title I participants in WorkSource offices.",
            "data_owner_name": "Jordan Price, Employment Connections",
            "data_owner_signed_on": effective,
            "approved_at": timezone.now(),
        },
    )


@transaction.atomic
def seed_access_demo(people: dict | None = None) -> None:
    """Adds the MIS access demo; running it again changes nothing that is already there.

    `people` (the demo logins by username) are refreshed, so callers go on with signed staff.
    """
    from .services import (
        access_request_add,
        access_request_change,
        access_request_disable,
        report_file,
        requester_designate,
    )

    today = timezone.localdate()
    now = timezone.now()
    with audit_reason("demo data"):
        organizations = {o.name: o for o in Organization.objects.all()}
        for name in (EXPIRING_ORGANIZATION, EXPIRED_ORGANIZATION):
            organizations[name], _ = Organization.objects.get_or_create(name=name)
        for name, organization in organizations.items():
            if organization.is_state_agency:
                continue
            service_expiry = data_expiry = LONG_RUNNING
            if name == EXPIRING_ORGANIZATION:
                data_expiry = today + timedelta(days=10)
            if name == EXPIRED_ORGANIZATION:
                data_expiry = today - timedelta(days=20)
            _contract(
                organization,
                Contract.Kind.SERVICE,
                date(2024, 7, 1),
                service_expiry,
                f"SVC-{organization.pk:03d}",
            )
            _contract(
                organization,
                Contract.Kind.DATA_SHARING,
                date(2024, 7, 1),
                data_expiry,
                f"DSA-{organization.pk:03d}",
            )

        offices = {office.name: office for office in Office.objects.all()}
        for username, (first, last, org, office, active) in OTHER_STAFF.items():
            person, created = Staff.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "organization": organizations[org],
                    "role": Role.CASE_MANAGER,
                    "current_office": offices[office],
                    "is_active": active,
                    "password": "!",
                },
            )
            if created:
                person.offices.set([offices[office]])

        for person in Staff.objects.filter(is_active=True, nda_signed_at__isnull=True).exclude(
            username="AnonymousUser"
        ):
            ConfidentialityAgreement.objects.create(
                staff=person,
                typed_name=person.get_full_name(),
                version="2026-1",
                area=", ".join(sorted({str(o.area) for o in person.offices.select_related("area")}))
                or "—",
                signed_at=now,
            )
            person.nda_signed_at = now
            person.save(update_fields=["nda_signed_at"])
            if (
                person.has_usable_password()
                and not AuthenticatorApp.objects.filter(user=person).exists()
            ):
                app = AuthenticatorApp(user=person, name="Authenticator app", confirmed=True)
                app.set_secret(mfa.secret_from_base32(DEMO_AUTHENTICATOR_KEY))
                app.save()

    administrator = Staff.objects.get(username="mis.admin")
    requester = Staff.objects.get(username="access.requester")
    if not requester.groups.exists():
        requester_designate(
            actor=administrator,
            staff=requester,
            area=WorkforceDevelopmentArea.objects.get(number=1),
        )
    if not AccessRequest.objects.exists():
        access_request_add(
            actor=requester,
            first_name="Jordan",
            last_name="Lee",
            email="jordan.lee@example.org",
            organization=organizations["Olympic Consortium Partner Services"],
            role=Role.CASE_MANAGER,
            offices=[offices["WorkSource Bremerton"]],
            logs_into=offices["WorkSource Bremerton"],
            training_completed_on=today - timedelta(days=3),
            supervisor_certified=True,
        )
        access_request_change(
            actor=requester,
            staff=Staff.objects.get(username="nellis"),
            role=Role.CASE_MANAGER,
            offices=[offices["WorkSource Bremerton"], offices["WorkSource Port Angeles"]],
            supervisor_certified=True,
        )
        access_request_disable(
            actor=requester,
            staff=Staff.objects.get(username="dfisher"),
            reason=AccessRequest.DisableReason.RESIGNATION,
            reason_other="",
            effective_at=now + timedelta(days=3),
        )
    for person in (people or {}).values():
        person.refresh_from_db()
    if not Report.objects.exists():
        report_file(
            actor=Staff.objects.get(username="partner.casemanager"),
            kind=Report.Kind.RECORDS_REQUEST,
            occurred_on=today,
            summary="Newspaper asks for placement records",
            details="A reporter phoned asking for a list of seekers placed this year. Told them to write to the Records Disclosure Unit.",
        )
