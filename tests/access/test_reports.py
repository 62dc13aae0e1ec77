"""Records requests, subpoenas, breaches and abuse: reported by anyone, the administrator alerted at once."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import Report
from access.services import report_file, report_move
from portal.errors import PortalError

pytestmark = pytest.mark.django_db


def test_a_report_alerts_the_administrator_and_is_tracked_to_closure(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(world.lwdb_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("access:report_add"),
            {
                "kind": "security_breach",
                "occurred_on": timezone.localdate().isoformat(),
                "summary": "Laptop stolen from the office",
                "details": "A signed-in laptop was taken from the front desk.",
            },
        )
    report = Report.objects.get()
    assert response["Location"] == reverse("access:report_detail", args=[report.pk])
    [alert] = mailoutbox
    assert alert.to == sorted(
        [world.mis_admin.email, world.mis_admin_b.email]
    )  # every administrator
    assert "MIS security breach reported" in alert.subject

    with pytest.raises(PortalError, match="resolved"):
        report_move(actor=world.mis_admin, report_id=report.pk, action="close", note="")
    with pytest.raises(PortalError):
        report_move(actor=world.lwdb_reviewer, report_id=report.pk, action="review", note="")
    report_move(
        actor=world.mis_admin, report_id=report.pk, action="review", note="Disabled the account."
    )
    report_move(
        actor=world.mis_admin, report_id=report.pk, action="close", note="Device wiped remotely."
    )
    with pytest.raises(PortalError, match="its status is “Closed”") as refused:
        report_move(actor=world.mis_admin, report_id=report.pk, action="review", note="")
    assert refused.value.code == "bad_transition"
    assert [e.status for e in report.events.all()] == ["reported", "in_review", "closed"]
    page = client.get(reverse("access:report_detail", args=[report.pk])).content.decode()
    assert "Device wiped remotely." in page and "Closed" in page


def test_ssns_stay_out_of_reports(world):
    with pytest.raises(PortalError, match="Remove the Social Security number"):
        report_file(
            actor=world.partner_case_manager,
            kind="records_request",
            occurred_on=timezone.localdate(),
            summary="Subpoena",
            details="It names the seeker 912-34-5678.",
        )
    assert not Report.objects.exists()


def test_people_see_only_their_own_reports(world):
    mine = report_file(
        actor=world.partner_case_manager,
        kind="subpoena",
        occurred_on=timezone.localdate(),
        summary="Subpoena served",
        details="Court order for placement records.",
    )
    client = Client()
    client.force_login(world.esd_case_manager)
    assert client.get(reverse("access:report_detail", args=[mine.pk])).status_code == 404
    assert "Subpoena served" not in client.get(reverse("access:reports")).content.decode()
    client.force_login(world.mis_admin)
    assert "Subpoena served" in client.get(reverse("access:reports")).content.decode()


def test_a_records_request_tells_the_reporter_all_four_ways_to_reach_the_records_disclosure_unit(
    world,
):
    client = Client()
    client.force_login(world.partner_case_manager)
    response = client.post(
        reverse("access:report_add"),
        {
            "kind": "records_request",
            "occurred_on": timezone.localdate().isoformat(),
            "summary": "A reporter asks for placement records",
            "details": "By phone, this morning.",
        },
        follow=True,
    )
    page = response.content.decode()
    for way in (
        "recordsdisclosure@esd.wa.gov",
        "844-766-8930",
        "866-610-9225",
        "PO Box 9046",
        "Olympia, WA 98507-9046",
    ):
        assert way in page, way
