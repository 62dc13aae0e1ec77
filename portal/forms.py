from django import forms
from django.contrib.auth import get_user_model



class USWDSFormMixin:
    """Gives each widget its U.S. Web Design System class, and marks fields with errors."""

    WIDGET_CLASSES = {
        forms.Select: "usa-select",
        forms.SelectMultiple: "usa-select",
        forms.Textarea: "usa-textarea",
        forms.CheckboxInput: "usa-checkbox__input",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next((c for w, c in self.WIDGET_CLASSES.items() if isinstance(field.widget, w)), "usa-input")
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " usa-input--error"
                widget.attrs["aria-invalid"] = "true"


class AuditFilterForm(USWDSFormMixin, forms.Form):
    customer_id = forms.CharField(label="Seeker's customer ID", required=False, max_length=12)
    username = forms.CharField(label="Staff username", required=False, max_length=150)
    organization = forms.ModelChoiceField(
        label="Organization", required=False, queryset=None,
        help_text="Changes made by its staff, and changes to its staff's accounts.",
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from access.models import Organization

        self.fields["organization"].queryset = Organization.objects.all()

    def clean(self):
        data = super().clean()
        data["participant"] = data["user"] = None
        if data.get("customer_id"):
            from participants.models import Participant

            data["participant"] = Participant.objects.filter(customer_id=data["customer_id"].strip()).first()
            if data["participant"] is None:
                self.add_error("customer_id", "No seeker has this customer ID.")
        if data.get("username"):
            data["user"] = get_user_model().objects.filter(username=data["username"].strip()).first()
            if data["user"] is None:
                self.add_error("username", "No staff member has this username.")
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data
