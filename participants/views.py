import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from portal.views import paginate
from portal.web import ActionView, CapabilityRequiredMixin, FormView, address_of_each, refusal

from .access import access_participant
from .crypto import blind_index, mask_ssn, normalize_ssn
from .forms import EnrollForm, NarrowForm, ParticipantForm, QuickSearchForm
from .models import Participant
from .policies import may_enroll
from .record import record_boxes
from .selectors import Scope, enrolled_offices, quick_search
from .services import (
    EnrollmentResult,
    enrollment_create,
    ensure_can_edit,
    participant_record_access,
    participant_update,
)

# Searches are kept in the session under a random token, so that the query (which may be an
# SSN) travels only in a POST body: the address of the results carries the token, and the next
# pages add a page number or an office. An SSN is kept only as its blind index and last four
# digits: sessions are stored unencrypted.
SEARCHES_KEPT = 10
# Each result row links to the record and to the services (reversed once: portal.web).
RECORD_ADDRESS = address_of_each("participants:detail")
SERVICES_ADDRESS = address_of_each("dataedits:seeker")


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


def answer_at_token_address(request, token: str) -> None:
    """Lets a search's POST be answered as the page at its token's address (`?s=<token>`).

    The results are the POST's answer, in one request; everything on the page that names its
    own address (the pages' links, the office filter, the office switcher's way back) then names
    the token's, and search.js puts it in the address bar, so that Back and Reload ask for the
    remembered search by GET instead of sending the query again.
    """
    request.GET = QueryDict(mutable=True)
    request.GET["s"] = token
    request.META["QUERY_STRING"] = request.GET.urlencode()


@method_decorator(sensitive_post_parameters("q"), name="dispatch")
class QuickSearchView(CapabilityRequiredMixin, View):
    """Quick Search (seed 001): the POST of the form is answered with its results; next pages by GET."""

    capability = "can_read_seekers"
    template_name = "participants/search.html"
    # A page that always searches one scope (Add Seeker to Office: all of WorkSource).
    scope: Scope | None = None

    def title(self) -> str:
        return "Quick Search"

    def search_form(self, data=None, initial=None) -> QuickSearchForm:
        return QuickSearchForm(
            data, initial=initial, office=self.request.user.current_office, scope=self.scope
        )

    def get(self, request):
        token, search = recalled_search(request)
        if token and search is None:
            messages.info(request, "That search has expired. Please search again.")
            return redirect(request.path)
        return self.results_page(token, search)

    def post(self, request):
        form = self.search_form(request.POST)
        if not form.is_valid():
            context = self.page_context(form.without_digits_typed())
            return render(request, self.template_name, context, status=400)
        scope = self.scope or form.cleaned_data["scope"]
        token = remember_search(request, form.cleaned_data["q"], scope)
        answer_at_token_address(request, token)
        return self.results_page(token, recalled_search(request)[1], posted=True)

    def page_context(self, form: QuickSearchForm) -> dict[str, Any]:
        return {"form": form, "title": self.title(), "search_url": self.request.path}

    def results_page(self, token: str | None, search: dict | None, *, posted: bool = False):
        request, user = self.request, self.request.user
        scope = self.scope or (search or {}).get("scope") or request.GET.get("scope", Scope.OFFICE)
        # The box is refilled with a name or customer ID, never with an SSN.
        form = self.search_form(initial={"q": (search or {}).get("q", ""), "scope": scope})
        context = self.page_context(form)
        if not search:
            return render(request, self.template_name, context)
        scope = Scope(scope)
        narrow = NarrowForm(request.GET, user=user)
        narrowed_to = narrow.cleaned_data["office"] if narrow.is_valid() else None
        results = quick_search(
            user=user,
            query=search.get("q", ""),
            scope=scope,
            ssn_index=search.get("ssn_index"),
            office=narrowed_to.pk if narrowed_to else None,
        )
        page = paginate(request, results, settings.PARTICIPANTS_PER_PAGE)
        enrolled = enrolled_offices(
            participants=[seeker.pk for seeker in page], current_office_id=user.current_office_id
        )
        context |= {
            "token": token,
            "searched_for": search.get("ssn_masked") or search.get("q"),
            "page": page,
            "more_than_listed": results.more,
            "rows": [
                (
                    seeker,
                    enrolled.get(seeker.pk),
                    RECORD_ADDRESS(seeker.pk),
                    SERVICES_ADDRESS(seeker.pk),
                )
                for seeker in page
            ],
            "scope": scope,
            "narrow": narrow,
            "narrowed_to": narrowed_to,
            "can_enroll": scope == Scope.WORKSOURCE and may_enroll(user),
            # Only a POST's answer needs its address put in the address bar (search.js).
            "results_address": f"{request.path}?{request.GET.urlencode()}" if posted else None,
        }
        return render(request, self.template_name, context, status=400 if narrow.errors else 200)


class AddToOfficeView(QuickSearchView):
    """Add Seeker to Office (seed 001): "Enroll Job Seekers into <office>", a search of all of
    WorkSource whose results are ticked and enrolled in the office the person is logged into."""

    capability = "can_edit_seekers"
    refusal = "Your role cannot add seekers to an office."
    scope = Scope.WORKSOURCE

    def title(self) -> str:
        office = self.request.user.current_office
        return f"Enroll Job Seekers into {office or 'your office (none chosen)'}"


class EnrollView(ActionView):
    """Add Seeker to Office: enrolls the ticked seekers in the office the user is logged into."""

    capability = "can_edit_seekers"
    refusal = "Your role cannot add seekers to an office."
    # The pages whose results are ticked, by the name their form sends back ("back").
    RESULTS_PAGES = {"search": "participants:search", "add_to_office": "participants:add_to_office"}

    def get_form(self) -> EnrollForm | None:
        return EnrollForm(self.request.POST)

    def perform(self, form: EnrollForm | None) -> EnrollmentResult:
        assert form is not None
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
        page = self.RESULTS_PAGES.get(self.request.POST.get("back", ""), "participants:search")
        back = reverse(page)
        token = self.request.POST.get("s", "")
        if token in self.request.session.get("quick_searches", {}):
            back += f"?{urlencode({'s': token})}"
        return back


class EnrollSeekerView(EnrollView):
    """The read-only record's "Add Seeker to Office": enrolls this seeker, then shows the record again."""

    def get_object(self) -> Participant:
        return access_participant(self.request.user, self.kwargs["pk"])

    def get_form(self) -> None:
        return None

    def perform(self, form: None) -> EnrollmentResult:
        return enrollment_create(actor=self.request.user, participants=[self.object])

    def redirect_url(self) -> str:
        return reverse("participants:detail", args=[self.object.pk])


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
            # A role that edits, logged into an office, is refused only because the seeker is not
            # enrolled there: the page offers the one button that changes that.
            "offer_enrollment": self.edit_refusal is not None and may_enroll(self.request.user),
            "offices": participant.enrollments.select_related("office").order_by("office__name"),
            # Other apps' boxes, such as opt-out's flag (participants.record).
            "record_boxes": self.boxes,
        }
