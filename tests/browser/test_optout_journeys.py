"""Opt-out journeys in headless Chromium (seed 000), each page checked with axe (see conftest.py).

A partner case manager cannot find a seeker, runs the Opt-Out Lookup, files an opt-in request;
the ESD WIOA supervisor of the area records the client's decision; the case manager proceeds.
Everyone in `world` works in WorkSource Alpha and may switch to WorkSource Beta.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from optout.models import OptInRequest, OptOutChange, Status
from optout.services import opt_in_request_file, opt_out_lookup
from participants.models import Enrollment, Participant
from tests.factories import OfficeFactory, ParticipantFactory

pytestmark = pytest.mark.browser

PARTNER = "partner.casemanager"
SUPERVISOR = "esd.supervisor"
STATE = "esd.casemanager"
SSN = "987-65-4301"  # area 900-999: never issued to anyone
FULL_SSN = re.compile(r"987\D{0,3}65\D{0,3}4301")


def sign_out(portal):
    portal.page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(portal.page.get_by_role("heading", name="Sign in")).to_be_visible()
    portal.check_a11y()


def status_message(page, text):
    return page.get_by_role("status").filter(has_text=text)


def filed_by_service(world, seeker):
    lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=seeker.ssn)
    return opt_in_request_file(
        actor=world.partner_case_manager,
        lookup=lookup,
        client_name=f"{seeker.first_name} {seeker.last_name}",
        client_phone="(360) 555-0100",
        client_reason="Wants WIOA adult services.",
    )


def test_opt_in_from_the_lookup_to_the_partner_enrolling_the_seeker(
    portal, browser_world, mailoutbox
):
    page = portal.page
    # Opted out and enrolled in WorkSource Alpha only; the supervisor works in Beta today, so must
    # add her to Beta before opting her in; the partner case manager, in Alpha, then enrolls her there.
    seeker = ParticipantFactory(
        first_name="Bea",
        last_name="Bayer",
        ssn=SSN,
        opted_out=True,
        offices=[OfficeFactory(name="WorkSource Gamma")],
    )
    supervisor = browser_world.esd_supervisor
    supervisor.current_office = browser_world.office_b
    supervisor.save(update_fields=["current_office"])
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    # The partner case manager: the Opt-Out Lookup on the dashboard.
    portal.sign_in(PARTNER)
    lookup = page.get_by_role("form", name="Opt-Out Lookup")
    lookup.get_by_label("Seeker's SSN").fill(SSN)
    lookup.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name="CLIENT OPTED OUT")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Bayer, Bea")
    assert not FULL_SSN.search(page.content())
    portal.check_a11y()

    page.get_by_role("link", name="File an opt-in request").click()
    expect(page.get_by_role("heading", name="Opt-in request", exact=True)).to_be_visible()
    expect(page.get_by_label("Client's name")).to_have_value("Bea Bayer")
    portal.check_a11y()
    page.get_by_label("Client's phone").fill("(360) 555-0177")
    page.get_by_label("Why the client wants to opt in").fill(
        "Wants help from the WIOA adult program."
    )
    page.get_by_role("button", name="Send the request").click()
    expect(status_message(page, "Your opt-in request was sent")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Ask the client to contact the ESD WIOA supervisor")
    ).to_be_visible()
    expect(page.get_by_role("link", name=browser_world.esd_supervisor.email)).to_be_visible()
    portal.check_a11y()

    [email] = mail.outbox
    assert email.to == [supervisor.email] and "Bea Bayer" in email.body
    assert not FULL_SSN.search(email.subject + email.body)
    request = OptInRequest.objects.get()
    sign_out(portal)

    # The ESD WIOA supervisor: the queue, Add Seeker to Office, then the client's decision.
    portal.sign_in(SUPERVISOR)
    expect(page.get_by_role("main")).to_contain_text("1 request waiting for your decision")
    page.get_by_role("link", name="Open the queue").click()
    expect(page.get_by_role("heading", name="Opt-in requests", level=1)).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Bea Bayer").click()
    expect(page.get_by_role("heading", name="Opt-in request for Bea Bayer")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Record the client's decision").click()
    expect(
        page.get_by_role("heading", name="Add the seeker to your office to opt them in")
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name="Add Seeker to Office").click()
    expect(
        status_message(page, re.compile(r"^\s*Enrolled in WorkSource Beta: Bea Bayer\."))
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name="Add the seeker to your office to opt them in")
    ).to_have_count(0)
    portal.check_a11y()
    # USWDS moves the radio button off screen and draws it on its label: choose it there.
    page.locator("label", has_text="Opt in: clear the seeker's opt-out").click()
    expect(page.get_by_label("Opt in: clear the seeker's opt-out")).to_be_checked()
    page.get_by_label("Note on the contact").fill("Called the client; she wants to share her data.")
    page.get_by_role("button", name="Record the decision").click()
    expect(status_message(page, "Recorded. Decided: the client opted in.")).to_be_visible()
    portal.check_a11y()
    sign_out(portal)

    seeker.refresh_from_db()
    request.refresh_from_db()
    assert not seeker.opted_out and request.status == Status.OPTED_IN
    assert OptOutChange.objects.get().opt_in_request == request
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [browser_world.partner_case_manager.email]

    # The partner case manager: notified, finds the seeker in WorkSource and enrolls her.
    portal.sign_in(PARTNER)
    # An unread notice opens by POST (a button), which reads it.
    notification = page.get_by_role(
        "button", name="Bea Bayer opted in: find them with Quick Search in WorkSource."
    )
    expect(notification).to_be_visible()
    notification.click()
    expect(page.get_by_role("heading", name="The client opted in")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Quick Search in WorkSource").click()
    portal.check_a11y()
    portal.quick_search("Bayer", "in: WorkSource")
    expect(page.get_by_role("heading", name="Total Participants: 1")).to_be_visible()
    row = (
        page.get_by_role("table")
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name="Bayer, Bea"))
    )
    expect(row).to_contain_text("Not enrolled")
    row.locator("label.usa-checkbox__label").click()
    page.get_by_role("button", name="Enroll Job Seeker").click()
    expect(
        status_message(page, re.compile(r"^\s*Enrolled in WorkSource Alpha: Bea Bayer\."))
    ).to_be_visible()
    portal.check_a11y()
    assert Enrollment.objects.get(
        participant=seeker, office=browser_world.office_a
    ).enrolled_by == (browser_world.partner_case_manager)
    assert (
        Enrollment.objects.get(participant=seeker, office=browser_world.office_b).enrolled_by
        == supervisor
    )

    leaked = [url for url in requested if FULL_SSN.search(url)]
    assert not leaked, f"the SSN went into these URLs: {leaked}"


def test_the_client_remains_opted_out(portal, browser_world):
    page = portal.page
    seeker = browser_world.seekers["opted_out"]
    request = filed_by_service(browser_world, seeker)

    portal.sign_in(SUPERVISOR)
    page.get_by_role("button", name=re.compile("^New opt-in request from")).click()
    expect(page.get_by_role("heading", name="Opt-in request for Ophelia Optedout")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Record the client's decision").click()
    expect(page.get_by_role("heading", name="Record the client's decision")).to_be_visible()
    portal.check_a11y()
    page.locator("label", has_text="Remain opted out").click()
    page.get_by_role("button", name="Record the decision").click()
    # Refused until the offer of an ESD WIOA staff member is recorded; nothing changed.
    expect(
        page.get_by_role("alert").filter(has_text="Record that you offered the client")
    ).to_be_visible()
    portal.check_a11y()
    page.locator(
        "label", has_text="I offered the client to work with an ESD WIOA staff member"
    ).click()
    page.get_by_role("button", name="Record the decision").click()
    expect(status_message(page, "Recorded. Decided: the client remains opted out.")).to_be_visible()
    portal.check_a11y()
    sign_out(portal)

    portal.sign_in(PARTNER)
    page.get_by_role("button", name="Ophelia Optedout asked to remain opted out.").click()
    expect(page.get_by_role("heading", name="The client remains opted out")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        "offered the client to work with an ESD WIOA staff member"
    )
    portal.check_a11y()
    page.get_by_role("link", name="My opt-in requests").click()
    expect(page.get_by_role("table")).to_contain_text("Decided: the client remains opted out")
    portal.check_a11y()

    request.refresh_from_db()
    assert request.status == Status.REMAINED_OPTED_OUT
    assert (
        not Participant.objects.visible_to(browser_world.partner_case_manager)
        .filter(pk=seeker.pk)
        .exists()
    )


def test_no_opt_out_on_file_and_withdrawing_a_request(portal, browser_world):
    page = portal.page
    request = filed_by_service(browser_world, browser_world.seekers["opted_out"])

    portal.sign_in(PARTNER)
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Opt-Out Lookup"
    ).click()
    expect(page.get_by_role("heading", name="Opt-Out Lookup", level=1)).to_be_visible()
    portal.check_a11y()
    page.get_by_label("Seeker's SSN").fill("98765")
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("alert").filter(has_text="nine digits")).to_be_visible()
    portal.check_a11y()
    page.get_by_label("Seeker's SSN").fill(browser_world.seekers["own"].ssn)
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name="No opt-out on file")).to_be_visible()
    portal.check_a11y()

    page.goto(f"/optout/requests/{request.pk}/")
    portal.check_a11y()
    page.get_by_role("link", name="Withdraw this request").click()
    expect(
        page.get_by_role("heading", name="Withdraw the opt-in request for Ophelia Optedout?")
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name="Withdraw the request").click()
    expect(status_message(page, "The opt-in request was withdrawn.")).to_be_visible()
    portal.check_a11y()
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


def test_esd_staff_set_and_clear_opt_out_on_the_record(portal, browser_world):
    page = portal.page
    seeker = browser_world.seekers["own"]

    portal.sign_in(STATE)
    page.goto(f"/participants/{seeker.pk}/")
    expect(page.get_by_text("No change of opt-out is recorded")).to_be_visible()
    portal.check_a11y()
    page.locator("label", has_text=re.compile(r"^Opt-Out$")).click()
    page.get_by_role("button", name="Save").click()
    expect(status_message(page, "Saved.")).to_be_visible()
    expect(page.get_by_text("Opted out: visible to state (ESD) staff only")).to_be_visible()
    portal.check_a11y()

    page.locator("label", has_text=re.compile(r"^Opt-Out$")).click()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("alert").filter(has_text="Give the reason for clearing Opt-Out")
    ).to_be_visible()
    portal.check_a11y()
    expect(
        page.get_by_label("Opt-Out", exact=True)
    ).not_to_be_checked()  # the page keeps what was typed
    page.get_by_label("Reason for the change").fill(
        "The seeker asked at the front desk to share data."
    )
    page.get_by_role("button", name="Save").click()
    expect(status_message(page, "Saved.")).to_be_visible()
    history = page.get_by_role("table").filter(has_text="The seeker asked at the front desk")
    expect(history.get_by_role("row")).to_have_count(3)  # the header and two changes
    portal.check_a11y()
    assert not Participant.objects.get(pk=seeker.pk).opted_out
