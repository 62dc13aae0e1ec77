from typing import Any

from django import forms

from participants.models import Participant
from portal.text import refuse_control_characters

from .models import HeldRegistration, Scope


class SendingSystemForm(forms.Form):
    name = forms.CharField(
        label="System's name",
        max_length=100,
        validators=[refuse_control_characters],
        help_text="As staff know it, such as “Job Match” or “UI claims”.",
    )


class CredentialForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label="What the system may send",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ResolutionForm(forms.Form):
    resolution = forms.ChoiceField(
        label="Who is this registration?",
        choices=[
            (HeldRegistration.Status.LINKED, "The same person as the seeker who has this SSN"),
            (
                HeldRegistration.Status.CREATED,
                "Another person: create a new seeker, without the SSN",
            ),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, registered: Participant | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if registered is not None:
            # The registration id already names a seeker: each choice says what becomes of them.
            self.fields["resolution"].choices = [
                (
                    HeldRegistration.Status.LINKED,
                    "The same person as the seeker who has this SSN: the registration id moves "
                    f"to them ({registered} keeps their record, without it)",
                ),
                (
                    HeldRegistration.Status.CREATED,
                    f"Another person: the seeker the registration id already names, {registered}, "
                    "updated without the SSN",
                ),
            ]
