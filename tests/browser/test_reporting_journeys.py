"""The quarter close in headless Chromium, each page checked with axe (see conftest.py).

State data-edit staff close a quarter whose data-edit deadline has passed, after a confirmation,
download its federal extract and open its reconciliation.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dataedits.models import Program
from dataedits.rules import Quarter
from tests.dataedits.helpers import add_service

pytestmark = pytest.mark.browser


def test_closing_a_quarter_then_its_extract_and_reconciliation(portal, browser_world):
    world, page = browser_world, portal.page
    # The quarter before last: its data-edit deadline has passed whatever the day.
    quarter = Quarter.of(timezone.localdate()).previous().previous()
    seeker = world.seekers["opted_out"]
    add_service(
        seeker,
        "career_guidance",
        quarter.start + timedelta(days=3),
        office=world.office_a,
        by=world.esd_case_manager,
        program=Program.DISLOCATED_WORKER,
    )
    portal.sign_in("state.dataedits")
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Quarter close"
    ).click()
    expect(
        page.get_by_role("heading", name="Quarter close and the federal extract")
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name=f"Close {quarter}").click()
    expect(page.get_by_role("heading", name=f"Close {quarter}?")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name=f"Close {quarter}").click()
    expect(
        page.get_by_role("status").filter(has_text=f"{quarter} is closed: 1 row kept")
    ).to_be_visible()
    portal.check_a11y()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the extract (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path()).read())))
    assert rows[0][1] == "PIRL 100 Unique Individual Identifier (WIOA)"
    assert [r[1] for r in rows[1:]] == [seeker.customer_id]  # opted out, and extracted

    page.get_by_role("link", name="Reconciliation").click()
    expect(page.get_by_role("heading", name=f"Reconciliation of {quarter}")).to_be_visible()
    expect(
        page.get_by_text(f"No ticket has been approved for {quarter} since it closed.")
    ).to_be_visible()
    portal.check_a11y()
