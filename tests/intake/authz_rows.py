from django.urls import reverse

from intake.models import HeldRegistration, Scope
from intake.services import credential_create, sending_system_create
from tests.authz import LOGIN, by_role

STATE_INTAKE = {"mis_admin": 200, "state_dataedits": 200}

MATRIX = {
    # The state's intake page: the MIS security and data sharing administrator and state data-edit
    # staff (a held registration names a seeker who may be opted out).
    ("intake:index", "GET"): by_role(403, anonymous=LOGIN, **STATE_INTAKE),
    # A held registration shows its seeker's record: only to those the gate shows the seeker to
    # (the administrator, who reads no seekers, is answered as if it did not exist).
    ("intake:held", "GET"): by_role(403, anonymous=LOGIN, mis_admin=404, state_dataedits=200),
    ("intake:held", "POST"): by_role(403, anonymous=LOGIN, mis_admin=404, state_dataedits=302),
    ("intake:system", "GET"): by_role(403, anonymous=LOGIN, **STATE_INTAKE),
    # Sending systems and their credentials: the administrator alone.
    ("intake:systems", "GET"): by_role(403, anonymous=LOGIN, mis_admin=200),
    ("intake:systems", "POST"): by_role(403, anonymous=LOGIN, mis_admin=302),
    ("intake:credential_create", "GET"): by_role(403, anonymous=LOGIN, mis_admin=405),
    ("intake:credential_create", "POST"): by_role(403, anonymous=LOGIN, mis_admin=200),
    ("intake:credential_revoke", "POST"): by_role(403, anonymous=LOGIN, mis_admin=302),
    # The API answers sending systems' credentials only: a signed-in person is no sending system.
    ("intake_api:registration", "POST"): by_role(401),
    ("intake_api:opt_out_selection", "POST"): by_role(401),
    # The schema is public: it names fields, never data.
    ("intake_api:openapi-json", "GET"): by_role(200),
    # django-ninja's root: named for reversing its prefix, it serves nothing.
    ("intake_api:api-root", "GET"): by_role(404),
}


def _system(world):
    return sending_system_create(actor=world.mis_admin, name="Job Match")


def request_for(name, world, seeker):
    if name in {"intake:index", "intake:systems"}:
        return reverse(name), {"name": "UI claims"}
    if name == "intake:held":
        held = HeldRegistration.objects.create(
            system=_system(world),
            external_id="R-1",
            fields={"first_name": "Rosa", "last_name": "Reyes", "date_of_birth": ""},
            conflicting_participant=seeker,
        )
        return reverse(name, args=[held.pk]), {"resolution": "linked"}
    if name in {"intake:system", "intake:credential_create"}:
        return reverse(name, args=[_system(world).pk]), {"scopes": [Scope.REGISTRATION]}
    if name == "intake:credential_revoke":
        issued = credential_create(
            actor=world.mis_admin, system=_system(world), scopes=[Scope.REGISTRATION]
        )
        return reverse(name, args=[issued.credential.pk]), {}
    if name.startswith("intake_api:"):
        return reverse(name), {}
    return None
