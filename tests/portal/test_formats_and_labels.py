"""One way of writing times (12-hour, AM/PM) and labels in their proper case, on pages and in emails."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import Contract, Report
from access.services import report_file
from portal.dates import shown
from portal.text import in_sentence

TZ = ZoneInfo("America/Los_Angeles")
AFTERNOON = datetime(2026, 3, 10, 16, 5, tzinfo=TZ)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_every_format_writes_the_time_with_am_or_pm():
    rendered = Template(
        '{{ when }}|{{ when|date }}|{{ when|time }}|{{ when|date:"DATETIME_FORMAT" }}'
        '|{{ when|date:"SHORT_DATETIME_FORMAT" }}'
    ).render(Context({"when": AFTERNOON}))
    assert rendered == "03/10/2026 4:05 PM|03/10/2026|4:05 PM|03/10/2026 4:05 PM|03/10/2026 4:05 PM"
    assert shown(AFTERNOON) == "03/10/2026 4:05 PM"
    assert shown(AFTERNOON.replace(hour=9), time_only=True) == "9:05 AM"
    # In the state's time, whatever zone the moment was given in.
    assert shown(AFTERNOON.astimezone(ZoneInfo("UTC"))) == "03/10/2026 4:05 PM"


@pytest.mark.parametrize(
    "label, inside",
    [
        ("Case manager", "case manager"),
        ("ESD WIOA supervisor", "ESD WIOA supervisor"),
        ("MIS data sharing contract", "MIS data sharing contract"),
        (
            "Service contract (WIOA-affiliated services)",
            "service contract (WIOA-affiliated services)",
        ),
        ("U.S. Department of Labor", "U.S. Department of Labor"),
        ("", ""),
    ],
)
def test_a_label_inside_a_sentence_keeps_its_acronyms(label, inside):
    assert in_sentence(label) == inside


@pytest.mark.django_db
def test_the_dashboard_names_the_role_in_its_proper_case(world):
    page = signed_in(world.esd_supervisor).get(reverse("portal:dashboard")).content.decode()
    assert "You work as ESD WIOA supervisor" in page
    page = signed_in(world.partner_case_manager).get(reverse("portal:dashboard")).content.decode()
    assert "You work as case manager" in page


@pytest.mark.django_db
def test_an_expiring_contract_is_named_in_its_proper_case(world):
    contract = world.partner.contracts.get(kind=Contract.Kind.DATA_SHARING)
    contract.expiry_date = timezone.localdate() + timedelta(days=10)
    contract.save(update_fields=["expiry_date"])
    client = signed_in(world.mis_admin)
    page = client.get(reverse("access:expiring")).content.decode()
    assert "Partner Services: MIS data sharing contract expires" in page
    confirm = client.get(reverse("access:contract_end", args=[contract.pk])).content.decode()
    assert "Ending the MIS data sharing contract of Partner Services" in confirm


@pytest.mark.django_db
def test_a_report_is_dated_in_12_hour_time_on_its_pages_and_in_its_email(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(AFTERNOON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = report_file(
            actor=world.lwdb_reviewer,
            kind=Report.Kind.SECURITY_BREACH,
            occurred_on=AFTERNOON.date(),
            summary="Laptop stolen from the office",
            details="A signed-in laptop was taken from the front desk.",
        )
    [alert] = mailoutbox
    assert "reported a MIS security breach on 03/10/2026 4:05 PM." in alert.body
    client = signed_in(world.lwdb_reviewer)
    detail = client.get(reverse("access:report_detail", args=[report.pk])).content.decode()
    assert "03/10/2026 4:05 PM" in detail and "16:05" not in detail
    listed = client.get(reverse("access:reports")).content.decode()
    assert "03/10/2026 4:05 PM" in listed and "16:05" not in listed
