"""The auditor's journey in headless Chromium, each page checked with axe (see conftest.py): a
seeker's whole history from one filter, an entry's details unfolded, the export, and who has
seen the record."""

import pytest
from playwright.sync_api import expect

from audit.models import AuditEntry
from participants.services import participant_record_access, participant_update

pytestmark = pytest.mark.browser


def test_the_auditor_filters_by_seeker_expands_an_entry_and_exports(portal, browser_world):
    world, page = browser_world, portal.page
    seeker = world.seekers["own"]
    participant_update(actor=world.esd_case_manager, participant=seeker, changes={"city": "Forks"})
    participant_record_access(actor=world.partner_case_manager, participant=seeker)
    participant_record_access(actor=world.partner_case_manager, participant=world.seekers["other"])
    page.set_viewport_size({"width": 1280, "height": 900})
    portal.sign_in("auditor")

    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Audit trail"
    ).click()
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    portal.check_a11y()
    page.get_by_label("Seeker's customer ID").fill(seeker.customer_id)
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="2 entries")).to_be_visible()
    assert seeker.customer_id not in page.url
    portal.check_a11y()
    # One line per entry, and the table fits the window: no sideways scrolling at 1280 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    rows = page.locator("table.audit-trail tbody tr")
    expect(rows).to_have_count(2)
    change = rows.filter(has_text="seeker record edited")
    expect(change.get_by_text("— → Forks")).not_to_be_visible()
    change.get_by_text("seeker record edited (1 change)").click()
    expect(change.get_by_text("— → Forks")).to_be_visible()
    expect(rows.filter(has_text="partner.casemanager")).to_contain_text("Read")
    portal.check_a11y()

    with page.expect_download() as download:
        page.get_by_role("link", name="Export these entries (CSV)").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "City: — → Forks" in text and "seeker record opened" in text
    assert world.seekers["other"].customer_id not in text
    export = AuditEntry.objects.get(additional_data__reason="audit trail exported")
    assert (export.actor_id, export.participant_id) == (world.auditor.pk, seeker.pk)

    # The record's accounting of disclosures: who has seen it, the auditor's own readings too.
    page.goto(f"/participants/{seeker.pk}/")
    portal.check_a11y()
    page.get_by_role("link", name="Who has seen this record").click()
    expect(page.get_by_role("heading", name="Who has seen this record", level=1)).to_be_visible()
    portal.check_a11y()
    table = page.get_by_role("table")
    expect(table).to_contain_text("partner.casemanager")
    expect(table).to_contain_text("Seeker record opened")
    page.get_by_role("link", name="Printable page").click()
    expect(page.get_by_role("heading", name="Accounting of disclosures", level=1)).to_be_visible()
    portal.check_a11y()
