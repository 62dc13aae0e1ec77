"""Authorization matrix rows for MIS access administration (see tests/authz.py).

In `world` nobody is designated MIS access requester yet, so a requester's form POST comes back
with the refusal (200); everyone is onboarded, so the onboarding pages send them on (302).
"""

from django.urls import reverse

from access.models import AccessRequest, Contract, Report
from tests.authz import LOGIN, by_role

EVERYONE = by_role(200, anonymous=LOGIN)
ADMIN, MANAGEMENT, REQUESTER = "mis_admin", "access_management", "access_requester"


def only(role, status, other=403):
    return by_role(other, anonymous=LOGIN, **{role: status})


def filers(status):
    return by_role(403, anonymous=LOGIN, **{REQUESTER: status, ADMIN: status})


MATRIX = {
    # First sign-in: the one-time link answers everyone (it is how a new user arrives); a bad link says so.
    ("access:welcome", "GET"): by_role(200),
    ("access:welcome", "POST"): by_role(200),
    ("access:mfa_enrol", "GET"): by_role(
        302, anonymous=LOGIN
    ),  # already set up: on to the dashboard
    ("access:mfa_enrol", "POST"): by_role(302, anonymous=LOGIN),
    ("access:mfa_verify", "GET"): by_role(302, anonymous=LOGIN),  # no code pending
    ("access:mfa_verify", "POST"): by_role(302, anonymous=LOGIN),
    ("access:nda", "GET"): EVERYONE,
    ("access:nda", "POST"): EVERYONE,  # already signed: the page shows the signature
    # Designated MIS access requesters.
    # The administrator files for the state agency's own staff (policy 1021 i).
    ("access:requests", "GET"): filers(200),
    ("access:request_add", "GET"): filers(200),
    ("access:request_add", "POST"): filers(
        200
    ),  # refused: not designated for the area, or the form incomplete
    ("access:request_change", "GET"): filers(200),
    ("access:request_change", "POST"): filers(200),
    ("access:request_disable", "GET"): filers(200),
    ("access:request_disable", "POST"): filers(200),
    ("access:request_detail", "GET"): by_role(
        404, anonymous=LOGIN, **{REQUESTER: 200, MANAGEMENT: 200, ADMIN: 200}
    ),
    ("access:request_withdraw", "POST"): by_role(
        404, anonymous=LOGIN, **{REQUESTER: 302, MANAGEMENT: 302, ADMIN: 302}
    ),
    # MIS access management.
    ("access:queue", "GET"): only(MANAGEMENT, 200),
    ("access:request_decide", "POST"): only(MANAGEMENT, 302),
    # Approve asks for a confirmation first.
    ("access:request_approve", "GET"): only(MANAGEMENT, 200),
    ("access:request_approve", "POST"): only(MANAGEMENT, 302),
    ("access:lockouts", "GET"): only(MANAGEMENT, 200),
    ("access:lockouts", "POST"): only(MANAGEMENT, 302),
    # The MIS security and data sharing administrator.
    ("access:contracts", "GET"): only(ADMIN, 200),
    ("access:contract_add", "GET"): only(ADMIN, 200),
    ("access:contract_add", "POST"): only(ADMIN, 302),
    ("access:contract_end", "GET"): only(ADMIN, 200),
    ("access:contract_end", "POST"): only(ADMIN, 302),
    ("access:expiring", "GET"): only(ADMIN, 200),
    ("access:requesters", "GET"): only(ADMIN, 200),
    ("access:requesters", "POST"): only(ADMIN, 302),
    ("access:undesignate", "POST"): only(ADMIN, 302),
    # Reports: anyone files; the reporter and the administrator open it; only the administrator moves it.
    ("access:reports", "GET"): EVERYONE,
    ("access:report_add", "GET"): EVERYONE,
    ("access:report_add", "POST"): by_role(302, anonymous=LOGIN),
    ("access:report_detail", "GET"): by_role(
        404, anonymous=LOGIN, partner_case_manager=200, **{ADMIN: 200}
    ),
    ("access:report_detail", "POST"): by_role(
        404, anonymous=LOGIN, partner_case_manager=403, **{ADMIN: 302}
    ),
}


def _access_request(world):
    return AccessRequest.objects.create(
        kind=AccessRequest.Kind.DISABLE,
        requested_by=world.access_requester,
        staff=world.partner_case_manager,
        disable_reason=AccessRequest.DisableReason.RESIGNATION,
        effective_at="2999-01-01T00:00Z",
    )


def _report(world):
    return Report.objects.create(
        kind=Report.Kind.SYSTEM_ABUSE,
        reported_by=world.partner_case_manager,
        organization=world.partner,
        occurred_on="2026-01-05",
        summary="Shared password seen on a sticky note",
        details="At the front desk.",
    )


def request_for(name, world, seeker):
    if not name.startswith("access:") or name == "access:switch_office":
        return None
    office = world.office_a
    if name == "access:welcome":
        return reverse(name, args=["MQ", "not-a-valid-token"]), {
            "new_password1": "x",
            "new_password2": "x",
        }
    if name in {"access:mfa_enrol", "access:mfa_verify"}:
        return reverse(name), {"code": "000000"}
    if name == "access:nda":
        return reverse(name), {"typed_name": "Someone Else"}
    if name == "access:request_add":
        return reverse(name), {
            "first_name": "Pat",
            "last_name": "New",
            "email": "pat.new@example.org",
            "organization": world.partner.pk,
            "role": "case_manager",
            "offices": [office.pk],
            "training_completed_on": "2026-01-02",
            "supervisor_certified": "on",
        }
    if name == "access:request_change":
        return reverse(name), {
            "staff": world.partner_case_manager.pk,
            "role": "case_manager",
            "offices": [office.pk],
            "supervisor_certified": "on",
        }
    if name == "access:request_disable":
        return reverse(name), {
            "staff": world.partner_case_manager.pk,
            "reason": "resignation",
            "effective_at": "2999-01-01T09:00",
        }
    if name in {
        "access:request_detail",
        "access:request_withdraw",
        "access:request_decide",
        "access:request_approve",
    }:
        return reverse(name, args=[_access_request(world).pk]), {
            "decision": "reject",
            "reason": "Incomplete.",
        }
    if name == "access:lockouts":
        return reverse(name), {"username": "nobody.locked"}
    if name == "access:contract_add":
        return reverse(name), {
            "organization": world.partner.pk,
            "kind": "data_sharing",
            "party": "esd",
            "effective_date": "2026-01-01",
            "expiry_date": "2027-01-01",
            "business_case": "WIOA services.",
            "data_owner_name": "Dana Owner",
            "data_owner_signed_on": "2025-12-01",
        }
    if name == "access:contract_end":
        contract = Contract.objects.filter(
            organization=world.partner, kind=Contract.Kind.DATA_SHARING
        ).first()
        return reverse(name, args=[contract.pk]), {"reason": "Contract terminated for cause."}
    if name == "access:requesters":
        return reverse(name), {"staff": world.access_requester.pk, "area": office.area.pk}
    if name == "access:undesignate":
        return reverse(name, args=[world.access_requester.pk]), {"group": 0}
    if name == "access:report_add":
        return reverse(name), {
            "kind": "records_request",
            "occurred_on": "2026-01-05",
            "summary": "A subpoena arrived",
            "details": "Served at the front desk.",
        }
    if name == "access:report_detail":
        return reverse(name, args=[_report(world).pk]), {
            "action": "review",
            "note": "Looking into it.",
        }
    return reverse(name), {}
