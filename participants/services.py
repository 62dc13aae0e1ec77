"""Every write to seekers and their enrollments: keyword-only, atomic, audited."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Field, OuterRef

from portal.audit import audit_access, audit_reason
from portal.errors import PortalError
from portal.text import checked_line, zip_code

from .access import access_participant
from .models import Enrollment, Participant
from .policies import enroll_refusal

if TYPE_CHECKING:
    from access.models import Office, Staff

# The fields staff edit on View / Edit participant (opt-out is changed through its own service).
EDITABLE_FIELDS = (
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


def new_customer_id() -> str:
    """An unused eight-digit customer ID (nine digits would read as an SSN)."""
    while True:
        candidate = str(secrets.randbelow(90_000_000) + 10_000_000)
        if not Participant.objects.filter(customer_id=candidate).exists():
            return candidate


def participant_create(
    *,
    actor: "Staff | None",
    first_name: str,
    last_name: str,
    ssn: str | None = None,
    reason: str = "seeker registered",
    **fields: Any,
) -> Participant:
    """Registers a seeker; new seekers share data (opted in) unless the caller says otherwise."""
    first_name, last_name = _checked("first_name", first_name), _checked("last_name", last_name)
    fields = {name: _checked(name, value) for name, value in fields.items()}
    participant = Participant(
        first_name=first_name, last_name=last_name, customer_id=new_customer_id(), **fields
    )
    try:
        participant.ssn = ssn
    except ValueError as exc:
        raise PortalError(str(exc), code="invalid_ssn") from exc
    duplicate = PortalError("A seeker with this SSN is already registered.", code="duplicate_ssn")
    if ssn and Participant.objects.with_ssn(ssn).exists():
        raise duplicate
    try:
        with transaction.atomic(), audit_reason(reason, actor=actor):
            participant.save()
    except IntegrityError as exc:  # registered at the same moment by someone else
        raise duplicate from exc
    return participant


def _checked(name: str, value: Any) -> Any:
    """A record field's new value, refused if it holds an SSN or a control character."""
    if not isinstance(value, str):
        return value
    field = Participant._meta.get_field(name)
    assert isinstance(field, Field)  # the fields staff fill in are the seeker's own columns
    label = str(field.verbose_name)
    if name == "zip_code":  # nine digits are a ZIP+4 code here
        if value.strip() and zip_code(value) is None:
            raise PortalError("A ZIP code has 5 digits, or 9 as 12345-6789.", code="invalid_zip")
        return value.strip()
    return checked_line(value, label=label)


def ensure_can_edit(*, actor: "Staff", participant: Participant) -> None:
    """Editing needs a role that edits and the seeker enrolled in the office the actor is logged into."""
    if not actor.can_edit_seekers:
        raise PortalError("Your role can view seekers but not edit them.", code="role_cannot_edit")
    if (
        actor.current_office_id is None
        or not participant.enrollments.filter(office_id=actor.current_office_id).exists()
    ):
        raise PortalError("Add this seeker to your office to edit.", code="not_enrolled_in_office")


def participant_update(
    *, actor: "Staff", participant: Participant, changes: dict[str, Any]
) -> Participant:
    """Saves View / Edit participant; refuses, changing nothing, unless `ensure_can_edit` allows it."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise PortalError(
            f"These fields cannot be edited here: {', '.join(sorted(unknown))}.",
            code="not_editable",
        )
    changes = {name: _checked(name, value) for name, value in changes.items()}
    with transaction.atomic():
        locked = access_participant(actor, participant.pk, lock=True)
        ensure_can_edit(actor=actor, participant=locked)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, changes[name])
        with audit_reason("seeker record edited", actor=actor):
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


@dataclass(frozen=True)
class EnrollmentResult:
    enrolled: list[Participant]
    already_enrolled: list[Participant]


def enrollment_create(
    *, actor: "Staff", participants: Iterable[Participant | int]
) -> EnrollmentResult:
    """Add Seeker to Office: enrolls seekers (or seekers' ids) in the actor's current office;
    already enrolled is fine.

    The seekers are read through the visibility gate, with whether each is enrolled in the
    office already, in one query: a seeker the actor may not see refuses the whole request.
    """
    if refusal := enroll_refusal(actor):
        raise refusal
    office = actor.current_office
    assert office is not None  # enroll_refusal refuses a person with no office chosen
    ids = list(dict.fromkeys(p if isinstance(p, int) else p.pk for p in participants))
    try:
        return _enroll(actor=actor, office=office, ids=ids)
    except IntegrityError:  # one of them enrolled at the same moment by someone else: read again
        return _enroll(actor=actor, office=office, ids=ids)


def _enroll(*, actor: "Staff", office: "Office", ids: list[int]) -> EnrollmentResult:
    # Seekers with `enrolled_here`, by id (an annotated row: the type checker knows no such field).
    chosen: dict[int, Any] = (
        Participant.objects.visible_to(actor)
        .annotate(
            enrolled_here=Exists(
                Enrollment.objects.filter(participant=OuterRef("pk"), office=office)
            )
        )
        .in_bulk(ids)
    )
    if len(chosen) != len(ids):
        raise PortalError("One or more of the chosen seekers could not be found.", code="not_found")
    result = EnrollmentResult(enrolled=[], already_enrolled=[])
    with transaction.atomic(), audit_reason(f"Add Seeker to Office: {office}", actor=actor):
        for participant in (chosen[pk] for pk in ids):
            if participant.enrolled_here:
                result.already_enrolled.append(participant)
            else:
                Enrollment.objects.create(participant=participant, office=office, enrolled_by=actor)
                result.enrolled.append(participant)
    return result


def participant_record_access(*, actor: "Staff", participant: Participant) -> None:
    """Writes the audit trail's access event for opening a seeker's record."""
    audit_access(participant, actor=actor, reason="seeker record opened")
