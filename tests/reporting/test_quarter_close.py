"""The quarter close, the federal extract and reconciliation (seeds 002 and 004).

A small population is closed into PY2026 Q1 (July to September 2026) on 10/25/2026, the 25th day
after it ended, and its extract is checked row by row against figures worked out by hand.
"""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry, Kind
from dataedits.models import ChangeKind, Program, TicketState
from dataedits.rules import Quarter
from dataedits.services import ticket_decide
from portal.errors import PortalError
from reporting.models import CloseException, ExtractDownload, QuarterClose, QuarterFigure
from reporting.services import close_exception_record, quarter_close
from tests.dataedits.helpers import add_service, make_ticket

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
Q1 = Quarter(2026, 1)
CLOSE_DAY = datetime(2026, 10, 25, 10, 0, tzinfo=TZ)
EXTRACT = reverse("reporting:extract", args=[2026, 1])
CLOSE = reverse("reporting:close", args=[2026, 1])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def population(world):
    """Three seekers, entered in office A by the state case manager.

    Alma (opted in) is in two programs: Title I Adult (career guidance 07/10, occupational skills
    training 08/01-09/15, and a follow-up that does not count) and Wagner-Peyser (an initial
    assessment on 07/05 and nothing since: on 10/25 that is 112 days, so the exit, 07/05, is
    determined, in the quarter). Bruno opted out of data sharing: Youth, workforce preparation on
    04/10 (PY2025 Q4) and work experience 07/01-07/20, one period (82 days apart) entered in Q4
    and exited on 07/20 (97 days before 10/25). Cora was served in March and again in October:
    neither in the quarter, so she is not in its extract.
    """
    office, by = world.office_a, world.esd_case_manager
    alma = world.seekers["own"]
    alma.customer_id, alma.state, alma.zip_code = "10000001", "WA", "98310-1234"
    alma.date_of_birth = date(1990, 5, 1)
    alma.save()
    bruno = world.seekers["opted_out"]
    bruno.customer_id = "10000002"
    bruno.save()
    cora = world.seekers["other"]

    def serve(seeker, code, start, end=None, program=Program.ADULT):
        return add_service(seeker, code, start, end, office=office, by=by, program=program)

    serve(alma, "career_guidance", date(2026, 7, 10))
    serve(alma, "occupational_skills_training", date(2026, 8, 1), date(2026, 9, 15))
    serve(alma, "follow_up", date(2026, 9, 20))
    serve(alma, "initial_assessment", date(2026, 7, 5), program=Program.WAGNER_PEYSER)
    serve(bruno, "workforce_preparation", date(2026, 4, 10), program=Program.YOUTH)
    serve(bruno, "work_experience", date(2026, 7, 1), date(2026, 7, 20), program=Program.YOUTH)
    serve(cora, "career_guidance", date(2026, 3, 2))
    serve(cora, "career_guidance", date(2026, 10, 5), program=Program.DISLOCATED_WORKER)
    return {"alma": alma, "bruno": bruno, "cora": cora}


