"""The pre-check as people read it: sentences, an axis of program-year quarters, the filing date
and the deadline named, a bounded figure whatever the span, and a form that shows the fields of
the kind of change chosen."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dataedits import rules
from dataedits.precheck import MAX_BANDS, Precheck, stored_precheck, timeline, verdict

from .helpers import seed_example_services

TZ = ZoneInfo("America/Los_Angeles")


def drawn(services, change, *, filed_on):
    decision = rules.decide(services, change, filed_on=filed_on)
    after = rules.apply_change(services, change)
    return Precheck(decision, list(services), after, {})


def test_seed_example_1_in_words():
    services = [
        rules.ServiceFact("ia", "initial_assessment", date(2020, 6, 3), date(2020, 6, 3)),
        rules.ServiceFact("ost", "training", date(2020, 6, 14), date(2020, 9, 18)),
        rules.ServiceFact("wpa", "workforce_preparation", date(2020, 10, 20), date(2020, 10, 20)),
    ]
    decision = rules.decide(services, rules.DeleteService("wpa"), filed_on=date(2021, 5, 30))
    said = verdict(decision)
    assert said["text"] == "This would be denied, for 2 reasons:"
    assert said["reasons"][0] == (
        "past_deadline",
        "it is filed after 01/20/2021, 20 days after the quarter ended (12/31/2020).",
    )
    alone = rules.decide(services, rules.DeleteService("ia"), filed_on=date(2020, 7, 1))
    assert verdict(alone)["text"].startswith("This would be approved: it is filed by 07/20/2020")


def test_a_two_year_span_labels_every_quarter_and_names_the_filing_date_and_deadline():
    services = [rules.ServiceFact("a", "t", date(2023, 8, 1), date(2023, 8, 1))]
    change = rules.AddService(rules.ServiceFact("new", "t", date(2024, 2, 1), date(2024, 2, 1)))
    drawing = timeline(
        drawn(services, change, filed_on=date(2024, 3, 1)), filed_on=date(2024, 3, 1)
    )
    labels = [band["label"] for band in drawing["quarters"]]
    # The deadline, 04/20/2024, falls in PY2023 Q4: the axis reaches it.
    assert labels == ["PY2023 Q1", "PY2023 Q2", "PY2023 Q3", "PY2023 Q4"]
    assert all(band["labelled"] for band in drawing["quarters"])
    assert drawing["deadline"] == date(2024, 4, 20) and drawing["filed_on"] == date(2024, 3, 1)


def test_a_span_of_millennia_draws_a_bounded_number_of_marks():
    services = [
        rules.ServiceFact(str(n), "t", day, day)
        for n, day in enumerate(
            [date.min + timedelta(days=3653 * k) for k in range(1000)] + [date.max]
        )
    ]
    drawing = timeline(
        drawn(services, rules.DeleteService("3"), filed_on=date(2024, 3, 1)),
        filed_on=date(2024, 3, 1),
    )
    assert len(drawing["quarters"]) <= MAX_BANDS
    assert drawing["by_year"] and drawing["first_band"].startswith("PY0")
    for lane in drawing["lanes"]:
        # A mark per service would be 1,001; bars that touch at this scale are drawn as one.
        assert len(lane["services"]) + len(lane["periods"]) <= 2 * 520
        assert sum(mark["count"] for mark in lane["services"]) == len(services) - (
            lane["name"] == "After"
        )
    assert len(drawing["rows"]) == len(services)  # the text equivalent keeps every service


def test_a_kept_pre_check_is_drawn_again_as_it_was():
    services = [rules.ServiceFact("1", "t", date(2020, 6, 3), date(2020, 9, 18))]
    change = rules.DeleteService("1")
    kept = drawn(services, change, filed_on=date(2020, 10, 1))
    again = stored_precheck(kept.as_json())
    assert again is not None
    assert again.decision == kept.decision and again.facts_after == kept.facts_after
    assert stored_precheck({"decision": "approve", "reasons": []}) is None  # kept without services


@pytest.mark.django_db
def test_before_anything_is_chosen_the_pre_check_says_what_it_will_check(world):
    client = Client()
    client.force_login(world.partner_case_manager)
    page = client.get(
        reverse("dataedits:ticket_create", args=[world.seekers["own"].pk])
    ).content.decode()
    assert "Choose what should change. The pre-check will then check:" in page
    assert "would deny" not in page and "reasons" not in re.sub(r"<[^>]+>", "", page).lower()
    # Every field is in the page (without JavaScript all work); each kind's are marked for the script.
    for name in ("service", "new_start_date", "seeker_value", "gain_type"):
        assert f'name="{name}"' in page
    assert 'data-ticket-kinds="measurable_skills_gain"' in page
    assert "dataedits/ticket_form.js" in page


@pytest.mark.django_db
def test_the_live_pre_check_redraws_the_verdict_beside_the_button(world):
    seeker = world.seekers["own"]
    services = seed_example_services(seeker, office=world.office_a, by=world.partner_case_manager)
    client = Client()
    client.force_login(world.partner_case_manager)
    with time_machine.travel(datetime(2021, 5, 30, 10, 0, tzinfo=TZ), tick=False):
        page = client.post(
            reverse("dataedits:ticket_precheck", args=[seeker.pk]),
            {"kind": "delete_service", "service": services["wpa"].pk},
        ).content.decode()
    near_button = page[page.index('id="precheck-verdict"') :]
    assert 'hx-swap-oob="true"' in near_button and "desktop:display-none" in near_button
    assert "This would be denied, for 5 reasons:" in near_button
    # The figure's axis and markers, named.
    assert ">PY2020 Q2</text>" in page
    assert ">Filed 05/30/2021</text>" in page and ">Deadline 01/20/2021</text>" in page
    assert 'class="usa-table usa-table--borderless usa-table--compact usa-table--stacked' in page
