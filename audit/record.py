"""The audit app's box on View / Edit participant (see participants.record): a way to the record's
accounting of disclosures, for state staff and the auditor. It edits nothing."""

from django.http import QueryDict

from access.models import Staff
from participants.models import Participant

from .policies import may_read_disclosures


class DisclosuresBox:
    fields_template = "audit/_nothing.html"
    section_template = "audit/_disclosures_link.html"

    def __init__(
        self,
        *,
        user: Staff,
        participant: Participant,
        data: QueryDict | None = None,
        refusal: str | None = None,
    ) -> None:
        self.shown = may_read_disclosures(user)

    def is_valid(self) -> bool:
        return True

    def has_changed(self) -> bool:
        return False

    def save(self, *, actor: Staff) -> None:
        """Nothing to save: the box only leads to the accounting."""