HEADER = [
    "OBS Number",
    "PIRL 100 Unique Individual Identifier (WIOA)",
    "PIRL 101 State Code of Residence (WIOA)",
    "PIRL 103 Zip Code of Residence",
    "PIRL 200 Date of Birth",
    "PIRL 900 Date of Program Entry (WIOA)",
    "PIRL 901 Date of Program Exit (WIOA)",
    "PIRL 903 Adult (WIOA)",
    "PIRL 904 Dislocated Worker (WIOA)",
    "PIRL 905 Youth (WIOA)",
    "PIRL 918 Wagner-Peyser Employment Service (WIOA)",
    "Program",
    "Quarter of program entry",
    "Quarter of program exit",
    "Counted services in the quarter: Career Guidance",
    "Counted services in the quarter: Initial Assessment",
    "Counted services in the quarter: Occupational Skills Training",
    "Counted services in the quarter: Supportive Service",
    "Counted services in the quarter: Work Experience",
    "Counted services in the quarter: Workforce Preparation Assistance",
    "Counted services in the quarter: all types",
]
# Worked out by hand from the population above.
ROWS = [
    # Alma in Title I Adult: entered 07/10, last service 09/15 (40 days ago): no exit yet.
    ["000000001", "10000001", "WA", "98310", "19900501", "20260710", ""]
    + ["1", "", "", "", "Title I Adult", "PY2026 Q1", ""]
    + ["1", "0", "1", "0", "0", "0", "2"],
    # Alma in Wagner-Peyser: entered and exited 07/05, in the quarter.
    ["000000002", "10000001", "WA", "98310", "19900501", "20260705", "20260705"]
    + ["", "", "", "1", "Title III Wagner-Peyser", "PY2026 Q1", "PY2026 Q1"]
    + ["0", "1", "0", "0", "0", "0", "1"],
    # Bruno, opted out, in Youth: entered in PY2025 Q4, exited 07/20; one service in the quarter.
    ["000000003", "10000002", "", "", "", "20260410", "20260720"]
    + ["", "", "1", "", "Title I Youth", "PY2025 Q4", "PY2026 Q1"]
    + ["0", "0", "0", "0", "1", "0", "1"],
]


def extract_rows(client) -> list[list[str]]:
    response = client.get(EXTRACT)
    assert response.status_code == 200
    assert response.streaming, "the extract streams, it is not built in memory"
    assert response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_extract_of_a_small_population_computed_by_hand(world, population):
    with time_machine.travel(CLOSE_DAY, tick=False):
        close = quarter_close(actor=world.state_dataedits, quarter=Q1)
        rows = extract_rows(client_for(world.state_dataedits))
    assert close.rows == 3
    assert rows == [HEADER, *ROWS]
    # Never the SSN: the portal's own identifier only.
    body = "".join(",".join(r) for r in rows)
    for seeker in population.values():
        assert seeker.ssn not in body.replace("-", "")


def test_closing_is_audited_and_each_download_is_one_entry_naming_the_quarter_and_its_rows(
    world, population
):
    with time_machine.travel(CLOSE_DAY, tick=False):
        client = client_for(world.state_dataedits)
        response = client.post(CLOSE, follow=True)
        assert "PY2026 Q1 is closed: 3 rows kept for the federal extract." in (
            response.content.decode()
        )
        extract_rows(client)
    close = QuarterClose.objects.get()
    assert (close.closed_by, close.as_of, close.label) == (
        world.state_dataedits,
        date(2026, 10, 25),
        "PY2026 Q1",
    )
    closed = AuditEntry.objects.get_for_object(close).get()
    assert closed.actor == world.state_dataedits
    assert closed.action == AuditEntry.Action.CREATE
    assert closed.additional_data["reason"] == (
        "PY2026 Q1 closed: 3 rows kept for the federal extract"
    )
    download = ExtractDownload.objects.get()
    (entry,) = AuditEntry.objects.get_for_object(download)
    assert entry.actor == world.state_dataedits
    assert entry.additional_data["reason"] == "federal extract of PY2026 Q1 downloaded: 3 rows"
    assert (entry.action, entry.kind) == (AuditEntry.Action.ACCESS, Kind.ACCESS)
    assert entry.additional_data["filter"] == "PY2026 Q1"
    assert entry.additional_data["rows"] == 3


def test_the_close_is_offered_from_the_21st_day_and_refused_before(world, population):
    with time_machine.travel(datetime(2026, 10, 20, 15, 0, tzinfo=TZ), tick=False):
        client = client_for(world.state_dataedits)
        page = client.get(reverse("reporting:quarters")).content.decode()
        assert "may be closed from 10/21/2026" in page
        response = client.post(CLOSE, follow=True)
        assert "PY2026 Q1 may be closed from 10/21/2026" in response.content.decode()
        with pytest.raises(PortalError, match="may be closed from 10/21/2026"):
            quarter_close(actor=world.state_dataedits, quarter=Q1)
    assert not QuarterClose.objects.exists() and not QuarterFigure.objects.exists()
    with time_machine.travel(datetime(2026, 10, 21, 8, 0, tzinfo=TZ), tick=False):
        client = client_for(world.state_dataedits)
        assert reverse("reporting:close", args=[2026, 1]) in (
            client.get(reverse("reporting:quarters")).content.decode()
        )
        confirm = client.get(CLOSE)
        assert "Close PY2026 Q1?" in confirm.content.decode()
        client.post(CLOSE)
    assert QuarterClose.objects.get().rows == 3


