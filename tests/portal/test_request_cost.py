"""The fixed cost of a signed-in request, in queries: the floor under every page.

The person of each request is loaded with what the access check asks (their organization's
contracts, a due disable) in one query, so the check that must run on every request costs
nothing more; and since nothing is kept between requests, access still ends on the very next one.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.models import AccessRequest, Contract
from access.services import sign_in_complete
from dataedits.rules import ServiceFact
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db
STATE = ZoneInfo(settings.TIME_ZONE)
FLOOR_QUERIES = 2  # the session, and the person with their access standing and offices


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    sign_in_complete(staff=person)
    client.get(
        reverse("portal:dashboard")
    )  # past onboarding's first check, as a working session is
    return client


def queries_of(client: Client, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("who", ["partner_case_manager", "esd_supervisor", "state_dataedits"])
def test_a_signed_in_404_makes_two_queries_the_session_and_the_person(world, who):
    status, queries = queries_of(signed_in(getattr(world, who)), "/no-such-page/")
    assert status == 404
    assert len(queries) <= FLOOR_QUERIES, queries


def test_the_empty_search_form_costs_no_more_than_the_floor(world):
    status, queries = queries_of(
        signed_in(world.partner_case_manager), reverse("participants:search")
    )
    assert status == 200
    assert len(queries) <= FLOOR_QUERIES, queries


def test_the_access_check_is_read_with_the_person_not_asked_apart(world):
    """The organization's contracts and the disable requests are asked in the person's own query."""
    _, queries = queries_of(signed_in(world.partner_case_manager), "/no-such-page/")
    [person] = [sql for sql in queries if sql.startswith('SELECT "access_staff"."id"')]
    assert '"access_contract"' in person and '"access_accessrequest"' in person
    assert not any(sql.startswith('SELECT "access_organization"') for sql in queries)


def test_the_office_switcher_lists_the_assigned_offices_read_with_the_person(world):
    """Read in the person's own query, the list is the database's at each request: a new office,
    a renamed one (quotes and commas too) appear on the next page."""
    person = world.partner_case_manager
    browser = signed_in(person)
    third = OfficeFactory(name='WorkSource Gamma "Annex", East', area=world.office_a.area)
    person.offices.add(world.office_b, third)
    _, queries = queries_of(browser, "/no-such-page/")
    page = browser.get("/no-such-page/").content.decode()
    assert len(queries) <= FLOOR_QUERIES
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', page)
    assert options == [
        (str(world.office_a.pk), " selected", "WorkSource Alpha"),
        (str(world.office_b.pk), "", "WorkSource Beta"),
        (str(third.pk), "", "WorkSource Gamma &quot;Annex&quot;, East"),
    ]
    person.offices.remove(world.office_b)
    page = browser.get("/no-such-page/").content.decode()
    assert "WorkSource Beta</option>" not in page and "East</option>" in page


def test_a_contract_that_expired_a_second_ago_refuses_the_next_request(world):
    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.SERVICE).update(
        expiry_date=date(2027, 4, 1)
    )
    with time_machine.travel(datetime(2027, 3, 31, 23, 59, 59, tzinfo=STATE), tick=False) as clock:
        browser = signed_in(world.partner_case_manager)
        assert browser.get("/no-such-page/").status_code == 404
        clock.shift(timedelta(seconds=2))  # 00:00:01 on the expiry date
        response = browser.get("/no-such-page/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_contract_ended_between_two_requests_refuses_the_second(world):
    """Nothing of the first request's answer is kept: the contract changed, the next request knows."""
    browser = signed_in(world.partner_case_manager)
    assert browser.get(reverse("participants:search")).status_code == 200
    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.DATA_SHARING).update(
        approved_at=None
    )
    response = browser.get(reverse("participants:search"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    world.partner_case_manager.refresh_from_db()
    assert not world.partner_case_manager.is_active


def test_a_disable_that_took_effect_a_second_ago_refuses_the_next_request(world):
    person = world.partner_case_manager
    with time_machine.travel(datetime(2027, 6, 1, 9, 0, tzinfo=STATE), tick=False) as clock:
        browser = signed_in(person)
        AccessRequest.objects.create(
            kind=AccessRequest.Kind.DISABLE,
            status=AccessRequest.Status.SCHEDULED,
            staff=person,
            organization=world.partner,
            requested_by=world.access_requester,
            effective_at=datetime(2027, 6, 1, 9, 0, 1, tzinfo=STATE),
        )
        assert browser.get("/no-such-page/").status_code == 404
        clock.shift(timedelta(seconds=2))
        response = browser.get("/no-such-page/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- long lists: a page costs the same whatever its rows and however deep it is ---------------


def page_queries(client: Client, path: str, page: int, marker: str) -> int:
    client.get(f"{path}?page={page}")  # the session renewed, the content types cached
    status, queries = queries_of(client, f"{path}?page={page}")
    assert status == 200
    assert marker in client.get(f"{path}?page={page}").content.decode()
    return len(queries)


def test_the_state_queue_pages_cost_the_same_queries_whatever_their_rows(world, settings):
    from dataedits.models import TicketState
    from tests.dataedits.helpers import make_ticket
    from tests.factories import ParticipantFactory

    settings.PARTICIPANTS_PER_PAGE = 5
    for n in range(7):  # a full first page of 5, a second of 2
        seeker = ParticipantFactory(last_name=f"Queued{n}", offices=[world.office_a])
        make_ticket(
            seeker,
            by=world.partner_case_manager,
            office=world.office_a,
            status=TicketState.STATE_QUEUE,
        )
    browser = signed_in(world.state_dataedits)
    path = reverse("dataedits:state_queue", args=["title_i"])
    first = page_queries(browser, path, 1, "Queued0")
    second = page_queries(browser, path, 2, "Queued6")
    assert first == second <= FLOOR_QUERIES + 3  # the count, the page's ids, the page's rows


def test_the_supervisors_opt_in_queue_pages_cost_the_same_queries_whatever_their_rows(
    world, settings
):
    from tests.factories import ParticipantFactory
    from tests.optout.conftest import file_request

    settings.PARTICIPANTS_PER_PAGE = 5
    for n in range(7):
        seeker = ParticipantFactory(
            first_name="Client", last_name=f"Waiting{n}", opted_out=True, offices=[world.office_a]
        )
        file_request(world, seeker=seeker)
    browser = signed_in(world.esd_supervisor)
    path = reverse("optout:queue")
    first = page_queries(browser, path, 1, "Waiting0")
    second = page_queries(browser, path, 2, "Waiting6")
    assert first == second <= FLOOR_QUERIES + 3


# --- Add Seeker to Office ------------------------------------------------------------------


def test_add_seeker_to_office_reads_the_seekers_once_and_writes_in_one_transaction(world):
    """The action: the session, the person, the chosen seekers through the gate with whether each
    is enrolled already, then one transaction (the enrollment and its audit entry). With the search
    results page it returns to (the session, the person, the remembered search, its seekers and
    their offices), 14."""
    from django.contrib.contenttypes.models import ContentType

    from participants.models import Enrollment

    ContentType.objects.get_for_model(Enrollment)  # cached by a warm worker
    browser = signed_in(world.partner_case_manager)
    searched = browser.post(
        reverse("participants:search"), {"q": "Oscar Otheroffice", "scope": "worksource"}
    )
    # The search's POST answers with its results, remembered at a token's address.
    results = re.search(r'data-results-address="([^"]+)"', searched.content.decode())[1]
    seeker = world.seekers["other"]
    form = {"s": results.partition("?s=")[2], "participants": [seeker.pk]}
    with CaptureQueriesContext(connection) as action:
        response = browser.post(reverse("participants:enroll"), form)
    assert response.status_code == 302 and response["Location"] == results
    with CaptureQueriesContext(connection) as page:
        shown = browser.get(results).content.decode()
    assert "Enrolled in WorkSource Alpha: Oscar Otheroffice." in shown
    assert Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()
    # BEGIN and COMMIT (a savepoint and its release inside the test's own transaction).
    statements = [query["sql"].split()[0] for query in action.captured_queries]
    assert statements[:3] == ["SELECT"] * 3 and statements[3:] in (
        ["BEGIN", "INSERT", "INSERT", "COMMIT"],
        ["SAVEPOINT", "INSERT", "INSERT", "RELEASE"],
    )
    assert len(action) <= 7 and len(action) + len(page) <= 14


def test_add_seeker_to_office_of_several_seekers_reads_them_in_one_query(world):
    from participants.models import Enrollment
    from tests.factories import ParticipantFactory

    browser = signed_in(world.partner_case_manager)
    seekers = [ParticipantFactory(offices=[world.office_b]) for _ in range(5)]
    Enrollment.objects.create(participant=seekers[0], office=world.office_a)
    form = {"participants": [seeker.pk for seeker in seekers]}
    with CaptureQueriesContext(connection) as action:
        browser.post(reverse("participants:enroll"), form)
    selects = [query for query in action.captured_queries if query["sql"].startswith("SELECT")]
    assert len(selects) == 3  # the session, the person, the seekers
    assert Enrollment.objects.filter(participant__in=seekers, office=world.office_a).count() == 5


# --- the data-edit pre-check: a seeker's services are read once, however many --------------


def test_the_precheck_costs_the_same_queries_for_three_services_or_thirty(world):
    from dataedits.models import ServiceType
    from tests.dataedits.helpers import add_service

    seeker = world.seekers["own"]
    kind = ServiceType.objects.filter(counts_toward_participation=True).first()
    browser = signed_in(world.partner_case_manager)

    def precheck_queries(services: int) -> tuple[int, str]:
        while seeker.services.count() < services:
            day = date(2020, 1, 1) + timedelta(days=9 * seeker.services.count())
            add_service(
                seeker, kind.code, day, office=world.office_a, by=world.partner_case_manager
            )
        form = {
            "kind": "delete_service",
            "service": seeker.services.first().pk,
            "what_is_wrong": "Entered twice.",
            "what_is_right": "Not provided.",
            "justification": "The case notes show no such service.",
        }
        path = reverse("dataedits:ticket_precheck", args=[seeker.pk])
        with CaptureQueriesContext(connection) as captured:
            page = browser.post(path, form, headers={"HX-Request": "true"}).content.decode()
        return len(captured), page

    few, _ = precheck_queries(3)
    many, page = precheck_queries(30)
    assert few == many
    assert page.count('<th scope="row"') >= 30  # a row for each service
    # Bars that touch are drawn as one mark: at most one for each, before and after the deletion.
    assert 2 <= page.count('height="10"') <= 30 + 29


def test_the_precheck_table_escapes_a_service_types_name(world):
    from dataedits.templatetags.dataedits import timeline_service_rows

    row = {
        "name": '<img src=x onerror="alert(1)">',
        "before": ServiceFact("7", "career_guidance", date(2024, 1, 3), date(2024, 1, 3), False),
        "after": None,
        "counted": False,
        "change": "deleted",
        "period_before": 2,
        "period_after": None,
    }
    html = timeline_service_rows({"rows": [row]})
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "(does not count toward participation)" in html
    assert '<td data-label="Before">01/03/2024, period 2</td>' in html
    assert '<td data-label="After">none</td>' in html and "<strong>deleted</strong>" in html
