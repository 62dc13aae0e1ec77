"""Every write of intake: sending systems and their credentials, registrations, opt-out
selections, held registrations' resolution and the intake log. Keyword-only, atomic, audited;
what a sending system sends is audited with its service account as the actor."""

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_date
from django.utils.text import slugify

from access.models import Office, Staff
from access.roles import Role
from audit.models import AuditEntry, recorded_changes, related_names, seeker_of
from optout.services import participant_apply_opt_out_selection
from participants.crypto import blind_index, keyring
from participants.models import Enrollment, Participant
from participants.services import participant_create
from portal.audit import audit_reason, created_changes, current_correlation_id
from portal.bulk import copy_insert
from portal.errors import PortalError
from portal.text import checked_line

from .models import (
    HeldRegistration,
    IdempotentCall,
    IntakeEvent,
    Registration,
    Scope,
    SendingSystem,
    ServiceCredential,
)
from .policies import manages_credentials, resolves_held_registrations
from .selectors import held_registrations
from .validation import Selection

Outcome = IntakeEvent.Outcome
# The seeker's fields a registration sets (the office enrolls; the SSN has its own path).
SEEKER_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
)
# What a new seeker has for a field the registration did not send.
NOT_SENT: dict[str, Any] = {name: "" for name in SEEKER_FIELDS} | {"date_of_birth": None}


def seeker_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A new seeker's fields: those sent, the others empty."""
    return {name: fields.get(name, NOT_SENT[name]) for name in SEEKER_FIELDS}


# --- sending systems and credentials ------------------------------------------------------------


def _ensure_manages_credentials(actor: Staff) -> None:
    if not manages_credentials(actor):
        raise PortalError(
            "Only the MIS security and data sharing administrator manages sending systems.",
            code="not_mis_admin",
        )


def sending_system_create(*, actor: Staff, name: str) -> SendingSystem:
    """A system the portal accepts seekers or opt-out selections from, with its service account."""
    _ensure_manages_credentials(actor)
    name = checked_line(name, label="the system's name", required=True, limit=100)
    slug = slugify(name)[:50]
    if not slug:
        raise PortalError("Name the system with letters or digits.", code="invalid_name")
    if SendingSystem.objects.filter(slug=slug).exists():
        raise PortalError("A sending system of this name exists already.", code="duplicate")
    with transaction.atomic(), audit_reason(f"sending system {name} created", actor=actor):
        # The service account names the system in the audit trail and the opt-out history; it
        # never signs in: inactive, no password, no organization and so no seeker in sight.
        account = Staff(
            username=f"system.{slug}"[:150],
            first_name=name[:150],
            last_name="(sending system)",
            role=Role.AUDITOR,
            is_active=False,
        )
        account.set_unusable_password()
        account.save()
        return SendingSystem.objects.create(
            name=name, slug=slug, service_account=account, created_by=actor
        )


def _secret_hash(secret: str) -> str:
    # The secret is 256 random bits: a fast hash cannot be searched back, a slow one only costs
    # every call its time.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedCredential:
    credential: ServiceCredential
    token: str  # shown once, to the administrator who created it; never stored


def credential_create(
    *, actor: Staff, system: SendingSystem, scopes: list[str]
) -> IssuedCredential:
    """A new credential for `system`; the token is in the answer and nowhere else."""
    _ensure_manages_credentials(actor)
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(Scope.values):
        raise PortalError("Choose what the system may send.", code="no_scope")
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic(), audit_reason(f"credential issued to {system}", actor=actor):
        credential = ServiceCredential.objects.create(
            system=system,
            key_id=key_id,
            secret_hash=_secret_hash(secret),
            scopes=scopes,
            created_by=actor,
        )
    return IssuedCredential(credential=credential, token=f"{key_id}.{secret}")


def credential_revoke(*, actor: Staff, credential: ServiceCredential) -> ServiceCredential:
    """Ends a credential at once: its very next call is refused."""
    _ensure_manages_credentials(actor)
    with transaction.atomic():
        locked = ServiceCredential.objects.select_for_update().get(pk=credential.pk)
        if locked.is_revoked:
            return locked
        locked.revoked_by, locked.revoked_at = actor, timezone.now()
        with audit_reason(f"credential of {locked.system} revoked", actor=actor):
            locked.save(update_fields=["revoked_by", "revoked_at"])
    return locked


