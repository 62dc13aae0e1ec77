"""The data-integrity page and the quarterly counts of an office, an area or the whole state:
state data-edit staff and auditors choose any of them; everyone else, one of their offices."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import OfficeFactory

from .helpers import add_service

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")
QUARTER = "PY2020 Q1"
AFTER = datetime(2021, 1, 9, 10, 0, tzinfo=TZ)  # every exit of the quarter determined


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def served(world):
    """One seeker served in each office: office A and a second office of its area, and office B."""
    office_a2 = OfficeFactory(name="WorkSource Alpha North", area=world.office_a.area)
    by = world.esd_case_manager
    for seeker, office in (
        (world.seekers["own"], world.office_a),
        (world.seekers["opted_out"], office_a2),
        (world.seekers["other"], world.office_b),
    ):
        add_service(seeker, "initial_assessment", date(2020, 7, 6), office=office, by=by)
        # Entered late: a row on the data-integrity page of its office.
        add_service(
            seeker,
            "career_guidance",
            date(2020, 8, 3),
            office=office,
            by=by,
            entered_at=datetime(2020, 8, 20, 9, 0, tzinfo=TZ),
            is_late=True,
        )
    return office_a2


def counts(person, where: str):
    with time_machine.travel(AFTER, tick=False):
        return client_for(person).get(
            reverse("dataedits:quarterly_counts"), {"where": where, "quarter": QUARTER}
        )


@pytest.mark.parametrize("person", ["state_dataedits", "auditor"])
def test_state_staff_count_an_office_an_area_or_the_whole_state(world, served, person):
    staff = getattr(world, person)
    area = world.office_a.area
    cases = {
        f"office:{world.office_b.pk}": (world.office_b.name, 1),
        f"area:{area.pk}": (str(area), 2),
        "state": ("The whole state (every office)", 3),
    }
    for where, (label, seekers) in cases.items():
        response = counts(staff, where)
        assert response.status_code == 200, where
        found = response.context["counts"]
        assert found.scope.label == label
        assert (found.seekers_served, found.services_total, found.participations) == (
            seekers,
            2 * seekers,
            seekers,
        )
        assert f"<h2>{label}, {QUARTER}" in response.content.decode()


def test_the_choice_lists_offices_areas_and_the_state_only_to_state_staff(world, served):
    wide = counts(world.state_dataedits, f"office:{world.office_a.pk}").content.decode()
    assert '<optgroup label="Workforce development areas">' in wide
    assert f'value="area:{world.office_a.area.pk}"' in wide and 'value="state"' in wide
    assert f'value="office:{served.pk}"' in wide  # any office of the state
    narrow = counts(world.esd_supervisor, f"office:{world.office_a.pk}").content.decode()
    assert "optgroup" in narrow and 'value="state"' not in narrow and 'value="area:' not in narrow
    assert f'value="office:{world.office_a.pk}"' in narrow
    assert f'value="office:{world.office_b.pk}"' not in narrow


@pytest.mark.parametrize(
    "person", ["esd_supervisor", "lwdb_reviewer", "partner_case_manager", "esd_case_manager"]
)
def test_a_forged_area_state_or_other_office_is_refused_with_the_reason(world, served, person):
    staff = getattr(world, person)
    for where in (
        "state",
        f"area:{world.office_a.area.pk}",
        f"office:{world.office_b.pk}",
        "office:abc",
        "area:",
        "",
    ):
        response = counts(staff, where)
        assert response.status_code == 400, where
        assert response.context["counts"] is None
        page = response.content.decode()
        assert "Seekers served in the quarter" not in page
        message = (
            "This field is required."
            if not where
            else "Choose one of the offices you are assigned to."
        )
        assert message in page, where
    csv_export = client_for(staff).get(
        reverse("dataedits:quarterly_counts_csv"), {"where": "state", "quarter": QUARTER}
    )
    assert csv_export.status_code == 400 and csv_export["Content-Type"].startswith("text/plain")


def test_a_forged_value_is_refused_for_state_staff_too(world, served):
    for where in ("area:999999", "office:999999", "county:1", "state:1"):
        response = counts(world.state_dataedits, where)
        assert response.status_code == 400
        assert "Choose one of the offices, areas or the whole state in the list." in (
            response.content.decode()
        )


def test_the_csv_of_an_area_names_the_area(world, served):
    area = world.office_a.area
    with time_machine.travel(AFTER, tick=False):
        response = client_for(world.auditor).get(
            reverse("dataedits:quarterly_counts_csv"),
            {"where": f"area:{area.pk}", "quarter": QUARTER},
        )
    assert response.status_code == 200
    assert f"quarterly-counts-area-{area.pk}-PY2020-Q1.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "where" and [str(area), QUARTER, "seekers served", "", "2"] in rows


def test_the_data_integrity_page_of_an_area_and_of_the_state(world, served):
    url = reverse("dataedits:data_integrity")
    window = {"date_from": "2020-08-01", "date_to": "2020-08-31"}
    client = client_for(world.state_dataedits)
    area = client.get(url, window | {"where": f"area:{world.office_a.area.pk}"})
    state = client.get(url, window | {"where": "state"})
    office = client.get(url, window | {"where": f"office:{world.office_b.pk}"})
    # The late entries are all the same person's, in one week: one row, counted per place.
    assert [row.services for row in area.context["page"]] == [2]
    assert [row.services for row in state.context["page"]] == [3]
    assert [row.services for row in office.context["page"]] == [1]
    assert (
        f"Late entries in {world.office_a.area}, 08/01/2020 to 08/31/2020" in area.content.decode()
    )
    forged = client_for(world.esd_supervisor).get(url, window | {"where": "state"})
    assert forged.status_code == 400 and forged.context["page"].paginator.count == 0
