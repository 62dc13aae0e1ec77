"""Demo intake: Job Match and the UI claim as sending systems, each with a credential, and a
few calls of each, so that the intake page has held registrations and a log to show.

Made through the services, as the MIS security and data sharing administrator and the two
systems would; the calls go through the API's own checks.
"""

from datetime import timedelta

from django.utils import timezone

from access.models import Staff
from access.roles import Role
from participants.models import Participant

from . import services
from .models import Scope, SendingSystem
from .validation import Invalid, Selection, registration_clean

REGISTRATIONS = [
    {
        "registration_id": "JM-100201",
        "first_name": "Marisol",
        "last_name": "Quintana",
        "date_of_birth": "1991-03-14",
        "ssn": "958-31-7702",
        "city": "Olympia",
        "state": "WA",
    },
    {
        "registration_id": "JM-100202",
        "first_name": "Terrence",
        "last_name": "Whitfield",
        "date_of_birth": "1978-10-02",
        "ssn": "958-31-7703",
        "city": "Lacey",
        "state": "WA",
    },
    {
        "registration_id": "JM-100203",
        "first_name": "Hoang",
        "last_name": "Nguyen",
        "date_of_birth": "1999-06-21",
        "ssn": "958-31-7704",
        "city": "Tumwater",
        "state": "WA",
    },
    # Terrence moved: the same registration id again updates him.
    {
        "registration_id": "JM-100202",
        "first_name": "Terrence",
        "last_name": "Whitfield",
        "date_of_birth": "1978-10-02",
        "ssn": "958-31-7703",
        "city": "Shelton",
        "state": "WA",
    },
    # No first name: refused, and listed in the log.
    {"registration_id": "JM-100204", "first_name": "", "last_name": "Okafor"},
]


def _administrator() -> Staff | None:
    return (
        Staff.objects.filter(role=Role.MIS_ADMIN, organization__is_state_agency=True)
        .order_by("pk")
        .first()
    )


def _register(system: SendingSystem, data: dict) -> None:
    try:
        registration_id, fields, ssn = registration_clean(data)
    except Invalid as exc:
        services.intake_event_record(
            system=system,
            kind="registration",
            outcome=services.Outcome.REFUSED,
            code=exc.code,
            message=", ".join(exc.errors),
        )
        return
    services.registration_receive(
        system=system, registration_id=registration_id, fields=fields, ssn=ssn
    )


def seed_intake_demo() -> dict[str, str]:
    """Seeds once; answers each new credential's token by system name (empty when seeded before)."""
    admin = _administrator()
    if admin is None or SendingSystem.objects.exists():
        return {}
    job_match = services.sending_system_create(actor=admin, name="Job Match")
    ui_claims = services.sending_system_create(actor=admin, name="UI claims")
    tokens = {
        str(system): services.credential_create(actor=admin, system=system, scopes=[scope]).token
        for system, scope in ((job_match, Scope.REGISTRATION), (ui_claims, Scope.OPT_OUT_SELECTION))
    }
    for data in REGISTRATIONS:
        _register(job_match, data)
    # A registration whose SSN is an existing seeker's: held for state staff to resolve.
    existing = Participant.objects.exclude(registrations__isnull=False).exclude(ssn_index=None)
    seeker = existing.order_by("pk").first()
    if seeker is not None:
        _register(
            job_match,
            {
                "registration_id": "JM-100205",
                "first_name": seeker.first_name,
                "last_name": f"{seeker.last_name}-Lowe",
                "ssn": seeker.ssn,
            },
        )
    # Hoang refused sharing with non-ESD staff when filing an unemployment insurance claim.
    services.opt_out_selection_receive(
        system=ui_claims,
        selection=Selection(
            claim_id="UI-552871",
            ssn="958317704",
            registration_id="",
            opted_out=True,
            when=timezone.now() - timedelta(days=1),
        ),
    )
    return tokens
