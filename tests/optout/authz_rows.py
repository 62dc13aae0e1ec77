from django.urls import reverse
from django.utils import timezone

from optout.models import OptInRequest, OptOutLookup
from tests.authz import LOGIN, PARTNER_READERS, by_role

PARTNER_CASE_MANAGERS = ("partner_case_manager", "partner_restricted", "partner_case_manager_b")
SUPERVISORS = ("esd_supervisor", "esd_supervisor_b")

MATRIX = {
    # The Opt-Out Lookup: partner staff who work with seekers; state staff use Quick Search.
    ("optout:lookup", "GET"): by_role(403, anonymous=LOGIN, **dict.fromkeys(PARTNER_READERS, 200)),
    ("optout:lookup", "POST"): by_role(403, anonymous=LOGIN, **dict.fromkeys(PARTNER_READERS, 302)),
    # A lookup's answer: only the person who looked up (the partner case manager in these rows).
    ("optout:lookup_result", "GET"): by_role(404, anonymous=LOGIN, partner_case_manager=200),
    # Filing: partner case managers, from their own CLIENT OPTED OUT answer only.
    # (Another case manager's lookup is not theirs: 404.)
    ("optout:request_file", "GET"): by_role(
        403,
        anonymous=LOGIN,
        **(dict.fromkeys(PARTNER_CASE_MANAGERS, 404) | {"partner_case_manager": (404, 404, 200)}),
    ),
    ("optout:request_file", "POST"): by_role(
        403,
        anonymous=LOGIN,
        **(dict.fromkeys(PARTNER_CASE_MANAGERS, 404) | {"partner_case_manager": (404, 404, 302)}),
    ),
    ("optout:my_requests", "GET"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(PARTNER_CASE_MANAGERS, 200)
    ),
    # A request (filed by the partner case manager in office A's area): the filer and that area's
    # supervisors; a supervisor of the other area finds nothing (404), and nothing in the queue.
    ("optout:request_detail", "GET"): by_role(
        404, anonymous=LOGIN, partner_case_manager=200, esd_supervisor=200
    ),
    ("optout:request_withdraw", "GET"): by_role(
        404, anonymous=LOGIN, partner_case_manager=200, esd_supervisor=403
    ),
    ("optout:request_withdraw", "POST"): by_role(
        404, anonymous=LOGIN, partner_case_manager=302, esd_supervisor=403
    ),
    ("optout:request_decide", "GET"): by_role(
        403, anonymous=LOGIN, esd_supervisor=200, esd_supervisor_b=404
    ),
    ("optout:request_decide", "POST"): by_role(
        403, anonymous=LOGIN, esd_supervisor=302, esd_supervisor_b=404
    ),
    ("optout:request_enroll", "GET"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(SUPERVISORS, 405)
    ),
    ("optout:request_enroll", "POST"): by_role(
        403, anonymous=LOGIN, esd_supervisor=302, esd_supervisor_b=404
    ),
    ("optout:queue", "GET"): by_role(403, anonymous=LOGIN, **dict.fromkeys(SUPERVISORS, 200)),
}


def lookup_by_partner(world, seeker) -> OptOutLookup:
    """The partner case manager's lookup of `seeker` (made directly: the service counts toward the hourly limit)."""
    opted_out = seeker.opted_out
    return OptOutLookup.objects.create(
        staff=world.partner_case_manager,
        ssn_index=seeker.ssn_index,
        result=OptOutLookup.Result.OPTED_OUT if opted_out else OptOutLookup.Result.NO_OPT_OUT,
        participant=seeker if opted_out else None,
    )


def request_by_partner(world, seeker) -> OptInRequest:
    return OptInRequest.objects.create(
        participant=seeker,
        lookup=lookup_by_partner(world, seeker),
        filed_by=world.partner_case_manager,
        office=world.office_a,
        area=world.office_a.area,
        client_name=f"{seeker.first_name} {seeker.last_name}",
        client_phone="(360) 555-0100",
        client_reason="Wants WIOA services from our office.",
    )


def request_for(name, world, seeker):
    if name == "optout:lookup":
        return reverse(name), {"ssn": seeker.ssn}
    if name == "optout:lookup_result":
        return reverse(name, args=[lookup_by_partner(world, seeker).pk]), {}
    if name == "optout:request_file":
        return reverse(name, args=[lookup_by_partner(world, seeker).pk]), {
            "client_name": f"{seeker.first_name} {seeker.last_name}",
            "client_phone": "(360) 555-0100",
            "client_reason": "Wants WIOA services from our office.",
        }
    if name in {"optout:my_requests", "optout:queue"}:
        return reverse(name), {}
    if name == "optout:request_decide":
        return reverse(name, args=[request_by_partner(world, seeker).pk]), {
            "decision": "remain_opted_out",
            "client_contacted_on": timezone.localdate().isoformat(),
            "esd_staff_offered": "on",
        }
    if name in {"optout:request_detail", "optout:request_withdraw", "optout:request_enroll"}:
        return reverse(name, args=[request_by_partner(world, seeker).pk]), {}
    return None
