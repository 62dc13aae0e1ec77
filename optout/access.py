"""One way to reach an opt-in request or an Opt-Out Lookup: missing and not theirs answer alike."""

from typing import TYPE_CHECKING

from portal.errors import NotFound

from .models import OptInRequest, OptOutLookup

if TYPE_CHECKING:
    from access.models import Staff


def access_opt_in_request(user: "Staff", pk: int, *, in_queue: bool = False) -> OptInRequest:
    """The request if `user` may open it (the filer, their area's supervisors); with `in_queue`,
    only if it waits in the queue of a supervisor of its area, who alone may act on it."""
    requests = (
        OptInRequest.objects.in_queue_of(user)
        if in_queue
        else OptInRequest.objects.visible_to(user)
    )
    found = (
        requests.select_related("filed_by__organization", "office", "area", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("This opt-in request could not be found.")
    return found


def access_lookup(user: "Staff", pk: int, *, opted_out: bool = False) -> OptOutLookup:
    """One of the person's own lookups (nobody else's: each answer is its asker's alone); with
    `opted_out`, only one that answered CLIENT OPTED OUT, the only answer an opt-in request follows."""
    lookups = OptOutLookup.objects.select_related("participant").filter(staff=user)
    if opted_out:
        lookups = lookups.filter(result=OptOutLookup.Result.OPTED_OUT)
    found = lookups.filter(pk=pk).first()
    if found is None:
        raise NotFound("This lookup could not be found.")
    return found
