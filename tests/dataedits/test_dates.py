"""Dates that cannot corrupt a record: bounded on entry, and the rules answer for any date the database holds."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataedits import rules
from dataedits.models import CaseNote, Service
from participants.models import Participant

from .helpers import add_service, service_type

TZ = ZoneInfo("America/Los_Angeles")
any_date = st.dates(min_value=date.min, max_value=date.max)


# --- the rules never fail -------------------------------------------------------------------------


@st.composite
def services(draw, max_size=5):
    facts = []
    for number in range(draw(st.integers(0, max_size))):
        start = draw(any_date)
        end = draw(st.dates(min_value=start, max_value=date.max))
        facts.append(rules.ServiceFact(str(number), "t", start, end, draw(st.booleans())))
    return facts


@st.composite
def changes(draw, facts):
    kinds = ["add", "seeker", "gain"] + (["delete", "modify"] if facts else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "add":
        start = draw(any_date)
        return rules.AddService(
            rules.ServiceFact(
                "new", "t", start, draw(st.dates(min_value=start)), draw(st.booleans())
            )
        )
    if kind == "seeker":
        return rules.CorrectSeekerData("first_name")
    if kind == "gain":
        return rules.RecordSkillsGain(draw(any_date))
    target = draw(st.sampled_from(facts))
    if kind == "delete":
        return rules.DeleteService(target.id)
    start = draw(st.none() | any_date)
    end = draw(st.none() | st.dates(min_value=start or target.start))
    return rules.ModifyService(target.id, start=start, end=end)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), filed_on=any_date)
def test_every_public_rule_answers_for_any_date(data, filed_on):
    facts = data.draw(services())
    change = data.draw(changes(facts))
    try:
        decision = rules.decide(facts, change, filed_on=filed_on, paperwork=rules.Paperwork())
    except rules.ChangeError:
        return  # a modification that would end before it starts: refused, by name
    assert decision.deadline is None or date.min <= decision.deadline <= date.max
    decision.as_json()
    for day in (filed_on, *(d for f in facts for d in (f.start, f.end))):
        quarter = rules.Quarter.of(day)
        assert quarter.start <= day <= quarter.end or day < quarter.start == date.min
        str(quarter), quarter.next(), quarter.previous(), rules.filing_deadline(day)
        rules.is_late_entry(service_date=day, entered_on=filed_on)
    rules.periods_of(facts)


@settings(max_examples=200, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)))
def test_the_state_queues_clock_answers_for_any_moment(moment):
    counted = rules.counted_received_at(moment.replace(tzinfo=TZ))
    assert counted >= moment.replace(tzinfo=TZ)


def test_the_calendars_last_quarter_ends_on_its_last_day():
    last = rules.Quarter.of(date.max)
    assert last.end == date.max and rules.filing_deadline(date.max) == date.max
    assert rules.Quarter.of(date.min).start == date.min


# --- a record with such dates can still be opened and repaired -----------------------------------------


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=any_date, length=st.integers(0, 400))
def test_the_seekers_pages_and_the_pre_check_open_whatever_dates_a_service_holds(
    world, start, length
):
    end = start + timedelta(days=length) if (date.max - start).days >= length else date.max
    seeker = world.seekers["own"]
    client = Client()
    client.force_login(world.partner_case_manager)
    service = add_service(
        seeker, "career_guidance", start, end, office=world.office_a, by=world.partner_case_manager
    )
    try:
        assert client.get(reverse("dataedits:seeker", args=[seeker.pk])).status_code == 200
        form = client.get(
            reverse("dataedits:ticket_create", args=[seeker.pk])
            + f"?kind=delete_service&service={service.pk}"
        )
        assert form.status_code == 200
        precheck = client.post(
            reverse("dataedits:ticket_precheck", args=[seeker.pk]),
            {"kind": "delete_service", "service": service.pk},
        )
        assert precheck.status_code == 200 and "data-reason" in precheck.content.decode()
    finally:
        service.delete()


# --- bounded on entry ---------------------------------------------------------------------------------


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,end,message",
    [
        ("0001-01-01", "0001-01-01", "Enter a date between 01/01/1900 and 12/31/2099"),
        ("2024-03-01", "9999-12-31", "Enter a date between 01/01/1900 and 12/31/2099"),
        ("1979-05-01", "1979-05-01", "is before 06/15/1980, the seeker"),
        ("2024-03-01", "2027-03-14", "a service ends at most 3 years ahead"),
    ],
)
def test_a_service_date_out_of_sense_is_refused_and_says_why(world, start, end, message):
    Participant.objects.filter(pk=world.seekers["own"].pk).update(date_of_birth=date(1980, 6, 15))
    with time_machine.travel(datetime(2024, 3, 13, 10, 0, tzinfo=TZ), tick=False):
        response = signed_in(world.partner_case_manager).post(
            reverse("dataedits:service_create", args=[world.seekers["own"].pk]),
            {
                "service_type": service_type("career_guidance").pk,
                "program": "adult",
                "start_date": start,
                "end_date": end,
                "confirm_date": "on",
            },
        )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.django_db
def test_a_date_in_a_closed_quarter_is_recorded_only_once_confirmed(world):
    url = reverse("dataedits:case_note_create", args=[world.seekers["own"].pk])
    note = {"contact_date": "2023-12-01", "text": "Called about the training schedule."}
    client = signed_in(world.partner_case_manager)
    with time_machine.travel(datetime(2024, 3, 13, 10, 0, tzinfo=TZ), tick=False):
        asked = client.post(url, note)
        page = asked.content.decode()
        assert asked.status_code == 400 and "12/01/2023 is in PY2023 Q2, a closed quarter" in page
        assert "its data-edit deadline was 01/20/2024" in page and 'name="confirm_date"' in page
        assert not CaseNote.objects.exists()
        assert client.post(url, note | {"confirm_date": "on"}).status_code == 302
    assert CaseNote.objects.get().contact_date == date(2023, 12, 1)
    # An open quarter needs no confirmation, and the box is not shown.
    with time_machine.travel(datetime(2024, 3, 13, 10, 0, tzinfo=TZ), tick=False):
        assert 'name="confirm_date"' not in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name,query",
    [
        ("dataedits:data_integrity", "date_from=0001-01-01&date_to=9999-12-31"),
        ("audit:trail", "date_from=0001-01-01&date_to=9999-12-31"),
    ],
)
def test_report_filters_refuse_dates_they_cannot_compute(world, url_name, query):
    reader = world.auditor
    url = reverse(url_name) + "?" + query
    if url_name == "dataedits:data_integrity":
        url += f"&where=office:{reader.current_office_id}"
    response = signed_in(reader).get(url)
    assert (
        response.status_code in (200, 400)
        and "Enter a date between 01/01/1900 and 12/31/2099" in response.content.decode()
    )
