"""Reads for opt-out's pages: each starts from a restricted queryset."""

from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from django.db.models import QuerySet

from participants.models import Participant

from .models import OptInRequest, OptOutChange
from .policies import files_opt_in_requests, is_wioa_supervisor, uses_opt_out_lookup
from .querysets import area_supervisors

if TYPE_CHECKING:
    from access.models import Staff

    from .forms import LookupForm


def opt_out_history(*, user: "Staff", participant: Participant) -> QuerySet[OptOutChange] | None:
    """The seeker's opt-out changes, newest first, for state staff only (None for everyone else)."""
    if not user.is_state_staff:
        return None
    gate = Participant.objects.visible_to(user)
    # A gate that lets every seeker through (state staff's) needs no query to say so.
    if gate.query.is_empty() or (gate.query.where and not gate.filter(pk=participant.pk).exists()):
        return None
    return (
        OptOutChange.objects.filter(participant=participant)
        .select_related("changed_by", "opt_in_request__filed_by")
        .order_by("-changed_at", "-pk")
    )


def supervisor_queue(*, user: "Staff", closed: bool = False) -> QuerySet[OptInRequest]:
    """An ESD WIOA supervisor's queue: open requests of their areas, oldest first (or the closed ones, newest first)."""
    requests = OptInRequest.objects.in_queue_of(user).select_related(
        "filed_by__organization", "office", "area"
    )
    if closed:
        return requests.exclude(status="filed").order_by("-decided_at", "-withdrawn_at", "-pk")
    return requests.open().order_by("filed_at", "pk")


def requests_filed_by(*, user: "Staff") -> QuerySet[OptInRequest]:
    """A case manager's own requests, newest first."""
    return (
        OptInRequest.objects.filter(filed_by=user)
        .select_related("decided_by", "area")
        .order_by("-filed_at", "-pk")
    )


def request_supervisors(*, opt_in_request: OptInRequest) -> "QuerySet[Staff]":
    """Whom the client should contact: the ESD WIOA supervisors of the request's area."""
    return area_supervisors(opt_in_request.area_id)


def participant_for_supervisor(
    *, user: "Staff", opt_in_request: OptInRequest
) -> Participant | None:
    """The seeker of a request, through the gate (None if the user may not see them)."""
    return Participant.objects.visible_to(user).filter(pk=opt_in_request.participant_id).first()


class DashboardWidgets(TypedDict):
    """What the dashboard's opt-out widgets show: the counts only for those who file or decide."""

    uses_lookup: bool
    files_requests: bool
    is_supervisor: bool
    my_open: NotRequired[int]
    my_total: NotRequired[int]
    queue_open: NotRequired[int]
    queue_overdue: NotRequired[int]
    # Added by the template tag (optout.templatetags.optout) for those who use the lookup.
    lookup_form: NotRequired["LookupForm"]


def dashboard(*, user: Any) -> DashboardWidgets:
    """What the dashboard's opt-out widgets show this person."""
    context: DashboardWidgets = {
        "uses_lookup": uses_opt_out_lookup(user),
        "files_requests": files_opt_in_requests(user),
        "is_supervisor": is_wioa_supervisor(user),
    }
    if context["files_requests"]:
        mine = OptInRequest.objects.filter(filed_by=user)
        context["my_open"] = mine.open().count()
        context["my_total"] = mine.count()
    if context["is_supervisor"]:
        queue = OptInRequest.objects.in_queue_of(user)
        context["queue_open"] = queue.open().count()
        context["queue_overdue"] = queue.overdue().count()
    return context
