import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from portal.views import paginate
from portal.web import ActionView, CapabilityRequiredMixin, FormView, refusal

from .access import access_participant
from .crypto import blind_index, mask_ssn, normalize_ssn
from .forms import EnrollForm, ParticipantForm, QuickSearchForm
from .models import Participant
from .record import record_boxes
from .selectors import Scope, enrolled_office_ids, quick_search
from .services import (
    EnrollmentResult,
    enrollment_create,
    ensure_can_edit,
    participant_record_access,
    participant_update,
)

# Searches are kept in the session under a random token, so that the query (which may be an
# SSN) travels only in a POST body: the result pages' URLs carry the token and a page number.
# An SSN is kept only as its blind index and last four digits: sessions are stored unencrypted.
SEARCHES_KEPT = 10


def remember_search(request, query: str, scope: str) -> str:
    searches = request.session.get("quick_searches", {})
    token = secrets.token_urlsafe(8)
    ssn = normalize_ssn(query)
    searches[token] = (
        {"ssn_index": blind_index(ssn), "ssn_masked": mask_ssn(ssn), "scope": scope}
        if ssn
        else {"q": query, "scope": scope}
    )
    request.session["quick_searches"] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


def recalled_search(request) -> tuple[str | None, dict | None]:
    token = request.GET.get("s")
    return token, request.session.get("quick_searches", {}).get(token) if token else None


@method_decorator(sensitive_post_parameters("q"), name="dispatch")
class QuickSearchView(CapabilityRequiredMixin, View):
    capability = "can_read_seekers"
    template_name = "participants/search.html"

    def get(self, request):
        token, search = recalled_search(request)
        if token and search is None:
            messages.info(request, "That search has expired. Please search again.")
            return redirect("participants:search")
        scope = (search or {}).get("scope") or request.GET.get("scope", Scope.OFFICE)
        # The box is refilled with a name or customer ID, never with an SSN.
        form = QuickSearchForm(
            initial={"q": (search or {}).get("q", ""), "scope": scope},
            office=request.user.current_office,
        )
        context = {
            "form": form,
            "token": token,
            "searched_for": (search or {}).get("ssn_masked") or (search or {}).get("q"),
        }
        if search:
            scope = Scope(search["scope"])
            results = quick_search(
                user=request.user,
                query=search.get("q", ""),
                scope=scope,
                ssn_index=search.get("ssn_index"),
            )
            page = paginate(request, results, settings.PARTICIPANTS_PER_PAGE)
            context |= {
                "page": page,
                "scope": scope,
                "in_office": {
                    pid
                    for pid, offices in enrolled_office_ids(
                        participants=[p.pk for p in page]
                    ).items()
                    if request.user.current_office_id in offices
                },
                "can_enroll": scope == Scope.WORKSOURCE and request.user.can_edit_seekers,
            }
        return render(request, self.template_name, context)

    def post(self, request):
        form = QuickSearchForm(request.POST, office=request.user.current_office)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        token = remember_search(request, form.cleaned_data["q"], form.cleaned_data["scope"])
        return redirect(f"{reverse('participants:search')}?s={token}")


class EnrollView(ActionView):
    """Add Seeker to Office: enrolls the ticked seekers in the office the user is logged into."""

    capability = "can_edit_seekers"
    refusal = "Your role cannot add seekers to an office."

    def get_form(self) -> EnrollForm:
        return EnrollForm(self.request.POST)

    def perform(self, form: EnrollForm) -> EnrollmentResult:
        return enrollment_create(
            actor=self.request.user, participants=form.cleaned_data["participants"]
        )

    def announce(self, result: EnrollmentResult) -> None:
        office = self.request.user.current_office
        if result.enrolled:
            names = "; ".join(f"{p.first_name} {p.last_name}" for p in result.enrolled)
            messages.success(self.request, f"Enrolled in {office}: {names}.")
        if result.already_enrolled:
            names = "; ".join(f"{p.first_name} {p.last_name}" for p in result.already_enrolled)
            messages.info(self.request, f"Already enrolled in {office}: {names}.")

    def redirect_url(self) -> str:
        """Back to the search the seekers were ticked on, while the session still holds it."""
        back = reverse("participants:search")
        token = self.request.POST.get("s", "")
        if token in self.request.session.get("quick_searches", {}):
            back += f"?s={token}"
        return back


class ParticipantDetailView(FormView):
    """View / Edit participant: the full record in the current office, a summary elsewhere."""

    capability = "can_read_seekers"
    template_name = "participants/detail.html"

    def get_object(self) -> Participant:
        participant = access_participant(self.request.user, self.kwargs["pk"])
        self.edit_refusal = refusal(
            ensure_can_edit, actor=self.request.user, participant=participant
        )
        if self.request.method != "POST":  # GET and HEAD
            self.boxes = record_boxes(
                user=self.request.user, participant=participant, refusal=self.edit_refusal
            )
        elif self.edit_refusal:
            raise PermissionDenied(self.edit_refusal)
        else:
            # Refuses (403) a box's fields, such as the Opt-Out box's, from anyone who may not change it.
            self.boxes = record_boxes(
                user=self.request.user, participant=participant, data=self.request.POST
            )
        return participant

    def get_form(self, data: Any = None, files: Any = None) -> ParticipantForm:
        if data is None:
            form = ParticipantForm(instance=self.object)
            if self.edit_refusal:
                for field in form.fields.values():
                    field.disabled = True
            return form
        # The form edits a copy: the page still shows the saved record if the input is refused.
        return ParticipantForm(data, instance=Participant.objects.get(pk=self.object.pk))

    def is_valid(self, form: BaseForm) -> bool:
        return form.is_valid() and all(box.is_valid() for box in self.boxes)

    def perform(self, form: ParticipantForm) -> bool:
        """Saves the record and the boxes that changed together; True if anything changed."""
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        changed_boxes = [box for box in self.boxes if box.has_changed()]
        with transaction.atomic():
            participant_update(actor=self.request.user, participant=self.object, changes=changes)
            for box in changed_boxes:
                box.save(actor=self.request.user)
        return bool(changes or changed_boxes)

    def succeeded(self, changed: bool) -> HttpResponse:
        messages.success(self.request, "Saved." if changed else "Nothing changed.")
        return redirect("participants:detail", pk=self.object.pk)

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        participant = self.object
        if self.request.method == "GET":
            # A refused save shows the record again: opened once, logged once.
            participant_record_access(actor=self.request.user, participant=participant)
        return {
            "participant": participant,
            "form": form,
            "refusal": self.edit_refusal,
            "offices": participant.enrollments.select_related("office").order_by("office__name"),
            # Other apps' boxes, such as opt-out's flag (participants.record).
            "record_boxes": self.boxes,
        }
