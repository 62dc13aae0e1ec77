from django import forms

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
