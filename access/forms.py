from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from portal.forms import USWDSFormMixin
from portal.text import refuse_control_characters, refuse_ssn

from .models import (
    AccessRequest,
    Contract,
    Office,
    Organization,
    Report,
    Staff,
    WorkforceDevelopmentArea,
)
from .roles import Role
from .selectors import access_end_reason, requestable_roles, requester_offices, requester_staff

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CERTIFY = (
    "I certify that the user's supervisor approved this profile and these office assignments, "
    "that they match the user's business needs, and that the user will sign the confidentiality "
    "agreement once access is granted."
)


class SignInForm(AuthenticationForm):
    error_messages = AuthenticationForm.error_messages | {
        "invalid_login": "Your username and password didn't match. Please try again.",
        "access_ended": "Your access to the WorkSource portal has ended: %(reason)s. Ask your MIS access requester.",
    }

    def clean_username(self):
        # Refused before anything is looked up or counted: a failed attempt keeps the username typed.
        username = self.cleaned_data["username"]
        refuse_control_characters(username)
        refuse_ssn(username)
        return username

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        reason = access_end_reason(user)
        if reason is not None:
            raise forms.ValidationError(
                self.error_messages["access_ended"],
                code="access_ended",
                params={"reason": reason.message},
            )


class CodeForm(USWDSFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
        error_messages={"required": "Type the code."},
    )


class AgreementForm(USWDSFormMixin, forms.Form):
    typed_name = forms.CharField(
        label="Your first and last name (your signature)",
        max_length=150,
        error_messages={"required": "Type your first and last name to sign."},
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.last_name}, {obj.first_name} ({obj.username}, {obj.organization})"


class AddRequestForm(USWDSFormMixin, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Work email")
    organization = forms.ModelChoiceField(queryset=Organization.objects.all())
    role = forms.ChoiceField(label="Profile (role)", choices=())
    offices = forms.ModelMultipleChoiceField(
        label="Office assignments", queryset=Office.objects.none()
    )
    logs_into = forms.ModelChoiceField(
        label="Office the user logs into",
        queryset=Office.objects.none(),
        empty_label="- Choose one of the offices above -",
        help_text="One of the office assignments: the office shown to the user when they sign in.",
    )
    training_completed_on = forms.DateField(
        label="State-approved MIS training completed on",
        widget=DATE,
        required=False,
    )
    supervisor_certified = forms.BooleanField(label=CERTIFY, required=False)

    def __init__(self, *args, requester, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the requester may choose: their own organization, the roles it may hold, their offices.
        self.fields["organization"].queryset = Organization.objects.filter(
            pk=requester.organization_id
        )
        self.fields["organization"].initial = requester.organization_id
        self.fields["role"].choices = [(r.value, r.label) for r in requestable_roles(requester)]
        self.fields["offices"].queryset = requester_offices(requester)
        self.fields["logs_into"].queryset = requester_offices(requester)


class ChangeRequestForm(USWDSFormMixin, forms.Form):
    staff = StaffChoiceField(label="User", queryset=Staff.objects.none())
    role = forms.ChoiceField(label="New profile (role)", choices=())
    offices = forms.ModelMultipleChoiceField(
        label="New office assignments", queryset=Office.objects.none()
    )
    supervisor_certified = forms.BooleanField(label=CERTIFY, required=False)

    def __init__(self, *args, requester, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = requester_staff(requester).filter(is_active=True)
        self.fields["role"].choices = [(r.value, r.label) for r in requestable_roles(requester)]
        self.fields["offices"].queryset = requester_offices(requester)


class DisableRequestForm(USWDSFormMixin, forms.Form):
    staff = StaffChoiceField(label="User", queryset=Staff.objects.none())
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "- Select -"), *AccessRequest.DisableReason.choices]
    )
    reason_other = forms.CharField(label="Other reason", max_length=200, required=False)
    effective_at = forms.DateTimeField(
        label="Access ends on (date and time)",
        required=False,
        help_text="At least 24 hours ahead, if possible. For a dismissal, leave it empty: access ends now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, requester, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = requester_staff(requester).filter(is_active=True)


class RejectForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ContractForm(USWDSFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.filter(is_state_agency=False)
    )
    kind = forms.ChoiceField(label="Contract", choices=Contract.Kind.choices)
    party = forms.ChoiceField(label="With", choices=Contract.Party.choices)
    number = forms.CharField(label="Contract number", max_length=40, required=False)
    effective_date = forms.DateField(widget=DATE)
    expiry_date = forms.DateField(
        widget=DATE, help_text="Access ends at 00:00 (state time) on this date."
    )
    business_case = forms.CharField(
        label="Business case for MIS access", widget=forms.Textarea(attrs={"rows": 3})
    )
    data_owner_name = forms.CharField(label="Data owner who signed the approval", max_length=120)
    data_owner_signed_on = forms.DateField(label="Data owner signed on", widget=DATE)


class EndContractForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the contract ends today", widget=forms.Textarea(attrs={"rows": 3})
    )


class DesignateForm(USWDSFormMixin, forms.Form):
    staff = StaffChoiceField(
        label="MIS access requester",
        queryset=Staff.objects.filter(role=Role.ACCESS_REQUESTER, is_active=True),
    )
    area = forms.ModelChoiceField(
        label="Workforce development area",
        queryset=WorkforceDevelopmentArea.objects.all(),
        required=False,
    )
    office = forms.ModelChoiceField(
        label="or one office", queryset=Office.objects.all(), required=False
    )


class ReportForm(USWDSFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What happened", choices=[("", "- Select -"), *Report.Kind.choices]
    )
    occurred_on = forms.DateField(
        label="Received or discovered on", widget=DATE, initial=timezone.localdate
    )
    summary = forms.CharField(
        max_length=200, help_text="No SSNs or other personal information about seekers."
    )
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who asked or what happened, and what you did.",
    )


class ReportMoveForm(USWDSFormMixin, forms.Form):
    action = forms.ChoiceField(
        label="Move to",
        choices=[(Report.Action.REVIEW, "In review"), (Report.Action.CLOSE, "Closed")],
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class UnlockForm(USWDSFormMixin, forms.Form):
    username = forms.CharField(max_length=150)
