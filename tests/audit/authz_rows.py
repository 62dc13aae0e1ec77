from django.urls import reverse

from tests.authz import LOGIN, STATE_READERS, by_role

# The trail and the browsing report: the auditor and the MIS security and data sharing administrator.
TRAIL_READERS = {"mis_admin": 200, "auditor": 200}
# Who has seen a seeker's record: state staff who read records (the auditor among them); a
# partner's staff member is refused (the page is the state's, whichever seeker it is about).
DISCLOSURE_READERS = dict.fromkeys(STATE_READERS, 200)

MATRIX = {
    ("audit:trail", "GET"): by_role(403, anonymous=LOGIN, **TRAIL_READERS),
    ("audit:trail", "POST"): by_role(403, anonymous=LOGIN, mis_admin=302, auditor=302),
    ("audit:trail_csv", "GET"): by_role(403, anonymous=LOGIN, **TRAIL_READERS),
    ("audit:browsing", "GET"): by_role(403, anonymous=LOGIN, **TRAIL_READERS),
    ("audit:disclosures", "GET"): by_role(403, anonymous=LOGIN, **DISCLOSURE_READERS),
    ("audit:disclosures_print", "GET"): by_role(403, anonymous=LOGIN, **DISCLOSURE_READERS),
    ("audit:disclosures_csv", "GET"): by_role(403, anonymous=LOGIN, **DISCLOSURE_READERS),
}


def request_for(name, world, seeker):
    if name in ("audit:trail", "audit:trail_csv", "audit:browsing"):
        return reverse(name), {}
    if name.startswith("audit:disclosures"):
        return reverse(name, args=[seeker.pk]), {}
    return None
