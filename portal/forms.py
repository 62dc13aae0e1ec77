from django import forms
from django.contrib.auth import get_user_model

from .dates import refuse_senseless_date
from .text import refuse_control_characters, refuse_control_characters_in_text, refuse_ssn


class USWDSFormMixin:
    """Gives each widget its U.S. Web Design System class, marks fields with errors, and guards text.

    Every text field refuses an SSN-shaped number and control characters (line breaks only where
    the widget is a text area); every date field, a date outside 1900-2099 (portal.dates). A form added later is guarded without anyone remembering to.
    The fields named in `FORMATTED_FIELDS` are not free text: they take a value of a format the
    form checks itself (the SSN box of the Opt-Out Lookup, a ZIP code), and skip the SSN check.
    """

    FORMATTED_FIELDS: tuple[str, ...] = ()

    WIDGET_CLASSES = {
        forms.Select: "usa-select",
        forms.SelectMultiple: "usa-select",
        forms.Textarea: "usa-textarea",
        forms.CheckboxInput: "usa-checkbox__input",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = next(
                (c for w, c in self.WIDGET_CLASSES.items() if isinstance(field.widget, w)),
                "usa-input",
            )
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                field.validators.append(refuse_senseless_date)
            if isinstance(field, forms.CharField):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(
                    refuse_control_characters_in_text if multiline else refuse_control_characters
                )
                if name not in self.FORMATTED_FIELDS:
                    field.validators.append(refuse_ssn)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " usa-input--error"
                widget.attrs["aria-invalid"] = "true"


class AuditFilterForm(USWDSFormMixin, forms.Form):
    """The audit trail's filters as typed. A customer ID and a username are identifiers: the form
    is POSTed, and the page it leads to carries only database ids (see `AuditQuery`)."""

    customer_id = forms.CharField(label="Seeker's customer ID", required=False, max_length=12)
    username = forms.CharField(label="Staff username", required=False, max_length=150)
    organization = forms.ModelChoiceField(
        label="Organization",
        required=False,
        queryset=None,
        help_text="Changes made by its staff, and changes to its staff's accounts.",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from access.models import Organization

        self.fields["organization"].queryset = Organization.objects.all()

    def clean(self):
        data = super().clean()
        data["participant"] = data["user"] = None
        if data.get("customer_id"):
            from participants.models import Participant

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

    def query(self) -> dict:
        """The filters as the result page's query string: ids and dates, never an identifier."""
        data = self.cleaned_data
        values = {
            "participant": data["participant"] and data["participant"].pk,
            "user": data["user"] and data["user"].pk,
            "organization": data["organization"] and data["organization"].pk,
            "date_from": data["date_from"] and data["date_from"].isoformat(),
            "date_to": data["date_to"] and data["date_to"].isoformat(),
        }
        return {name: value for name, value in values.items() if value}


class AuditQuery(forms.Form):
    """The filters of an audit trail page, read from its query string (what `AuditFilterForm.query` wrote)."""

    participant = forms.ModelChoiceField(queryset=None, required=False)
    user = forms.ModelChoiceField(queryset=None, required=False)
    organization = forms.ModelChoiceField(queryset=None, required=False)
    date_from = forms.DateField(required=False, validators=[refuse_senseless_date])
    date_to = forms.DateField(required=False, validators=[refuse_senseless_date])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from access.models import Organization
        from participants.models import Participant

        self.fields["participant"].queryset = Participant.objects.all()
        self.fields["user"].queryset = get_user_model().objects.all()
        self.fields["organization"].queryset = Organization.objects.all()

    def form_initial(self) -> dict:
        """The filter form refilled from the page's filters."""
        data = self.cleaned_data
        return {
            "customer_id": data["participant"].customer_id if data["participant"] else "",
            "username": data["user"].username if data["user"] else "",
            "organization": data["organization"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