def test_a_quarter_is_closed_once(world, population):
    with time_machine.travel(CLOSE_DAY, tick=False):
        quarter_close(actor=world.state_dataedits, quarter=Q1)
        with pytest.raises(PortalError, match="PY2026 Q1 is already closed"):
            quarter_close(actor=world.state_dataedits, quarter=Q1)
        response = client_for(world.state_dataedits).post(CLOSE, follow=True)
    assert "PY2026 Q1 is already closed" in response.content.decode()
    assert QuarterClose.objects.count() == 1
    assert QuarterFigure.objects.count() == 3


@pytest.mark.parametrize("role", ["partner_case_manager", "lwdb_reviewer", "esd_supervisor"])
def test_non_state_data_edit_staff_are_refused_the_close_and_the_extract(world, population, role):
    person = world.people[role]
    with time_machine.travel(CLOSE_DAY, tick=False):
        client = client_for(person)
        # A forged POST: the button is never shown to them.
        assert client.post(CLOSE).status_code == 403
        with pytest.raises(PortalError, match="Only the state's data-edit staff close"):
            quarter_close(actor=person, quarter=Q1)
        assert not QuarterClose.objects.exists()
        quarter_close(actor=world.state_dataedits, quarter=Q1)
        assert client.get(EXTRACT).status_code == 403
        assert client.get(reverse("reporting:reconciliation", args=[2026, 1])).status_code == 403
    assert not ExtractDownload.objects.exists()


def test_a_quarter_closed_long_ago_is_still_listed_with_its_extract(world, population):
    with time_machine.travel(CLOSE_DAY, tick=False):
        quarter_close(actor=world.state_dataedits, quarter=Q1)
    with time_machine.travel(datetime(2029, 1, 5, 9, 0, tzinfo=TZ), tick=False):
        # Signed in lately: an account unused for 90 days would be disabled on its next request.
        person = world.state_dataedits
        person.last_login = datetime(2029, 1, 5, 8, 0, tzinfo=TZ)
        person.save(update_fields=["last_login"])
        page = client_for(person).get(reverse("reporting:quarters"))
    assert page.status_code == 200, page.get("Location")
    text = page.content.decode()
    assert "PY2028 Q2" in text and "PY2026 Q2" not in text  # the eight latest, then closed ones
    assert EXTRACT in text


def test_an_open_quarter_has_no_extract(world, population):
    response = client_for(world.state_dataedits).get(EXTRACT, follow=True)
    assert "PY2026 Q1 is not closed" in response.content.decode()
    assert not ExtractDownload.objects.exists()


def test_a_quarter_that_cannot_be_is_not_found(world):
    client = client_for(world.state_dataedits)
    assert client.get(reverse("reporting:extract", args=[2026, 5])).status_code == 404
    assert client.get(reverse("reporting:close", args=[9999, 1])).status_code == 404


def test_the_closed_figures_do_not_change_with_a_later_edit(world, population):
    alma = population["alma"]
    with time_machine.travel(CLOSE_DAY, tick=False):
        quarter_close(actor=world.state_dataedits, quarter=Q1)
        client = client_for(world.state_dataedits)
        before = extract_rows(client)
        # A service recorded late in the closed quarter, and the seeker's ZIP code corrected.
        add_service(
            alma,
            "supportive_service",
            date(2026, 9, 1),
            office=world.office_a,
            by=world.esd_case_manager,
        )
        alma.zip_code = "98501"
        alma.save()
        after = extract_rows(client)
    assert after == before == [HEADER, *ROWS]


