import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal.errors import PortalError
from portal.views import CapabilityRequiredMixin, paginate

from .crypto import blind_index, mask_ssn, normalize_ssn
from .forms import EnrollForm, ParticipantForm, QuickSearchForm
from .models import Participant
from .record import RecordBox, record_boxes
from .selectors import Scope, enrolled_office_ids, quick_search
from .services import (
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


@require_POST
def enroll(request):
    """Add Seeker to Office: enrolls the ticked seekers in the office the user is logged into."""
    if not request.user.can_edit_seekers:
        raise PermissionDenied("Your role cannot add seekers to an office.")
    back = reverse("participants:search")
    token = request.POST.get("s", "")
    if token in request.session.get("quick_searches", {}):
        back += f"?s={token}"
    form = EnrollForm(request.POST, user=request.user)
    if not form.is_valid():
        for error in form.errors["participants"]:
            messages.error(request, error)
        return redirect(back)
    try:
        result = enrollment_create(
            actor=request.user, participants=form.cleaned_data["participants"]
        )
    except PortalError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    office = request.user.current_office
    if result.enrolled:
        names = "; ".join(f"{p.first_name} {p.last_name}" for p in result.enrolled)
        messages.success(request, f"Enrolled in {office}: {names}.")
    if result.already_enrolled:
        names = "; ".join(f"{p.first_name} {p.last_name}" for p in result.already_enrolled)
        messages.info(request, f"Already enrolled in {office}: {names}.")
    return redirect(back)


class ParticipantDetailView(CapabilityRequiredMixin, View):
    """View / Edit participant: the full record in the current office, a summary elsewhere."""

    capability = "can_read_seekers"
    template_name = "participants/detail.html"

    def get_participant(self, pk):
        return get_object_or_404(Participant.objects.visible_to(self.request.user), pk=pk)

    def edit_refusal(self, participant) -> str | None:
        try:
            ensure_can_edit(actor=self.request.user, participant=participant)
        except PortalError as exc:
            return exc.message
        return None

    def render_page(
        self,
        participant: Participant,
        form: ParticipantForm,
        refusal: str | None,
        boxes: list[RecordBox],
        status: int = 200,
    ) -> HttpResponse:
        if (
            self.request.method == "GET"
        ):  # a refused save shows the record again: opened once, logged once
            participant_record_access(actor=self.request.user, participant=participant)
        return render(
            self.request,
            self.template_name,
            {
                "participant": participant,
                "form": form,
                "refusal": refusal,
                "offices": participant.enrollments.select_related("office").order_by(
                    "office__name"
                ),
                # Other apps' boxes, such as opt-out's flag (participants.record).
                "record_boxes": boxes,
            },
            status=status,
        )

    def get(self, request, pk):
        participant = self.get_participant(pk)
        refusal = self.edit_refusal(participant)
        form = ParticipantForm(instance=participant)
        if refusal:
            for field in form.fields.values():
                field.disabled = True
        boxes = record_boxes(user=request.user, participant=participant, refusal=refusal)
        return self.render_page(participant, form, refusal, boxes)

    def post(self, request, pk):
        participant = self.get_participant(pk)
        refusal = self.edit_refusal(participant)
        if refusal:
            raise PermissionDenied(refusal)
        # Refuses (403) a box's fields, such as the Opt-Out box's, from anyone who may not change it.
        boxes = record_boxes(user=request.user, participant=participant, data=request.POST)
        # The form edits a copy: the page still shows the saved record if the input is refused.
        form = ParticipantForm(request.POST, instance=Participant.objects.get(pk=participant.pk))
        if not form.is_valid() or not all(box.is_valid() for box in boxes):
            return self.render_page(participant, form, None, boxes, status=400)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        changed_boxes = [box for box in boxes if box.has_changed()]
        try:
            with transaction.atomic():
                participant_update(actor=request.user, participant=participant, changes=changes)
                for box in changed_boxes:
                    box.save(actor=request.user)
        except PortalError as exc:
            form.add_error(None, exc.message)
            return self.render_page(participant, form, None, boxes, status=400)
        messages.success(request, "Saved." if changes or changed_boxes else "Nothing changed.")
        return redirect("participants:detail", pk=participant.pk)
