"""Opt-out's box on View / Edit participant (see participants.record): the flag and its history."""

from functools import cached_property

from django.db.models import QuerySet
from django.http import QueryDict

from access.models import Staff
from participants.models import Participant

from .forms import OptOutFlagForm
from .models import OptOutChange
from .selectors import opt_out_history


class OptOutBox:
    """The Opt-Out box for non-restricted ESD staff (seed 001) and the flag's history for state staff.

    A save without the box's fields (a page drawn without it) leaves the flag alone.
    """

    fields_template = "optout/_opt_out_box.html"
    section_template = "optout/_history.html"

    def __init__(
        self,
        *,
        user: Staff,
        participant: Participant,
        data: QueryDict | None = None,
        refusal: str | None = None,
    ) -> None:
        self.user = user
        self.participant = participant
        self.form: OptOutFlagForm | None = OptOutFlagForm.for_record(
            user=user, participant=participant, data=data, refusal=refusal
        )

    @cached_property
    def history(self) -> QuerySet[OptOutChange] | None:
        """Read when the page is drawn, so a save that is redirected reads none."""
        return opt_out_history(user=self.user, participant=self.participant)

    def is_valid(self) -> bool:
        return self.form is None or self.form.is_valid()

    def has_changed(self) -> bool:
        return self.form is not None and self.form.flag_changed

    def save(self, *, actor: Staff) -> None:
        if self.form is not None:
            self.form.save(actor=actor)