class TestReconciliation:
    @pytest.fixture
    def ticket(self, world, population):
        """Filed on time (10/15) to delete Alma's career guidance of 07/10, waiting at the state."""
        alma = population["alma"]
        service = alma.services.get(service_type__code="career_guidance")
        return make_ticket(
            alma,
            by=world.partner_case_manager,
            office=world.office_a,
            kind=ChangeKind.DELETE_SERVICE,
            service=service,
            status=TicketState.STATE_QUEUE,
            filed_on=date(2026, 10, 15),
        )

    def test_a_ticket_changing_a_closed_quarter_waits_for_the_states_exception(self, world, ticket):
        with time_machine.travel(CLOSE_DAY, tick=False):
            quarter_close(actor=world.state_dataedits, quarter=Q1)
            with pytest.raises(PortalError, match="PY2026 Q1 is closed") as refused:
                ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
            assert refused.value.code == "quarter_closed"
            page = client_for(world.state_dataedits).get(
                reverse("dataedits:decide", args=[ticket.pk])
            )
        assert "Record the exception for PY2026 Q1" in page.content.decode()
        ticket.refresh_from_db()
        assert ticket.status == TicketState.STATE_QUEUE
        assert ticket.service is not None

    def test_the_exception_is_recorded_with_a_reason_by_state_staff_only(self, world, ticket):
        with time_machine.travel(CLOSE_DAY, tick=False):
            close = quarter_close(actor=world.state_dataedits, quarter=Q1)
            url = reverse("reporting:exception", args=[2026, 1, ticket.pk])
            assert client_for(world.lwdb_reviewer).post(url, {"reason": "x"}).status_code == 403
            client = client_for(world.state_dataedits)
            empty = client.post(url, {"reason": "  "})
            assert empty.status_code == 400
            with_ssn = client.post(url, {"reason": "Seeker 917-43-8265 asked."})
            assert "Remove the Social Security number" in with_ssn.content.decode()
            assert not CloseException.objects.exists()
            response = client.post(url, {"reason": "The attendance sheet arrived late."})
        assert response.status_code == 302
        exception = CloseException.objects.get()
        assert (exception.ticket, exception.close, exception.recorded_by) == (
            ticket,
            close,
            world.state_dataedits,
        )
        (entry,) = AuditEntry.objects.get_for_object(exception)
        assert entry.actor == world.state_dataedits
        assert entry.additional_data["reason"] == (
            f"exception recorded for data-edit ticket #{ticket.pk} in PY2026 Q1"
        )

    def test_an_approval_after_the_close_is_listed_with_the_difference_it_makes(
        self, world, ticket
    ):
        with time_machine.travel(CLOSE_DAY, tick=False):
            quarter_close(actor=world.state_dataedits, quarter=Q1)
            close = QuarterClose.objects.get()
            client = client_for(world.state_dataedits)
            page = client.get(reverse("reporting:reconciliation", args=[2026, 1]))
            assert f"#{ticket.pk}</a>" in page.content.decode()  # waiting for its exception
            close_exception_record(
                actor=world.state_dataedits,
                ticket=ticket,
                close=close,
                reason="The attendance sheet arrived late.",
            )
            ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
            page = client.get(reverse("reporting:reconciliation", args=[2026, 1])).content
            closed_after = extract_rows(client)
        text = page.decode()
        assert f"Data-edit ticket #{ticket.pk}</a>" in text
        assert "The attendance sheet arrived late." in text
        # Without the 07/10 career guidance, Alma's Adult entry moves to 08/01 and the quarter
        # has one career guidance fewer; her Wagner-Peyser row is as it was.
        assert (
            "<td>date of program entry</td>\n      <td>07/10/2026</td>\n      <td>08/01/2026</td>"
            in text
        )
        assert (
            "<td>counted services: Career Guidance</td>\n      <td>1</td>\n      <td>0</td>" in text
        )
        assert text.count('<th scope="row">Title I Adult</th>') == 2
        assert "Wagner-Peyser</th>" not in text
        # The closed figures themselves are kept as they were.
        assert closed_after == [HEADER, *ROWS]
