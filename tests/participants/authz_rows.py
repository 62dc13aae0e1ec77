from django.urls import reverse

from tests.authz import EDITORS, LOGIN, PARTNER_READERS, READERS, STATE_READERS, by_role

MATRIX = {
    ("participants:search", "GET"): by_role(403, anonymous=LOGIN, **dict.fromkeys(READERS, 200)),
    # The search's POST is answered with its results page.
    ("participants:search", "POST"): by_role(403, anonymous=LOGIN, **dict.fromkeys(READERS, 200)),
    ("participants:add_to_office", "GET"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(EDITORS, 200)
    ),
    ("participants:add_to_office", "POST"): by_role(
        403, anonymous=LOGIN, **dict.fromkeys(EDITORS, 200)
    ),
    ("participants:enroll", "GET"): by_role(405, anonymous=LOGIN),
    ("participants:enroll", "POST"): by_role(403, anonymous=LOGIN, **dict.fromkeys(EDITORS, 302)),
    # The record's "Add Seeker to Office": any seeker the person sees, into their current office.
    ("participants:enroll_seeker", "GET"): by_role(405, anonymous=LOGIN),
    ("participants:enroll_seeker", "POST"): by_role(
        403,
        anonymous=LOGIN,
        **dict.fromkeys(EDITORS, 302)
        | dict.fromkeys(
            ("partner_case_manager", "partner_restricted", "partner_case_manager_b"),
            (302, 302, 404),
        ),
    ),
    ("participants:detail", "GET"): by_role(
        403,
        anonymous=LOGIN,
        **dict.fromkeys(STATE_READERS, 200),
        **dict.fromkeys(PARTNER_READERS, (200, 200, 404)),
    ),
    # Saving the record: a role that edits, with the seeker in the office the person is logged into
    # (office A, or B for the office B people); a restricted partner edits like any partner.
    ("participants:detail", "POST"): by_role(
        403,
        anonymous=LOGIN,
        esd_case_manager=(302, 403, 302),
        esd_supervisor=(302, 403, 302),
        esd_restricted=(302, 403, 302),
        partner_case_manager=(302, 403, 404),
        partner_restricted=(302, 403, 404),
        lwdb_reviewer=(403, 403, 404),
        partner_case_manager_b=(403, 302, 404),
        esd_supervisor_b=(403, 302, 403),
        lwdb_reviewer_b=(403, 403, 404),
    ),
}


def request_for(name, world, seeker):
    if name == "participants:detail":
        return reverse(name, args=[seeker.pk]), {
            "first_name": seeker.first_name,
            "last_name": seeker.last_name,
            "phone": "(360) 555-0199",
        }
    if name in ("participants:search", "participants:add_to_office"):
        return reverse(name), {"q": seeker.last_name, "scope": "worksource"}
    if name == "participants:enroll":
        return reverse(name), {"participants": [seeker.pk]}
    if name == "participants:enroll_seeker":
        return reverse(name, args=[seeker.pk]), {}
    return None
