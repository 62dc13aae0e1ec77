from datetime import date

from django import forms
from django.utils import timezone

from access.models import Office
from portal.forms import USWDSFormMixin
from portal.text import phone_number, zip_code

from .models import Participant
from .query import NotASearch, parse_query
from .selectors import Scope, narrowing_offices
from .services import EDITABLE_FIELDS


class QuickSearchForm(USWDSFormMixin, forms.Form):
    # The box takes an SSN, alone (participants.query), so it is checked here.
    FORMATTED_FIELDS = ("q",)

    q = forms.CharField(
        label="Name, SSN or customer ID",
        max_length=100,
        help_text="Add a date of birth to a name to narrow it: smith 1993-11-22 or smith 11/22/1993.",
        error_messages={"required": "Type a name, a full SSN or a customer ID to search."},
    )
    scope = forms.ChoiceField(label="In", choices=(), initial=Scope.OFFICE)

    def __init__(self, *args, office=None, scope: Scope | None = None, **kwargs):
        """`scope`: the page always searches there (Add Seeker to Office: all of WorkSource), and
        the form has no "In" box."""
        super().__init__(*args, **kwargs)
        self.fixed_scope = scope
        if scope is not None:
            del self.fields["scope"]
            return
        office_label = f"in: {office}" if office else "in: your office (none chosen)"
        self.fields["scope"].choices = [
            (Scope.OFFICE, office_label),
            (Scope.WORKSOURCE, "in: WorkSource"),
        ]

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        try:
            parse_query(query)
        except NotASearch as refused:
            raise forms.ValidationError(str(refused), code="not_a_search") from None
        return query

    def without_digits_typed(self) -> "QuickSearchForm":
        """The refused form, its box emptied if it held digits: they may be an SSN typed slightly wrong."""
        if any(character.isdigit() for character in self.data.get("q", "")):
            self.data = self.data.copy()
            self.data["q"] = ""
        return self


class NarrowForm(USWDSFormMixin, forms.Form):
    """Narrows WorkSource results to the seekers enrolled in one office (a GET: no seeker's identifier)."""

    office = forms.ModelChoiceField(
        label="Enrolled in",
        queryset=Office.objects.none(),
        required=False,
        empty_label="Any office",
        error_messages={
            "invalid_choice": "You can narrow the results only to an office of the workforce "
            "development areas you work in."
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = narrowing_offices(user=user)


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
