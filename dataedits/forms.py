from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from portal.forms import USWDSFormMixin
from portal.text import phone_number

from .confidential import named_condition
from .models import (
    DENIAL_REASONS,
    FOLLOW_UP_TYPE,
    NOT_FOLLOW_UPS,
    TICKET_FILER_FIELDS,
    CaseNote,
    ChangeKind,
    DataEditTicket,
    FollowUpKind,
    NeedType,
    Program,
    SeekerField,
    Service,
    ServiceType,
    SkillsGainType,
)
from .policies import reads_statewide_reports
from .rules import Quarter, Reason, filing_deadline
from .selectors import report_scopes
from .services import document_kind

DATE = {"type": "date"}


def date_field(label, required=True, **kwargs):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        **kwargs,
    )


class SeekerLookupForm(USWDSFormMixin, forms.Form):
    customer_id = forms.CharField(label="Seeker's customer ID", max_length=12)

    def clean_customer_id(self):
        value = self.cleaned_data["customer_id"].strip()
        if not value.isdigit():
            raise forms.ValidationError("A customer ID is made of digits only.")
        return value


class ClosedQuarterCheck(forms.Form):
    """Asks to confirm a date in a quarter already closed (past its data-edit deadline) before saving.

    The box to tick appears only once the date was found in a closed quarter (`asks_to_confirm`).
    """

    checked_date_field = ""
    confirm_date = forms.BooleanField(
        label="The date is right: record it in the closed quarter", required=False
    )

    asks_to_confirm = False

    def clean(self):
        data = super().clean()
        day = data.get(self.checked_date_field)
        if day and filing_deadline(day) < timezone.localdate() and not data.get("confirm_date"):
            self.asks_to_confirm = True
            self.add_error(
                self.checked_date_field,
                (
                    f"{day:%m/%d/%Y} is in {Quarter.of(day)}, a closed quarter: its data-edit deadline was "
                    f"{filing_deadline(day):%m/%d/%Y}. Check the date; if it is right, tick the box below and record again."
                ),
            )
        return data

    def recorded(self) -> dict:
        """What is recorded: the fields, without the confirmations."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not name.startswith("confirm_")
        }


class ServiceForm(USWDSFormMixin, ClosedQuarterCheck):
    checked_date_field = "start_date"

    service_type = forms.ModelChoiceField(
        label="Service",
        queryset=ServiceType.objects.filter(is_active=True),
        empty_label="- Choose a service -",
    )
    program = forms.ChoiceField(
        label="Program", choices=[("", "- Choose a program -"), *Program.choices]
    )
    start_date = date_field("Start date", help_text="The date the service was actually provided.")
    end_date = date_field("End date", help_text="The same as the start date for a one-day service.")
    follow_up_kind = forms.ChoiceField(
        label="For a follow-up service: what was it?",
        required=False,
        choices=[("", "- Not a follow-up service -"), *FollowUpKind.choices],
        help_text="Follow-up services benefit a seeker who exited. An attempted contact is a case note, not a follow-up.",
    )
    follow_up_note = forms.CharField(
        label="For a follow-up service: the case note documenting it",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and start > timezone.localdate():
            self.add_error(
                "start_date",
                "A service cannot be recorded before it is provided: this date is in the future.",
            )
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        service_type = data.get("service_type")
        if service_type and service_type.code == FOLLOW_UP_TYPE:
            if data.get("follow_up_kind") in NOT_FOLLOW_UPS:
                self.add_error(
                    "follow_up_kind",
                    "Write a case note instead: an attempted contact, or a contact to "
                    "collect documentation or performance measures, is not a follow-up service.",
                )
            elif not data.get("follow_up_kind"):
                self.add_error("follow_up_kind", "Say what the follow-up service was.")
            if not (data.get("follow_up_note") or "").strip():
                self.add_error("follow_up_note", "Document the follow-up service in a case note.")
        return data


class CaseNoteForm(USWDSFormMixin, ClosedQuarterCheck):
    checked_date_field = "contact_date"

    contact_date = date_field(
        "Contact date", help_text="The date the service was delivered or the contact made."
    )
    text = forms.CharField(
        label="Case note",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        help_text="Record that an accommodation was made, never the medical condition or disability itself.",
    )
    confirm_condition = forms.BooleanField(
        label="The note must name it: keep it to my office and the state",
        required=False,
    )
    asks_about_condition = False

    def clean(self):
        data = super().clean()
        condition = named_condition(data.get("text") or "")
        if condition and not data.get("confirm_condition"):
            self.asks_about_condition = True
            self.add_error(
                "text",
                (
                    f"This note names a medical condition or disability (\u201c{condition}\u201d). Confidential medical "
                    "information stays out of case notes: record only that an accommodation was made. If the note must keep "
                    "it, tick the box below: it will be seen only in your office and by state staff."
                ),
            )
        return data

    def clean_contact_date(self):
        contact = self.cleaned_data["contact_date"]
        if contact > timezone.localdate():
            raise forms.ValidationError("The contact date is in the future.")
        return contact


REASON_HELP = "Why it was wrong (kept in the audit trail)."


class ServiceCorrectionForm(USWDSFormMixin, forms.Form):
    """The person who recorded a service corrects a slip (dataedits.services.service_correct)."""

    service_type = forms.ModelChoiceField(
        label="Service", queryset=ServiceType.objects.filter(is_active=True)
    )
    program = forms.ChoiceField(label="Program", choices=Program.choices)
    start_date = date_field("Start date")
    end_date = date_field("End date")
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=1000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseNoteCorrectionForm(USWDSFormMixin, forms.Form):
    contact_date = date_field("Contact date")
    text = forms.CharField(
        label="Case note", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000
    )
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=1000,
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RemovalForm(USWDSFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it is removed",
        max_length=1000,
        help_text="For instance: recorded on the wrong seeker. Kept in the audit trail.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SupportingNotesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, note):
        return f"{note.contact_date:%m/%d/%Y}, {note.author}: {note.text[:80]}"


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return f"{service} ({service.get_program_display()})"


def validate_document(upload):
    limit = settings.DATAEDIT_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(f"The document is larger than {limit // (1024 * 1024)} MB.")
    if document_kind(upload) is None:
        raise forms.ValidationError("Attach a PDF, PNG or JPEG document.")
    return upload


class TicketForm(USWDSFormMixin, forms.ModelForm):
    """The data-edit ticket: the change, then what is wrong, what is right, why, and the support."""

    # htmx validates a form before it posts it for the live pre-check: browser-side "required"
    # would stop the pre-check until every field is filled. The server still requires them.
    use_required_attribute = False

    # Typed as people type a phone; kept as Attachment II asks, digits only (clean_filer_phone).
    filer_phone = forms.CharField(
        label="Your work phone",
        max_length=20,
        help_text="10 digits, for the state to call you about the ticket (punctuation is left out).",
    )
    document = forms.FileField(
        label="Supporting document (optional)",
        required=False,
        validators=[validate_document],
        help_text="A PDF, PNG or JPEG scan; more can be attached to the draft.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
        ),
    )

    class Meta:
        model = DataEditTicket
        fields = [*TICKET_FILER_FIELDS, "supporting_notes"]
        labels = {
            "subject": "Subject of the ticket",
            "need_type": "Type of need",
            "gain_type": "Type of measurable skills gain",
            "gain_date": "Date the gain was achieved",
            "kind": "What should change",
            "service": "The service",
            "new_service_type": "Service type",
            "new_program": "Program",
            "new_start_date": "Start date",
            "new_end_date": "End date",
            "seeker_field": "Demographic field",
            "seeker_value": "Correct value",
            "what_is_wrong": "What is wrong",
            "what_is_right": "What is right",
            "justification": "Justification",
            "supporting_notes": "Supporting case notes",
        }
        help_texts = {
            "subject": 'A few words, such as "Delete duplicate workshop".',
            "gain_date": "For a measurable skills gain: its quarter's deadline applies, as for any edit.",
            "service": "For a modification or a deletion.",
            "new_service_type": "For a new service, or a modification (leave empty to keep the type).",
            "new_program": "For a new service or a demographic correction: decides the state queue (Title I or Title III).",
            "new_start_date": "For a modification, leave empty to keep the date.",
            "seeker_value": "A date of birth is written YYYY-MM-DD.",
            "justification": "Why the change is needed, and why it was not entered correctly at the time.",
            "supporting_notes": "The case notes that support the change (or attach a document).",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "new_start_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "new_end_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "gain_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "what_is_wrong": forms.Textarea(attrs={"rows": 3}),
            "what_is_right": forms.Textarea(attrs={"rows": 3}),
            "justification": forms.Textarea(attrs={"rows": 4}),
            "supporting_notes": forms.CheckboxSelectMultiple,
        }
        field_classes = {"supporting_notes": SupportingNotesField, "service": ServiceChoiceField}

    def __init__(self, *args, participant, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["kind"].choices = ChangeKind.choices
        self.fields["service"].queryset = Service.objects.filter(
            participant=participant
        ).select_related("service_type")
        self.fields["service"].empty_label = "- Choose the service -"
        self.fields["new_service_type"].queryset = ServiceType.objects.filter(is_active=True)
        self.fields["new_service_type"].empty_label = "- Keep / choose a type -"
        self.fields["new_program"].choices = [("", "- Choose a program -"), *Program.choices]
        self.fields["seeker_field"].choices = [("", "- Choose a field -"), *SeekerField.choices]
        self.fields["gain_type"].choices = [
            ("", "- Choose the type of gain -"),
            *SkillsGainType.choices,
        ]
        self.fields["need_type"].choices = [("", "- Choose the type of need -"), *NeedType.choices]
        for name in ("subject", "need_type", "filer_phone"):
            self.fields[name].required = True
        notes = CaseNote.objects.readable_by(user) if user is not None else CaseNote.objects.all()
        self.fields["supporting_notes"].queryset = notes.filter(
            participant=participant
        ).select_related("author")
        # The radio buttons and checkboxes take USWDS's own classes, not the text inputs' one.
        self.fields["kind"].widget.attrs["class"] = "usa-radio__input"
        self.fields["supporting_notes"].widget.attrs["class"] = "usa-checkbox__input"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in (ChangeKind.MODIFY_SERVICE, ChangeKind.DELETE_SERVICE) and not data.get(
            "service"
        ):
            self.add_error("service", "Choose the service to change.")
        if kind in (
            ChangeKind.ADD_SERVICE,
            ChangeKind.CORRECT_SEEKER_DATA,
            ChangeKind.MEASURABLE_SKILLS_GAIN,
        ) and not data.get("new_program"):
            self.add_error("new_program", "Choose the program: it decides the state queue.")
        if kind == ChangeKind.MEASURABLE_SKILLS_GAIN:
            if not data.get("gain_type"):
                self.add_error("gain_type", "Choose the type of measurable skills gain.")
            if not data.get("gain_date"):
                self.add_error("gain_date", "Give the date the gain was achieved.")
        start, end = data.get("new_start_date"), data.get("new_end_date")
        # A start after today is left to the pre-check, which names it (future_service) as the
        # command-line pre-check does; saving the ticket refuses it (dataedits.services.drafts).
        if start and end and end < start:
            self.add_error("new_end_date", "The end date is before the start date.")
        return data

    def clean_filer_phone(self):
        typed = self.cleaned_data["filer_phone"]
        if not typed:
            return typed
        if phone_number(typed) is None:
            raise forms.ValidationError("Enter your work phone: 10 digits, such as 3605550100.")
        digits = "".join(ch for ch in typed if ch.isdigit())
        return digits[-10:]  # as the form asks: digits only, no punctuation


class DocumentForm(forms.Form):
    document = forms.FileField(
        label="Supporting document",
        validators=[validate_document],
        help_text="A PDF, PNG or JPEG scan.",
        widget=forms.ClearableFileInput(
            attrs={"class": "usa-file-input", "accept": ".pdf,.png,.jpg,.jpeg"}
        ),
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


class LocalReviewForm(USWDSFormMixin, forms.Form):
    justified = forms.ChoiceField(
        label="Is the change fully justified in the request?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    documented = forms.ChoiceField(
        label="Are the changes documented and supported throughout the seeker's record (case notes, documents, dates of other services)?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    aligned = forms.ChoiceField(
        label="Does the change align with established policy?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve and send to the state queue"), ("deny", "Deny")],
    )
    reasons = forms.MultipleChoiceField(
        label="Reasons for a denial",
        choices=DENIAL_REASONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="Note to the filer (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, past_deadline=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("justified", "documented", "aligned", "decision"):
            self.fields[name].widget.attrs["class"] = "usa-radio__input"
        self.fields["reasons"].widget.attrs["class"] = "usa-checkbox__input"
        if past_deadline:
            # Past its deadline at the state, a ticket can only be denied.
            self.fields["decision"].choices = [("deny", "Deny")]
            self.fields["decision"].initial = "deny"
            self.fields["reasons"].initial = [str(Reason.PAST_DEADLINE)]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and "no" in (
            data.get("justified"),
            data.get("documented"),
            data.get("aligned"),
        ):
            self.add_error(
                "decision",
                "A request that is not justified, documented and aligned with policy is denied.",
            )
        if data.get("decision") == "deny" and not data.get("reasons"):
            self.add_error("reasons", "Give at least one reason for the denial.")
        return data


class DecisionForm(USWDSFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve and apply the change"), ("deny", "Deny")],
    )
    reasons = forms.MultipleChoiceField(
        label="Reasons for a denial",
        choices=DENIAL_REASONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="Note to the filer (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "usa-radio__input"
        self.fields["reasons"].widget.attrs["class"] = "usa-checkbox__input"

    def clean(self):
        data = super().clean()
        if data.get("decision") == "deny" and not data.get("reasons"):
            self.add_error("reasons", "Give at least one reason for the denial.")
        return data


def recent_quarters(count: int = 12) -> list[Quarter]:
    quarter = Quarter.of(timezone.localdate())
    result = []
    for _ in range(count):
        result.append(quarter)
        quarter = quarter.previous()
    return result


class ScopeField(forms.ChoiceField):
    """Where a report counts (dataedits.selectors.ReportScope): one of the person's offices, or,
    for state data-edit staff and auditors, any office, an area or the whole state. Anything
    else (a forged value) is refused with the field's message; the cleaned value is the scope."""

    def __init__(self, **kwargs):
        super().__init__(label="Office", **kwargs)
        self.scopes = {}

    def offer_to(self, user) -> None:
        groups = report_scopes(user)
        self.scopes = {scope.value: scope for _, scopes in groups for scope in scopes}
        self.choices = [(group, [(s.value, s.label) for s in scopes]) for group, scopes in groups]
        wide = reads_statewide_reports(user)
        if wide:
            self.label = "Office, area or the whole state"
        self.error_messages["invalid_choice"] = (
            "Choose one of the offices, areas or the whole state in the list."
            if wide
            else "Choose one of the offices you are assigned to."
        )

    def clean(self, value):
        return self.scopes[super().clean(value)]


class OfficeQuarterForm(USWDSFormMixin, forms.Form):
    where = ScopeField()
    quarter = forms.ChoiceField(label="Program year quarter")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].offer_to(user)
        self.fields["quarter"].choices = [(str(q), str(q)) for q in recent_quarters()]

    def clean_quarter(self):
        return Quarter.parse(self.cleaned_data["quarter"])


class DataIntegrityForm(USWDSFormMixin, forms.Form):
    where = ScopeField()
    date_from = date_field("Entered from", required=False)
    date_to = date_field("Entered to", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].offer_to(user)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"] - timedelta(weeks=12)
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data
