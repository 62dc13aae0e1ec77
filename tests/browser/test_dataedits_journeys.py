"""A data-edit ticket from filing to the seeker's changed services, in headless Chromium, axe on every page.

The partner case manager files the ticket and watches the pre-check and the timeline follow the
form; the local board reviewer approves it; state data-edit staff approve it and the service
is gone from the seeker's services.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dataedits.models import DataEditTicket, Service, TicketState
from tests.dataedits.helpers import add_note, add_service, make_ticket
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_out_and_in(portal, username):
    """Signs out, then the next person signs in on the sign-in page that follows."""
    page = portal.page
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    portal.check_a11y()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    portal.check_a11y()


def test_a_ticket_is_filed_reviewed_and_approved_and_the_services_change(portal, browser_world):
    page = portal.page
    seeker = browser_world.seekers["own"]
    cm = browser_world.partner_case_manager
    today = timezone.localdate()
    # Two recent career guidance sessions: deleting the second keeps the period and its quarters.
    kept = add_service(
        seeker, "career_guidance", today - timedelta(days=30), office=browser_world.office_a, by=cm
    )
    wrong = add_service(
        seeker,
        "workforce_preparation",
        today - timedelta(days=3),
        office=browser_world.office_a,
        by=cm,
    )
    add_note(
        seeker,
        by=cm,
        office=browser_world.office_a,
        contact=today - timedelta(days=3),
        text="The workshop was cancelled; the seeker did not attend.",
    )

    # The case manager files the ticket.
    portal.sign_in(cm.username)
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Services & data edits"
    ).click()
    expect(page.get_by_role("heading", name="Services and data edits", level=1)).to_be_visible()
    portal.check_a11y()
    page.get_by_label("Seeker's customer ID").fill(seeker.customer_id)
    page.get_by_role("button", name="Open services").click()
    expect(page.get_by_role("heading", name="Services and case notes")).to_be_visible()
    expect(page.get_by_role("table", name="Services, oldest first.")).to_contain_text(
        "Workforce Preparation Assistance"
    )
    portal.check_a11y()
    page.get_by_role("link", name="File a data-edit ticket").click()
    expect(page.get_by_role("heading", name="File a data-edit ticket")).to_be_visible()
    portal.check_a11y()

    precheck = page.locator("#precheck")
    # Before anything is chosen, the pre-check says what it will check; only the fields every
    # kind of change has are shown.
    expect(precheck).to_contain_text("Choose what should change. The pre-check will then check:")
    expect(page.get_by_label("The service", exact=True)).to_be_hidden()
    page.locator("label", has_text="Delete a service").click()
    expect(page.get_by_label("Start date", exact=True)).to_be_hidden()
    expect(page.get_by_label("Demographic field", exact=True)).to_be_hidden()
    page.get_by_label("The service", exact=True).select_option(label=f"{wrong} (Title I Adult)")
    services_table = precheck.get_by_role("table", name="Services before and after the change")
    deleted_row = services_table.get_by_role("row", name="Workforce Preparation Assistance")
    expect(deleted_row).to_contain_text("deleted")
    expect(precheck.get_by_role("status")).to_contain_text("This would be denied, for 3 reasons:")
    expect(precheck.get_by_role("status")).to_contain_text("It gives no justification.")
    for code in ("missing_justification", "missing_field", "no_supporting_case_note"):
        expect(precheck.locator(f'[data-reason="{code}"]')).to_have_count(1)
        expect(precheck).not_to_contain_text(code)  # codes for programs, sentences for people
    figure = precheck.get_by_role("img", name="Timeline of services and periods of participation")
    expect(figure).to_be_visible()
    expect(figure.locator("text", has_text=f"Filed {today:%m/%d/%Y}")).to_have_count(1)
    expect(figure.locator("text", has_text="Deadline ")).to_have_count(1)
    # At 1280 px the before/after table fits its column.
    table_box = services_table.bounding_box()
    column_box = page.locator("#precheck").bounding_box()
    assert table_box and column_box and table_box["width"] <= column_box["width"] + 1

    page.get_by_label("Subject of the ticket").fill("Delete a cancelled workshop")
    page.get_by_label("Type of need").select_option(label="Participant data edit")
    page.get_by_label("Your work phone").fill("(360) 555-0100")
    page.get_by_label("What is wrong").fill(
        "A workforce preparation workshop is recorded that never took place."
    )
    page.get_by_label("What is right").fill("No workforce preparation service on that date.")
    page.get_by_label("Justification").fill("The workshop was cancelled; see the case note.")
    page.locator("label", has_text="The workshop was cancelled").click()
    expect(precheck.get_by_role("status")).to_contain_text("This would be approved: it is filed by")
    expect(precheck).to_contain_text("20 days after the end of the applicable quarter")
    portal.check_a11y()
    # On a phone the table stacks and the verdict is shown beside the button, not only below.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(services_table.locator("thead")).to_be_hidden()
    near_button = page.locator("#precheck-verdict")
    expect(near_button).to_be_visible()
    expect(near_button).to_contain_text("Pre-check: This would be approved")
    portal.check_a11y()
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(near_button).to_be_hidden()
    page.get_by_role("button", name="Save draft").click()
    ticket = DataEditTicket.objects.get()
    expect(
        page.get_by_role("heading", name=f"Data-edit ticket #{ticket.pk}", level=1)
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name="Submit for local board review").click()
    expect(
        page.get_by_role("status").filter(has_text="was submitted for local board review")
    ).to_be_visible()
    expect(page.get_by_text("Local board review", exact=True)).to_be_visible()
    portal.check_a11y()

    # The local board reviewer approves it.
    sign_out_and_in(portal, browser_world.lwdb_reviewer.username)
    page.get_by_role("link", name="Local board review queue").click()
    expect(page.get_by_role("heading", name="Local board review queue", level=1)).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name=f"Review #{ticket.pk}").click()
    expect(
        page.get_by_role("heading", name=f"Local board review of ticket #{ticket.pk}")
    ).to_be_visible()
    # The pre-check and the timeline as the filer saw them, and the days left at the state.
    expect(page.get_by_role("heading", name="Pre-check as the filer saw it")).to_be_visible()
    expect(page.get_by_text("This would be approved: it is filed by")).to_be_visible()
    expect(
        page.get_by_role("img", name="Timeline of services and periods of participation")
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile(r"days? left \(deadline at the state"))
    ).to_be_visible()
    portal.check_a11y()
    for question in (
        "justified in the request",
        "documented and supported",
        "align with established policy",
    ):
        page.get_by_role("group", name=question).locator("label", has_text="Yes").click()
    page.locator("label", has_text="Approve and send to the state queue").click()
    page.get_by_role("button", name="Record the review").click()
    expect(
        page.get_by_role("status").filter(has_text="approved and sent to the state queue")
    ).to_be_visible()
    portal.check_a11y()
    assert DataEditTicket.objects.get().status == TicketState.STATE_QUEUE

    # State data-edit staff approve it: the service is deleted from the seeker's services.
    sign_out_and_in(portal, browser_world.state_dataedits.username)
    page.get_by_role("link", name="State Title I queue").click()
    expect(page.get_by_role("heading", name="State Title I data-edit queue")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name=f"Decide #{ticket.pk}").click()
    expect(
        page.get_by_role("heading", name=f"State decision on ticket #{ticket.pk}")
    ).to_be_visible()
    portal.check_a11y()
    page.locator("label", has_text="Approve and apply the change").click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").filter(has_text="the change was applied")).to_be_visible()
    portal.check_a11y()

    assert list(Service.objects.filter(participant=seeker)) == [kept]
    page.goto(f"/dataedits/seekers/{seeker.pk}/")
    services = page.get_by_role("table", name="Services, oldest first.")
    expect(services).to_contain_text("Career Guidance")
    expect(services).not_to_contain_text("Workforce Preparation Assistance")
    portal.check_a11y()


def test_the_filer_confirms_a_denial_withdraws_and_deletes(portal, browser_world):
    page = portal.page
    seeker = browser_world.seekers["own"]
    cm = browser_world.partner_case_manager
    today = timezone.localdate()
    # The seeker's only service: deleting it removes the period, a reason to deny.
    only = add_service(
        seeker, "career_guidance", today - timedelta(days=5), office=browser_world.office_a, by=cm
    )
    note = add_note(seeker, by=cm, office=browser_world.office_a, contact=only.start_date)
    ticket = make_ticket(seeker, by=cm, office=browser_world.office_a, service=only, note=note)
    draft = make_ticket(seeker, by=cm, office=browser_world.office_a, service=only, note=note)

    portal.sign_in(cm.username)
    page.goto(f"/dataedits/tickets/{ticket.pk}/")
    expect(
        page.get_by_role("heading", name=f"Data-edit ticket #{ticket.pk}", level=1)
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Submit for local board review").click()
    expect(page.get_by_role("heading", name="The pre-check would deny this ticket")).to_be_visible()
    expect(page.get_by_text("A period of participation would disappear.")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name="Submit it all the same").click()
    expect(
        page.get_by_role("status").filter(has_text="was submitted for local board review")
    ).to_be_visible()
    portal.check_a11y()

    page.get_by_role("link", name="Withdraw the ticket").click()
    expect(
        page.get_by_role("heading", name=f"Withdraw data-edit ticket #{ticket.pk}?")
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name="Withdraw the ticket").click()
    expect(page.get_by_role("status").filter(has_text="was withdrawn")).to_be_visible()
    expect(page.get_by_text("Withdrawn by the filer", exact=True)).to_be_visible()
    portal.check_a11y()
    assert DataEditTicket.objects.get(pk=ticket.pk).status == TicketState.WITHDRAWN

    page.goto(f"/dataedits/tickets/{draft.pk}/")
    expect(
        page.get_by_role("heading", name=f"Data-edit ticket #{draft.pk}", level=1)
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Delete the draft").click()
    expect(
        page.get_by_role("heading", name=f"Delete data-edit ticket #{draft.pk}?")
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name="Delete the draft").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Draft ticket #{draft.pk} was deleted.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Services and case notes")).to_be_visible()
    portal.check_a11y()
    assert DataEditTicket.objects.get(pk=draft.pk).status == TicketState.DELETED
