from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from participants.crypto import ssn_refusal
from portal.forms import USWDSFormMixin
from portal.text import phone_number

from .models import OptInRequest
from .policies import changes_opt_out
from .states import DECISIONS


class LookupForm(USWDSFormMixin, forms.Form):
    FORMATTED_FIELDS = ("ssn",)

    ssn = forms.CharField(
        label="Seeker's SSN",
        max_length=20,
        help_text="The full SSN, nine digits, with or without dashes.",
        error_messages={"required": "Enter the seeker's full SSN."},
        # Kept out of the browser's form history and its spelling service.
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "numeric"}
        ),
    )

    def clean_ssn(self):
        # The message never echoes the value: it may be an SSN typed slightly wrong.
        if refusal := ssn_refusal(self.cleaned_data["ssn"]):
            raise forms.ValidationError(refusal, code="invalid_ssn")
        return self.cleaned_data["ssn"]


class OptInRequestForm(USWDSFormMixin, forms.Form):
    client_name = forms.CharField(label="Client's name", max_length=200)
    client_phone = forms.CharField(
        label="Client's phone", max_length=20, help_text="10 digits, such as (360) 555-0100."
    )
    client_reason = forms.CharField(
        label="Why the client wants to opt in",
        max_length=1000,
        help_text="A brief reason, for the ESD WIOA supervisor. Leave the SSN out.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_client_phone(self):
        phone = phone_number(self.cleaned_data["client_phone"])
        if phone is None:
            raise forms.ValidationError(
                "Enter the client's phone number: 10 digits, such as (360) 555-0100."
            )
        return phone


class DecisionForm(USWDSFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="The client's decision",
        choices=list(DECISIONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the client's decision."},
    )
    client_contacted_on = forms.DateField(
        label="Date you talked to the client",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date you talked to the client."},
    )
    esd_staff_offered = forms.BooleanField(
        label="I offered the client to work with an ESD WIOA staff member",
        required=False,
        help_text="Needed when the client remains opted out.",
    )
    note = forms.CharField(
        label="Note on the contact (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_contacted_on"].initial = timezone.localdate()


class OptOutFlagForm(USWDSFormMixin, forms.Form):
    """The Opt-Out box on View / Edit participant, for non-restricted ESD staff (seed 001).

    `shown` marks a POST from a page that had the box: a save without it leaves the flag alone.
    """

    PREFIX = "optout"

    shown = forms.BooleanField(widget=forms.HiddenInput, initial=True, required=False)
    opted_out = forms.BooleanField(
        label="Opt-Out",
        required=False,
        help_text="Checked: the seeker does not share data with partner staff; only ESD staff see the record.",
    )
    opt_in_request = forms.ModelChoiceField(
        label="Opt-in request this answers",
        queryset=OptInRequest.objects.none(),
        required=False,
        empty_label="None: I give the reason below",
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=1000,
        help_text="Needed when clearing Opt-Out without an opt-in request. Leave the SSN out.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, participant, user, **kwargs):
        super().__init__(
            *args,
            prefix=self.PREFIX,
            initial={"opted_out": participant.opted_out, "shown": True},
            **kwargs,
        )
        self.participant = participant
        requests = OptInRequest.objects.in_queue_of(user).open().filter(participant=participant)
        self.fields["opt_in_request"].queryset = requests
        self.fields["opt_in_request"].label_from_instance = lambda r: (
            f"Request {r.pk}, filed {timezone.localtime(r.filed_at):%m/%d/%Y} by {r.filed_by}"
        )
        if not participant.opted_out or not requests.exists():
            del self.fields["opt_in_request"]

    @classmethod
    def for_record(cls, *, user, participant, data=None, refusal=None):
        """The form for this person and seeker: None if the box is not theirs to see.

        A POST carrying the box's fields from anyone else is a forged request: refused (403)
        before anything is saved.
        """
        if not changes_opt_out(user):
            if data is not None and any(key.startswith(f"{cls.PREFIX}-") for key in data):
                raise PermissionDenied(
                    "Only ESD staff who are not restricted users may change a seeker's opt-out."
                )
            return None
        if data is not None and f"{cls.PREFIX}-shown" not in data:
            return None
        form = cls(data, participant=participant, user=user)
        if refusal:
            for field in form.fields.values():
                field.disabled = True
        return form

    def clean(self):
        data = super().clean()
        clearing = self.participant.opted_out and not data.get("opted_out")
        if data.get("opt_in_request") and not clearing:
            self.add_error("opted_out", "To answer the opt-in request, clear the Opt-Out box.")
        elif clearing and not data.get("opt_in_request") and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                (
                    "Give the reason for clearing Opt-Out: the opt-in request it answers, "
                    "or why the seeker now shares data."
                ),
            )
        return data

    @property
    def flag_changed(self) -> bool:
        return self.cleaned_data["opted_out"] != self.participant.opted_out

    def save(self, *, actor):
        """Changes the flag through its service, if it changed."""
        from .services import participant_set_opt_out

        if not self.flag_changed:
            return self.participant
        return participant_set_opt_out(
            actor=actor,
            participant=self.participant,
            opted_out=self.cleaned_data["opted_out"],
            reason=self.cleaned_data["reason"],
            opt_in_request=self.cleaned_data.get("opt_in_request"),
        )
