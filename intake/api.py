"""The intake API: registrations and opt-out selections from the state's other systems.

Built on django-ninja (1.6.3 and later declare Django 6.1 support): the request schemas are
pydantic models, from which it serves the OpenAPI schema itself, with no second library and no
serializer layer beside the checks this app already shares with the bulk load. Django REST
framework would need drf-spectacular for the schema and serializers that would say the same
checks a second time.

Every call carries a sending system's bearer token (`Authorization: Bearer <key id>.<secret>`)
and an `Idempotency-Key`; the checks are intake.validation's, the writes intake.services'.
Answers never hold an SSN, and neither does anything logged about a call.
"""

import re
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer
from pydantic import ConfigDict

from portal.errors import PortalError

from . import services
from .models import Scope, ServiceCredential
from .services import Answer
from .validation import (
    UNKNOWN_FIELD,
    Invalid,
    opt_out_selection_clean,
    registration_clean,
)

# A key is the sender's choice: any printable ASCII without spaces, as most clients send UUIDs.
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,100}")
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        description="Chosen by the sender, new for each new request; a repeat answers the first.",
    ),
]


class ServiceToken(HttpBearer):
    """A sending system's credential; each call reads it again, so a revoked one fails at once."""

    def authenticate(self, request: HttpRequest, token: str) -> ServiceCredential | None:
        return services.credential_authenticate(token)


api = NinjaAPI(
    title="WorkSource portal intake API",
    version="1",
    description=(
        "Seekers' registrations and opt-out selections from the state's systems. "
        "Each call needs a service credential (bearer token) and an Idempotency-Key header."
    ),
    auth=ServiceToken(),
    urls_namespace="intake_api",
    docs_url=None,  # the interactive page loads its script from a CDN; the portal runs offline
)


class RegistrationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    registration_id: str = Field(description="The sending system's id of the registration.")
    first_name: str
    middle_name: str | None = None
    last_name: str
    date_of_birth: str | None = Field(None, description="YYYY-MM-DD", examples=["1984-07-02"])
    ssn: str | None = Field(None, description="Nine digits, with or without dashes.")
    phone: str | None = None
    email: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = Field(None, description="Two-letter code.", examples=["WA"])
    zip_code: str | None = None
    office: str | None = Field(None, description="The name of the office that registered them.")


class OptOutSelectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    claim_id: str = Field(description="The unemployment insurance claim's id.")
    ssn: str | None = Field(None, description="The claimant's SSN, or send registration_id.")
    registration_id: str | None = None
    opted_out: bool = Field(description="True: the claimant refused sharing with non-ESD staff.")
    when: str = Field(
        description="When the choice was made (ISO 8601).", examples=["2026-11-30T10:15:00-08:00"]
    )


class RegistrationOut(Schema):
    outcome: str = Field(description="created, updated or held")
    registration_id: str
    customer_id: str | None = Field(None, description="The portal's id of the seeker.")
    held_id: int | None = Field(None, description="Set when held for state staff to resolve.")


class OptOutSelectionOut(Schema):
    outcome: str = Field(description="applied, or not_applied when a newer decision stands")
    claim_id: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _error(code: str, message: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or {}}


def _respond(request: HttpRequest, answer: Answer) -> HttpResponse:
    return api.create_response(request, answer.body, status=answer.status)


def _call(
    request: HttpRequest, scope: str, key: str, body: dict[str, Any], handle: Any
) -> HttpResponse:
    """The scope, the Idempotency-Key, then `handle` once per key, refusals logged."""
    credential: ServiceCredential = request.auth  # type: ignore[attr-defined]
    if scope not in credential.scopes:
        return _respond(
            request,
            Answer(403, _error("scope_not_granted", f"This credential may not send {scope}.")),
        )
    if not IDEMPOTENCY_KEY.fullmatch(key):
        return _respond(
            request,
            Answer(
                422,
                _error(
                    "idempotency_key_missing",
                    "Send an Idempotency-Key header: a new value for each new request.",
                    {"Idempotency-Key": ["Send 1 to 100 characters, chosen per request."]},
                ),
            ),
        )
    system = credential.system

    def checked() -> Answer:
        try:
            return handle(system)
        except Invalid as exc:
            answer = Answer(422, _error(exc.code, exc.message, exc.errors))
        except PortalError as exc:
            answer = Answer(422, _error(exc.code, exc.message))
        services.intake_event_record(
            system=system,
            kind=scope,
            outcome=services.Outcome.REFUSED,
            code=answer.body["code"],
            message=", ".join(answer.body["errors"]) or answer.body["message"],
        )
        return answer

    return _respond(
        request,
        services.idempotent_call(
            system=system, key=key, operation=scope, body=body, handle=checked
        ),
    )


@api.post(
    "/registrations",
    response={200: RegistrationOut, 201: RegistrationOut, 202: RegistrationOut, **ERRORS},
    url_name="registration",
    summary="A seeker's account created or changed",
)
def registration(
    request: HttpRequest, payload: RegistrationIn, idempotency_key: IdempotencyKey
) -> HttpResponse:
    """201 created, 200 updated, 202 held (the SSN is another seeker's: state staff resolve it).

    An update changes only the fields it sends: a field omitted keeps the seeker's value, a field
    sent empty or null clears it. The names are sent every time.
    """
    body = payload.model_dump(exclude_unset=True)

    def handle(system: Any) -> Answer:
        registration_id, fields, ssn = registration_clean(body)
        result = services.registration_receive(
            system=system, registration_id=registration_id, fields=fields, ssn=ssn
        )
        status = {"created": 201, "updated": 200, "held": 202}[result.outcome]
        return Answer(
            status,
            {
                "outcome": result.outcome,
                "registration_id": registration_id,
                "customer_id": result.participant.customer_id if result.participant else None,
                "held_id": result.held.pk if result.held else None,
            },
        )

    return _call(request, Scope.REGISTRATION, idempotency_key, body, handle)


@api.post(
    "/opt-out-selections",
    response={200: OptOutSelectionOut, **ERRORS},
    url_name="opt_out_selection",
    summary="The claimant's opt-out choice in the UI claim",
)
def opt_out_selection(
    request: HttpRequest, payload: OptOutSelectionIn, idempotency_key: IdempotencyKey
) -> HttpResponse:
    """Applied unless a newer decision (an ESD supervisor's opt-in, say) stands."""
    body = payload.model_dump(exclude_unset=True)

    def handle(system: Any) -> Answer:
        selection = opt_out_selection_clean(body)
        outcome = services.opt_out_selection_receive(system=system, selection=selection)
        return Answer(200, {"outcome": outcome, "claim_id": selection.claim_id})

    return _call(request, Scope.OPT_OUT_SELECTION, idempotency_key, body, handle)


# Where a refusal is: a field, a header or a list's index. A key shaped otherwise (a JSON key that
# is an SSN) is not repeated back to the sender.
LOCATION = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}|[0-9]{1,4}")


@api.exception_handler(SchemaError)
def schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    """Pydantic's refusals as field → messages; never its `input`, which may be an SSN."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part) if LOCATION.fullmatch(str(part)) else UNKNOWN_FIELD
            for part in error.get("loc", ())
            if part not in ("body", "payload", "header")
        ]
        errors.setdefault(".".join(location) or "body", []).append(str(error.get("msg", "")))
    return api.create_response(
        request, _error("invalid", "The request has invalid fields.", errors), status=422
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        _error("unauthenticated", "Send a valid, unrevoked service credential as a bearer token."),
        status=401,
    )
