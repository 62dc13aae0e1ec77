"""Reads of seekers for pages; each starts from `Participant.objects.visible_to(user)`."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet

from access.models import Office

from .models import Enrollment, Participant
from .query import NotASearch, parse_query
from .search import SearchResults, name_search

if TYPE_CHECKING:
    from access.models import Staff


class Scope(StrEnum):
    OFFICE = "office"  # seekers enrolled in the office the user is logged into
    WORKSOURCE = "worksource"  # every seeker the user may see


def quick_search(
    *,
    user: "Staff",
    query: str = "",
    scope: Scope,
    ssn_index: str | None = None,
    office: int | None = None,
) -> SearchResults:
    """Quick Search: an SSN, a customer ID or a name (with perhaps a date of birth), in the
    current office or all of WorkSource, narrowed to the seekers enrolled in `office` if given.

    The query is read by participants.query: the page's form has refused what is no search, so
    what still is not one here finds nobody. A search remembered between pages passes the SSN's
    blind index instead of the SSN.
    """
    # Searches may read a replica: the record itself, and every change, go to the primary.
    seekers = Participant.objects.db_manager(settings.QUICK_SEARCH_DATABASE).visible_to(user)
    if scope == Scope.OFFICE:
        if user.current_office_id is None:
            return SearchResults()
        seekers = seekers.enrolled_in(user.current_office_id)
    if office is not None:
        seekers = seekers.enrolled_in(office)
    if ssn_index:
        return SearchResults(seekers.filter(ssn_index=ssn_index))
    try:
        wanted = parse_query(query)
    except NotASearch:
        return SearchResults()
    if wanted.ssn:
        return SearchResults(seekers.with_ssn(wanted.ssn))
    if wanted.customer_id:
        return SearchResults(seekers.filter(customer_id=wanted.customer_id))
    if wanted.date_of_birth:
        seekers = seekers.filter(date_of_birth=wanted.date_of_birth)
    return name_search(seekers, wanted.name)


@dataclass(frozen=True)
class Enrolled:
    """The offices one seeker is enrolled in, as a results row shows them."""

    SHOWN = 3  # names listed; the rest are counted ("and 2 more")

    offices: list[str]  # names, the current office first, then by name
    in_current_office: bool

    @property
    def shown(self) -> list[str]:
        return self.offices[: self.SHOWN]

    @property
    def more(self) -> int:
        return max(len(self.offices) - self.SHOWN, 0)


def enrolled_offices(
    *, participants: Iterable[int], current_office_id: int | None
) -> dict[int, Enrolled]:
    """The offices each listed seeker is enrolled in, by name, in one query for the whole page.

    The seekers come from a page of results, which the visibility gate let through.
    """
    names: dict[int, list[str]] = {}
    in_current: set[int] = set()
    rows = (
        Enrollment.objects.filter(participant__in=list(participants))
        .order_by("office__name")
        .values_list("participant_id", "office_id", "office__name")
    )
    for participant_id, office_id, office_name in rows:
        if office_id == current_office_id:
            in_current.add(participant_id)
            names.setdefault(participant_id, []).insert(0, office_name)
        else:
            names.setdefault(participant_id, []).append(office_name)
    return {
        pk: Enrolled(offices=offices, in_current_office=pk in in_current)
        for pk, offices in names.items()
    }


def narrowing_offices(*, user: "Staff") -> QuerySet[Office]:
    """The offices a person may narrow WorkSource results to: those of the areas they work in.

    A case manager looks for a seeker enrolled in a neighbouring office of their workforce
    development area; the list stays short enough to choose from at a glance.
    """
    # From the assignments' own table, by its index on the person: joining the offices to it
    # with OR read every assignment of the state.
    assigned = Office.staff.through.objects.filter(staff=user.pk).values("office_id")
    worked_in = Office.objects.filter(Q(pk__in=assigned) | Q(pk=user.current_office_id))
    return Office.objects.filter(area__in=worked_in.values("area")).order_by("name")
