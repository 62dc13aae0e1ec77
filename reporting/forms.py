from django import forms

from portal.forms import USWDSFormMixin


class ExceptionForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why this change must still be made",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="It is kept with the ticket and in the audit trail; reconciliation shows it.",
    )
