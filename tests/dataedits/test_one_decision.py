"""One decision, whoever asks: the command-line pre-check and the ticket page decide each case alike."""

import io
import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from .helpers import add_note, add_service, service_type

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Los_Angeles")

EXAMPLE = [
    ("ia", "initial_assessment", "2020-06-03", "2020-06-03"),
    ("cg", "career_guidance", "2020-06-03", "2020-06-03"),
    ("ost", "occupational_skills_training", "2020-06-14", "2020-09-18"),
    ("wpa", "workforce_preparation", "2020-10-20", "2020-10-20"),
]
EXAMPLE_2 = EXAMPLE + [
    ("cg2", "career_guidance", "2021-01-20", "2021-01-20"),
    ("we", "work_experience", "2021-02-03", "2021-04-21"),
    ("wpa2", "workforce_preparation", "2021-05-27", "2021-05-27"),
]
PAPERWORK = {
    "justification": "The case notes show it was entered twice.",
    "supporting_notes": 1,
    "documents": 0,
}

# (what it is, filed on, services, the change, the paperwork)
CASES = [
    (
        "seed 004 example 1",
        "2021-05-30",
        EXAMPLE,
        {"action": "delete", "service": "wpa"},
        PAPERWORK,
    ),
    (
        "seed 004 example 2",
        "2021-05-30",
        EXAMPLE_2,
        {"action": "delete", "service": "wpa"},
        PAPERWORK,
    ),
    (
        "seed 004 example 3",
        "2021-01-09",
        EXAMPLE,
        {"action": "delete", "service": "wpa"},
        PAPERWORK,
    ),
    (
        "a service not yet delivered",
        "2021-01-09",
        EXAMPLE,
        {
            "action": "add",
            "service": {
                "id": "new",
                "type": "career_guidance",
                "start": "2021-01-15",
                "end": "2021-01-15",
            },
        },
        PAPERWORK,
    ),
    (
        "a new start after the filing date",
        "2021-01-09",
        EXAMPLE,
        {"action": "modify", "service": "wpa", "set": {"start": "2021-02-01", "end": "2021-02-01"}},
        PAPERWORK,
    ),
    (
        "no justification and no support",
        "2021-01-09",
        EXAMPLE,
        {"action": "delete", "service": "wpa"},
        {"justification": "", "supporting_notes": 0, "documents": 0},
    ),
]


def command_decision(filed_on, services, change, paperwork) -> tuple[str, list[str]]:
    case = {
        "filed_on": filed_on,
        "services": [{"id": i, "type": t, "start": s, "end": e} for i, t, s, e in services],
        "change": change,
        **paperwork,
    }
    out = io.StringIO()
    call_command("dataedit_precheck", stdin=io.StringIO(json.dumps(case)), stdout=out)
    result = json.loads(out.getvalue())
    assert result["paperwork_checked"] is True
    return result["decision"], result["reasons"]


def page_decision(world, filed_on, services, change, paperwork) -> tuple[str, list[str]]:
    seeker, partner = world.seekers["own"], world.partner_case_manager
    recorded = {
        sid: add_service(
            seeker,
            code,
            date.fromisoformat(start),
            date.fromisoformat(end),
            office=world.office_a,
            by=partner,
        )
        for sid, code, start, end in services
    }
    form = {
        "what_is_wrong": "It is wrong.",
        "what_is_right": "This is right.",
        "justification": paperwork["justification"],
    }
    if paperwork["supporting_notes"]:
        form["supporting_notes"] = [
            add_note(seeker, by=partner, office=world.office_a, contact=date(2020, 10, 20)).pk
        ]
    if change["action"] == "delete":
        form |= {"kind": "delete_service", "service": recorded[change["service"]].pk}
    elif change["action"] == "add":
        new = change["service"]
        form |= {
            "kind": "add_service",
            "new_service_type": service_type(new["type"]).pk,
            "new_program": "adult",
            "new_start_date": new["start"],
            "new_end_date": new["end"],
        }
    else:
        form |= {
            "kind": "modify_service",
            "service": recorded[change["service"]].pk,
            "new_start_date": change["set"]["start"],
            "new_end_date": change["set"]["end"],
        }
    client = Client()
    client.force_login(partner)
    when = datetime.combine(date.fromisoformat(filed_on), datetime.min.time(), TZ).replace(hour=10)
    with time_machine.travel(when, tick=False):
        page = client.post(
            reverse("dataedits:ticket_precheck", args=[seeker.pk]), form
        ).content.decode()
    reasons = re.findall(r'data-reason="(\w+)"', page)
    return ("approve" if 'data-verdict="approve"' in page else "deny"), reasons


@pytest.mark.parametrize(
    "what,filed_on,services,change,paperwork", CASES, ids=[case[0] for case in CASES]
)
def test_the_command_and_the_ticket_page_decide_alike(
    world, what, filed_on, services, change, paperwork
):
    from_command = command_decision(filed_on, services, change, paperwork)
    from_page = page_decision(world, filed_on, services, change, paperwork)
    assert from_command == from_page
    assert from_command[0] == ("approve" if what == "seed 004 example 3" else "deny")


def test_a_future_service_is_denied_by_both_with_its_own_reason(world):
    what, filed_on, services, change, paperwork = CASES[3]
    assert command_decision(filed_on, services, change, paperwork)[1] == ["future_service"]


def test_without_paperwork_the_command_decides_on_the_dates_and_says_so():
    case = {
        "filed_on": "2021-01-09",
        "change": {"action": "delete", "service": "wpa"},
        "services": [{"id": i, "type": t, "start": s, "end": e} for i, t, s, e in EXAMPLE],
    }
    out = io.StringIO()
    call_command("dataedit_precheck", stdin=io.StringIO(json.dumps(case)), stdout=out)
    result = json.loads(out.getvalue())
    assert result["decision"] == "approve" and result["paperwork_checked"] is False
    case |= {"justification": ""}
    call_command(
        "dataedit_precheck", stdin=io.StringIO(json.dumps(case)), stdout=(out := io.StringIO())
    )
    assert json.loads(out.getvalue())["reasons"] == [
        "missing_justification",
        "no_supporting_case_note",
    ]
