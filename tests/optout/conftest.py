from django.utils import timezone

from optout.models import OptInRequest
from optout.services import opt_in_request_file, opt_out_lookup


def ssn_forms(ssn: str) -> tuple[str, str]:
    digits = ssn.replace("-", "")
    return digits, f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def assert_no_ssn(text: str, *ssns: str) -> None:
    for ssn in ssns:
        for form in ssn_forms(ssn):
            assert form not in text, f"an SSN is in: {text[:200]!r}"


def file_request(world, seeker=None, actor=None, **fields) -> OptInRequest:
    """A partner case manager's opt-in request for an opted-out seeker, through the services."""
    seeker = seeker or world.seekers["opted_out"]
    actor = actor or world.partner_case_manager
    lookup = opt_out_lookup(actor=actor, ssn=seeker.ssn)
    values = {
        "client_name": f"{seeker.first_name} {seeker.last_name}",
        "client_phone": "(360) 555-0100",
        "client_reason": "Wants WIOA adult services from our office.",
    } | fields
    return opt_in_request_file(actor=actor, lookup=lookup, **values)


def decide(world, opt_in_request, decision, actor=None, **fields):
    from optout.services import opt_in_request_decide

    values = {
        "client_contacted_on": timezone.localdate(),
        "note": "",
        "esd_staff_offered": False,
    } | fields
    return opt_in_request_decide(
        actor=actor or world.esd_supervisor,
        opt_in_request=opt_in_request,
        decision=decision,
        **values,
    )