def credential_authenticate(token: str) -> ServiceCredential | None:
    """The credential a bearer token stands for, unless it is unknown, wrong or revoked."""
    key_id, _, secret = (token or "").partition(".")
    if not key_id or not secret:
        return None
    credential = (
        ServiceCredential.objects.select_related("system__service_account")
        .filter(key_id=key_id)
        .first()
    )
    # Compared even for an unknown key id, so that timing does not tell which ids exist.
    expected = credential.secret_hash if credential else _secret_hash("")
    if not hmac.compare_digest(expected, _secret_hash(secret)) or credential is None:
        return None
    if credential.is_revoked:
        return None
    ServiceCredential.objects.filter(pk=credential.pk).update(last_used_at=timezone.now())
    return credential


# --- the intake log and idempotency --------------------------------------------------------------


def intake_event_record(
    *, system: SendingSystem, kind: str, outcome: str, code: str = "", message: str = ""
) -> IntakeEvent:
    return IntakeEvent.objects.create(
        system=system, kind=kind, outcome=outcome, code=code, message=message[:300]
    )


def request_hash(body: dict[str, Any]) -> str:
    """The body's fingerprint: the same fields and values hash alike whatever their order.

    Keyed (HMAC with the SSN blind index's key): a plain hash of a body that holds an SSN could be
    reversed by trying every SSN against it, the other fields being readable elsewhere.
    """
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(keyring().index_key, canonical.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def idempotent_call(
    *,
    system: SendingSystem,
    key: str,
    operation: str,
    body: dict[str, Any],
    handle: Callable[[], Answer],
) -> Answer:
    """Answers a repeated key with the stored answer; runs `handle` once per key otherwise.

    The same key with another body is refused (422): the sender reused a key by mistake, and
    answering either body's result would be wrong for the other.
    """
    fingerprint = request_hash(body)

    def stored() -> Answer | None:
        call = IdempotentCall.objects.filter(system=system, key=key).first()
        if call is None:
            return None
        if call.operation != operation or call.request_hash != fingerprint:
            return Answer(
                422,
                {
                    "code": "idempotency_key_reused",
                    "message": "This Idempotency-Key was used for another request: "
                    "send a new key for a new request.",
                    "errors": {"Idempotency-Key": ["Used before with another body."]},
                },
            )
        return Answer(call.status_code, call.response)

    earlier = stored()
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            answer = handle()
            IdempotentCall.objects.create(
                system=system,
                key=key,
                operation=operation,
                request_hash=fingerprint,
                status_code=answer.status,
                response=answer.body,
            )
    except IntegrityError:
        # The same key sent twice at once: the other call's work stands, this one rolled back.
        again = stored()
        if again is None:
            raise
        return again
    return answer


# --- registrations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationResult:
    outcome: str
    participant: Participant | None = None
    held: HeldRegistration | None = None


def registration_receive(
    *, system: SendingSystem, registration_id: str, fields: dict[str, Any], ssn: str | None
) -> RegistrationResult:
    """Job Match's account created or changed: the seeker created opted in, or updated.

    The registration id finds the seeker a system registered before; a registration whose SSN
    is already another seeker's is held for state staff (never merged, never duplicated).
    """
    try:
        with transaction.atomic():
            return _registration_receive(system, registration_id, fields, ssn)
    except IntegrityError:
        # The same registration id (or SSN) was new to another call at the same moment, which
        # committed first: this one is answered for what it now is, an update (or a hold).
        with transaction.atomic():
            return _registration_receive(system, registration_id, fields, ssn)


def _registration_receive(
    system: SendingSystem, registration_id: str, fields: dict[str, Any], ssn: str | None
) -> RegistrationResult:
    actor = system.service_account
    reason = f"registration {registration_id} from {system}"
    with transaction.atomic():
        link = (
            Registration.objects.select_for_update()
            .filter(system=system, external_id=registration_id)
            .first()
        )
        others = Participant.objects.with_ssn(ssn) if ssn else Participant.objects.none()
        if link is not None:
            others = others.exclude(pk=link.participant_id)
        conflict = others.first()
        if conflict is not None:
            held = _hold(system, registration_id, fields, ssn, conflict)
            intake_event_record(system=system, kind="registration", outcome=Outcome.HELD)
            return RegistrationResult(Outcome.HELD, held=held)
        if link is None:
            seeker = participant_create(
                actor=actor, ssn=ssn, reason=reason, **seeker_fields(fields)
            )
            with audit_reason(reason, actor=actor):
                Registration.objects.create(
                    system=system, external_id=registration_id, participant=seeker
                )
            outcome = Outcome.CREATED
        else:
            seeker = _update(link.participant_id, fields, ssn, actor=actor, reason=reason)
            outcome = Outcome.UPDATED
        if fields.get("office"):
            _enroll(seeker, fields["office"], actor=actor, reason=reason)
        intake_event_record(system=system, kind="registration", outcome=outcome)
    return RegistrationResult(outcome, participant=seeker)


def _hold(
    system: SendingSystem,
    registration_id: str,
    fields: dict[str, Any],
    ssn: str | None,
    conflict: Participant,
) -> HeldRegistration:
    stored = dict(fields)
    if "date_of_birth" in fields:
        stored["date_of_birth"] = str(fields["date_of_birth"] or "")
    held = HeldRegistration.objects.filter(
        system=system, external_id=registration_id, status=HeldRegistration.Status.HELD
    ).first() or HeldRegistration(system=system, external_id=registration_id)
    held.fields, held.conflicting_participant, held.received_at = stored, conflict, timezone.now()
    held.ssn = ssn
    with audit_reason(
        f"registration {registration_id} from {system} held: its SSN is another seeker's",
        actor=system.service_account,
    ):
        held.save()
    return held


def _update(
    pk: int, fields: dict[str, Any], ssn: str | None, *, actor: Staff, reason: str
) -> Participant:
    seeker = Participant.objects.select_for_update().get(pk=pk)
    # Only the fields sent change: a system that omits one keeps what the seeker has.
    changed = [
        name for name in SEEKER_FIELDS if name in fields and getattr(seeker, name) != fields[name]
    ]
    for name in changed:
        setattr(seeker, name, fields[name])
    if ssn and seeker.ssn_index != blind_index(ssn):
        seeker.ssn = ssn
        changed += ["ssn_ciphertext", "ssn_index"]
    if changed:
        with audit_reason(reason, actor=actor):
            seeker.save(update_fields=[*changed, "updated_at"])
    return seeker


def _enroll(seeker: Participant, office_id: int, *, actor: Staff, reason: str) -> None:
    if not Enrollment.objects.filter(participant=seeker, office_id=office_id).exists():
        with audit_reason(f"{reason}: registered in this office", actor=actor):
            Enrollment.objects.create(participant=seeker, office_id=office_id)


# --- opt-out selections -------------------------------------------------------------------------


def opt_out_selection_receive(*, system: SendingSystem, selection: Selection) -> str:
    """The claimant's choice in the UI claim, applied unless a newer decision stands.

    PortalError (unknown_seeker) when no seeker has the SSN or the registration id.
    """
    seekers = Participant.objects.all()
    if selection.registration_id:
        seekers = seekers.filter(
            registrations__system=system, registrations__external_id=selection.registration_id
        )
    if selection.ssn:
        seekers = seekers.filter(pk__in=Participant.objects.with_ssn(selection.ssn).values("pk"))
    seeker = seekers.first()
    if seeker is None:
        raise PortalError(
            "No seeker has this SSN or registration id: send the registration first.",
            code="unknown_seeker",
        )
    day = format_date(timezone.localtime(selection.when), "Y-m-d")
    applied = participant_apply_opt_out_selection(
        actor=system.service_account,
        participant=seeker,
        opted_out=selection.opted_out,
        decided_at=selection.when,
        source=f"UI claim {selection.claim_id}, {day}",
    )
    outcome = Outcome.APPLIED if applied else Outcome.NOT_APPLIED
    intake_event_record(system=system, kind="opt_out_selection", outcome=outcome)
    return outcome


# --- held registrations -------------------------------------------------------------------------


def held_registration_resolve(
    *, actor: Staff, held: HeldRegistration, resolution: str
) -> HeldRegistration:
    """State staff decide a held registration: the same person as the seeker who has the SSN
    (linked), or another person.

    Linking points the registration id at the seeker who has the SSN; their record is left as
    it is (the next registration from the system updates it). If the id already named another
    seeker, it is moved: that seeker's record is left as it is, without this system's id.
    Another person: when the registration id already names a seeker, it stays theirs and their
    record takes the registration's fields, without the SSN (kept); otherwise a new seeker is
    created from the registration without the SSN (created). The SSN stays with the seeker who
    has it, until the state corrects one of them.
    """
    if not resolves_held_registrations(actor):
        raise PortalError("Only state staff resolve held registrations.", code="not_allowed")
    statuses = HeldRegistration.Status
    if resolution not in (statuses.LINKED, statuses.CREATED):
        raise PortalError("Choose: the same person, or another person.", code="no_resolution")
    with transaction.atomic():
        locked = (
            held_registrations(actor).select_for_update(of=("self",)).filter(pk=held.pk).first()
        )
        if locked is None:
            raise PortalError("This registration is not one you may resolve.", code="not_found")
        if locked.status != statuses.HELD:
            raise PortalError("This registration was resolved already.", code="resolved")
        link = (
            Registration.objects.select_for_update()
            .filter(system=locked.system, external_id=locked.external_id)
            .first()
        )
        reason = f"held registration {locked.external_id} from {locked.system} resolved"
        fields = {
            **locked.fields,
            **(
                {"date_of_birth": parse_date(locked.fields["date_of_birth"] or "")}
                if "date_of_birth" in locked.fields
                else {}
            ),
        }
        status = statuses(resolution)
        if resolution == statuses.LINKED:
            seeker = locked.conflicting_participant
        elif link is not None:
            status = statuses.KEPT
            seeker = _update(
                link.participant_id, fields, None, actor=actor, reason=f"{reason}: {status.label}"
            )
        else:
            seeker = participant_create(
                actor=actor, reason=f"{reason}: a new seeker", **seeker_fields(fields)
            )
        if fields.get("office"):
            _enroll(seeker, fields["office"], actor=actor, reason=reason)
        locked.status, locked.resolved_by, locked.resolved_at = status, actor, timezone.now()
        locked.resolved_participant = seeker
        with audit_reason(f"{reason}: {status.label}", actor=actor):
            if link is None:
                Registration.objects.create(
                    system=locked.system, external_id=locked.external_id, participant=seeker
                )
            elif link.participant_id != seeker.pk:
                link.participant = seeker
                link.save(update_fields=["participant", "updated_at"])
            locked.save(
                update_fields=["status", "resolved_by", "resolved_at", "resolved_participant"]
            )
    return locked


# --- many new seekers at once (the bulk load) ---------------------------------------------------


@dataclass(frozen=True)
class NewRegistration:
    registration_id: str
    fields: dict[str, Any]
    ssn: str | None


def registrations_create_new(
    *, system: SendingSystem, registrations: list[NewRegistration]
) -> list[Participant]:
    """`registration_receive` for registrations the caller found new (no seeker has their
    registration id or SSN, none repeats another's), a batch in a few statements.

    What it writes is what `registration_receive` writes for each, audit entries included, one
    INSERT per table; an SSN or id that arrived meanwhile fails the whole call (IntegrityError)
    inside the caller's transaction, which then sends the batch through the one-by-one path.
    """
    if not registrations:
        return []
    actor = system.service_account
    ids = _unused_customer_ids(len(registrations))
    seekers = []
    for new, customer_id in zip(registrations, ids, strict=True):
        seeker = Participant(customer_id=customer_id, **seeker_fields(new.fields))
        seeker.ssn = new.ssn
        seekers.append(seeker)
    copy_insert(Participant, seekers, keys=True)
    links = [
        Registration(system=system, external_id=new.registration_id, participant=seeker)
        for new, seeker in zip(registrations, seekers, strict=True)
    ]
    copy_insert(Registration, links, keys=True)
    offices = Office.objects.in_bulk({new.fields.get("office") for new in registrations} - {None})
    enrollments = [
        Enrollment(participant=seeker, office=offices[new.fields["office"]])
        for new, seeker in zip(registrations, seekers, strict=True)
        if new.fields.get("office")
    ]
    copy_insert(Enrollment, enrollments, keys=True)
    with audit_reason(f"registrations from {system} (bulk load)", actor=actor):
        _audit_created([*seekers, *links, *enrollments], actor=actor)
    copy_insert(
        IntakeEvent,
        [
            IntakeEvent(system=system, kind="registration", outcome=Outcome.CREATED)
            for _ in registrations
        ],
    )
    return seekers


def _unused_customer_ids(count: int) -> list[str]:
    """`count` distinct eight-digit customer IDs no seeker has (see participants.services)."""
    chosen: set[str] = set()
    while len(chosen) < count:
        candidates = {str(secrets.randbelow(90_000_000) + 10_000_000) for _ in range(count)}
        candidates -= set(
            Participant.objects.filter(customer_id__in=candidates).values_list(
                "customer_id", flat=True
            )
        )
        chosen |= set(sorted(candidates)[: count - len(chosen)])
    return sorted(chosen)


def _audit_created(instances: list[Any], *, actor: Staff) -> None:
    """The create entries django-auditlog's signal would write, in one COPY for all of them.

    bulk_create sends no post_save signal: the entries are made here with the same changes
    (`created_changes`), reason (`get_additional_data`, which also says that an SSN was set),
    actor and correlation id.
    """
    types: dict[type, ContentType] = {}
    entries = []
    cid = current_correlation_id()
    for instance in instances:
        model = type(instance)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        changes = recorded_changes(instance, created_changes(instance) or {})
        entries.append(
            AuditEntry(
                content_type=types[model],
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance),
                action=AuditEntry.Action.CREATE,
                changes=changes,
                participant_id=seeker_of(instance),
                names=related_names(instance, changes) or None,
                actor=actor,
                actor_email=actor.email,
                additional_data=instance.get_additional_data(),
                cid=cid,
            )
        )
    copy_insert(AuditEntry, entries)
