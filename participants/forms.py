from datetime import date

from django import forms
from django.utils import timezone

from portal.forms import USWDSFormMixin
from portal.text import contains_ssn, phone_number, zip_code

from .crypto import normalize_ssn
from .models import Participant
from .selectors import Scope
from .services import EDITABLE_FIELDS


class QuickSearchForm(USWDSFormMixin, forms.Form):
    # The box takes an SSN, alone (participants.selectors.quick_search), so it is checked here.
    FORMATTED_FIELDS = ("q",)

    q = forms.CharField(
        label="Name, SSN or customer ID",
        max_length=100,
        error_messages={"required": "Type a name, a full SSN or a customer ID to search."},
    )
    scope = forms.ChoiceField(label="In", choices=(), initial=Scope.OFFICE)

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        office_label = f"in: {office}" if office else "in: your office (none chosen)"
        self.fields["scope"].choices = [
            (Scope.OFFICE, office_label),
            (Scope.WORKSOURCE, "in: WorkSource"),
        ]

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if contains_ssn(query) and normalize_ssn(query) is None:
            # An SSN beside other words would be searched as a name and kept, in clear, in the session.
            raise forms.ValidationError(
                "Search by the SSN alone (nine digits), or by a name or customer ID without it."
            )
        if len(query.replace("-", "").replace(",", "").strip()) < 2:
            raise forms.ValidationError("Type at least two characters of a name.")
        return query


class SeekerIdsField(forms.Field):
    """The ticked seekers' ids; whether each is there and may be seen is the service's to say."""

    widget = forms.SelectMultiple
    MOST = 100  # a page lists 25; more is no person's request

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError("Tick at least one seeker to enroll.")
        if len(value) > self.MOST:
            raise forms.ValidationError(f"Tick at most {self.MOST} seekers at a time.")
        try:
            ids = [int(str(item).strip()) for item in value]
        except ValueError:
            raise forms.ValidationError(
                "One or more of the chosen seekers could not be found."
            ) from None
        if any(not 0 < pk < 2**63 for pk in ids):
            raise forms.ValidationError("One or more of the chosen seekers could not be found.")
        return ids


class EnrollForm(forms.Form):
    # Read through the gate by the service (enrollment_create), in one query with whether each
    # is enrolled already: a seeker the person may not see "could not be found" there.
    participants = SeekerIdsField(
        error_messages={"required": "Tick at least one seeker to enroll."}
    )


class ParticipantForm(USWDSFormMixin, forms.ModelForm):
    FORMATTED_FIELDS = ("zip_code",)  # nine digits are a ZIP+4 code here, checked below

    class Meta:
        model = Participant
        fields = EDITABLE_FIELDS
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_state(self):
        state = self.cleaned_data["state"].strip().upper()
        if state and (len(state) != 2 or not state.isalpha()):
            raise forms.ValidationError("Use the two-letter state code, such as WA.")
        return state

    def clean_zip_code(self):
        typed = self.cleaned_data["zip_code"].strip()
        if typed and zip_code(typed) is None:
            raise forms.ValidationError("A ZIP code has 5 digits, or 9 as 12345-6789.")
        return typed

    def clean_phone(self):
        typed = self.cleaned_data["phone"].strip()
        phone = phone_number(typed)
        if typed and phone is None:
            raise forms.ValidationError("A phone number has 10 digits, such as (360) 555-0100.")
        return phone or ""

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born and not (date(1900, 1, 1) <= born <= timezone.localdate()):
            raise forms.ValidationError("Enter a date of birth between 1900 and today.")
        return born
