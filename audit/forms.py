from django import forms
from django.contrib.auth import get_user_model

from access.models import Office, Organization
from participants.models import Participant
from portal.dates import refuse_senseless_date
from portal.forms import USWDSFormMixin

from .models import Kind


class AuditFilterForm(USWDSFormMixin, forms.Form):
    """The audit trail's filters as typed. A customer ID and a username are identifiers: the form
    is POSTed, and the page it leads to carries only database ids (see `audit.filters`)."""

    customer_id = forms.CharField(label="Seeker's customer ID", required=False, max_length=12)
    username = forms.CharField(label="Staff username", required=False, max_length=150)
    organization = forms.ModelChoiceField(
        label="Organization",
        required=False,
        queryset=Organization.objects.all(),
        help_text="Entries by its staff, and about its staff's accounts.",
    )
    office = forms.ModelChoiceField(
        label="Office",
        required=False,
        queryset=Office.objects.all(),
        help_text="Entries by the staff assigned to it.",
    )
    kind = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *Kind.choices],
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[refuse_senseless_date],
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[refuse_senseless_date],
    )

    def clean(self) -> dict:
        data = super().clean()
        data["participant"] = data["user"] = None
        if data.get("customer_id"):
            data["participant"] = Participant.objects.filter(
                customer_id=data["customer_id"].strip()
            ).first()
            if data["participant"] is None:
                self.add_error("customer_id", "No seeker has this customer ID.")
        if data.get("username"):
            data["user"] = (
                get_user_model().objects.filter(username=data["username"].strip()).first()
            )
            if data["user"] is None:
                self.add_error("username", "No staff member has this username.")
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def query(self) -> dict[str, str | int]:
        """The filters as the result page's query string: ids and dates, never an identifier."""
        data = self.cleaned_data
        values = {
            "participant": data["participant"] and data["participant"].pk,
            "user": data["user"] and data["user"].pk,
            "organization": data["organization"] and data["organization"].pk,
            "office": data["office"] and data["office"].pk,
            "kind": data["kind"],
            "date_from": data["date_from"] and data["date_from"].isoformat(),
            "date_to": data["date_to"] and data["date_to"].isoformat(),
        }
        return {name: value for name, value in values.items() if value}


class BrowsingReportForm(USWDSFormMixin, forms.Form):
    """The browsing report's date range (whole days in the state's time zone)."""

    date_from = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[refuse_senseless_date],
    )
    date_to = forms.DateField(
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[refuse_senseless_date],
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data
