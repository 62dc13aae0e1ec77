"""The boxes other apps draw on View / Edit participant, saved by the record's one Save button.

An app that shows something of its own on a seeker's record (opt-out: the Opt-Out box and the
flag's history) names its box in `settings.PARTICIPANT_RECORD_BOXES`; participants imports none
of them, and a box changes what it owns through its own app's services.
"""

from typing import Protocol

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import QueryDict
from django.utils.module_loading import import_string

from .models import Participant


class RecordBox(Protocol):
    """One app's part of the record page, built for one person and one seeker.

    Built as `Box(user=..., participant=..., data=..., refusal=...)`: from the POST of a save
    (`data`), or for a GET with `refusal`, why the person may not edit the record, shown by a box
    that cannot be changed either. A POST that carries a box's fields from someone who may not
    change it raises PermissionDenied while the box is built, before anything is saved.
    """

    fields_template: str  # inside the record's form, above Save; may draw nothing
    section_template: str  # below the form; may draw nothing

    def is_valid(self) -> bool: ...

    def has_changed(self) -> bool: ...

    def save(self, *, actor: AbstractBaseUser) -> None:
        """Saves what changed, inside the transaction that saves the record."""


def record_boxes(
    *,
    user: AbstractBaseUser,
    participant: Participant,
    data: QueryDict | None = None,
    refusal: str | None = None,
) -> list[RecordBox]:
    """The boxes of `settings.PARTICIPANT_RECORD_BOXES`, in order, for this person and seeker."""
    return [
        import_string(path)(user=user, participant=participant, data=data, refusal=refusal)
        for path in settings.PARTICIPANT_RECORD_BOXES
    ]
