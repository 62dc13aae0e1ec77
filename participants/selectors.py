"""Reads of seekers for pages; each starts from `Participant.objects.visible_to(user)`."""

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings

from .crypto import normalize_ssn
from .models import Participant
from .search import SearchResults, name_search

if TYPE_CHECKING:
    from access.models import Staff

CUSTOMER_ID = re.compile(r"^\s*\d{1,8}\s*$")


class Scope(StrEnum):
    OFFICE = "office"  # seekers enrolled in the office the user is logged into
    WORKSOURCE = "worksource"  # every seeker the user may see


def quick_search(
    *, user: "Staff", query: str = "", scope: Scope, ssn_index: str | None = None
) -> SearchResults:
    """Quick Search: a full SSN, a customer ID or a name, in the current office or all of WorkSource.

    Nine digits (dashes optional) are an SSN, matched exactly through its blind index; up to
    eight digits are a customer ID; anything else is a name (see participants.search). A search
    remembered between pages passes the SSN's blind index instead of the SSN.
    """
    # Searches may read a replica: the record itself, and every change, go to the primary.
    seekers = Participant.objects.db_manager(settings.QUICK_SEARCH_DATABASE).visible_to(user)
    if scope == Scope.OFFICE:
        if user.current_office_id is None:
            return SearchResults()
        seekers = seekers.enrolled_in(user.current_office_id)
    if ssn_index:
        return SearchResults(seekers.filter(ssn_index=ssn_index))
    if normalize_ssn(query):
        return SearchResults(seekers.with_ssn(query))
    if CUSTOMER_ID.match(query):
        return SearchResults(seekers.filter(customer_id=query.strip()))
    return name_search(seekers, query)


def enrolled_office_ids(*, participants: Iterable[int]) -> dict[int, set[int]]:
    """The offices each listed seeker is enrolled in, in one query (for "in your office" marks)."""
    from .models import Enrollment

    offices: dict[int, set[int]] = {}
    for participant_id, office_id in Enrollment.objects.filter(
        participant__in=participants
    ).values_list("participant_id", "office_id"):
        offices.setdefault(participant_id, set()).add(office_id)
    return offices
