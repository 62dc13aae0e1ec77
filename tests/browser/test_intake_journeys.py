"""Intake journeys in headless Chromium, each page checked with axe (see conftest.py).

The MIS security and data sharing administrator adds a sending system and issues it a
credential; a registration it sends is held (its SSN is another seeker's); state data-edit
staff resolve it on the intake page.
"""

import re

import pytest
from playwright.sync_api import expect

from intake.models import HeldRegistration, Registration, SendingSystem
from intake.services import registration_receive
from intake.validation import registration_clean

pytestmark = pytest.mark.browser


def sign_out(portal):
    portal.page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(portal.page.get_by_role("heading", name="Sign in")).to_be_visible()
    portal.check_a11y()


def test_a_system_and_its_credential_then_a_held_registration_resolved(portal, browser_world):
    world, page = browser_world, portal.page
    portal.sign_in("mis.admin")
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Intake"
    ).click()
    expect(page.get_by_role("heading", name="Intake from the state's systems")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Add a sending system").click()
    portal.check_a11y()
    page.get_by_label("System's name").fill("Job Match")
    page.get_by_role("button", name="Add the system").click()
    expect(page.get_by_role("heading", name="Job Match: intake log")).to_be_visible()
    portal.check_a11y()
    # USWDS moves check boxes and radio buttons off screen and draws them on their labels.
    page.locator("label", has_text="Registrations (seekers' accounts").click()
    page.get_by_role("button", name="Issue a credential").click()
    expect(page.get_by_role("heading", name="Credential issued to Job Match")).to_be_visible()
    portal.check_a11y()
    token = page.get_by_label(re.compile("^Token")).input_value()
    assert "." in token
    page.get_by_role("link", name="Back to Job Match").click()
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_be_visible()
    portal.check_a11y()
    sign_out(portal)

    # The system sends a registration whose SSN is the seeker's of office A.
    system = SendingSystem.objects.get()
    seeker = world.seekers["own"]
    registration_id, fields, ssn = registration_clean(
        {
            "registration_id": "JM-7",
            "first_name": "Olive",
            "last_name": "Ownoffice",
            "ssn": seeker.ssn,
        }
    )
    registration_receive(system=system, registration_id=registration_id, fields=fields, ssn=ssn)

    portal.sign_in("state.dataedits")
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Intake"
    ).click()
    portal.check_a11y()
    page.get_by_role("link", name="Ownoffice, Olive (JM-7)").click()
    expect(
        page.get_by_role("heading", name="Held registration JM-7 from Job Match")
    ).to_be_visible()
    portal.check_a11y()
    assert seeker.ssn[-4:] not in page.content()
    page.locator("label", has_text="The same person as the seeker").click()
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("status").filter(has_text="JM-7")).to_be_visible()
    portal.check_a11y()
    expect(page.get_by_text("No registration is held.")).to_be_visible()
    assert HeldRegistration.objects.get().status == "linked"
    assert Registration.objects.get(external_id="JM-7").participant == seeker
