"""MIS access in headless Chromium, each page checked with axe: a new user from request to revocation.

A designated requester files an add request, MIS access management approves it, the new user
follows the emailed link, sets a password, sets up the authenticator app, signs the
confidentiality agreement and reaches the dashboard; the administrator then ends the
organization's data sharing contract, and the user's next page load signs them out.
"""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import expect

from access import mfa
from access.models import AuthenticatorApp, Staff
from access.services import requester_designate
from tests.browser.conftest import Portal

pytestmark = pytest.mark.browser


def sign_out(portal):
    portal.page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(portal.page.get_by_role("heading", name="Sign in")).to_be_visible()
    portal.check_a11y()


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def test_a_new_user_from_add_request_to_revocation(
    portal, browser_world, browser, base_url, settings
):
    settings.ACCESS_MFA_AT_SIGN_IN = True  # staff sign in with their authenticator code too
    world = browser_world
    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    page = portal.page

    # The designated requester files the add request.
    portal.sign_in("access.requester")
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Access requests"
    ).click()
    expect(heading(page, "Access requests")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Add a user").click()
    expect(heading(page, "Request to add a user")).to_be_visible()
    portal.check_a11y()
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Newhire")
    page.get_by_label("Work email").fill("pat.newhire@example.org")
    page.get_by_label("Organization").select_option(label="Partner Services")
    page.get_by_label(re.compile(r"^Office assignments")).select_option(label="WorkSource Alpha")
    page.get_by_label(re.compile(r"^Office the user logs into")).select_option(
        label="WorkSource Alpha"
    )
    # Filed without the training date and the certification: both are said at once, each at its field.
    page.get_by_role("button", name="File request").click()
    expect(page.get_by_text("has not completed state-approved MIS training")).to_be_visible()
    expect(
        page.get_by_text("Certify that the user's supervisor approved the profile")
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_label("State-approved MIS training completed on").fill("2026-01-05")
    page.locator("label.usa-checkbox__label").click()
    page.get_by_role("button", name="File request").click()
    expect(
        page.get_by_role("status").filter(has_text="Request filed: add a user (Pat Newhire).")
    ).to_be_visible()
    expect(page.get_by_text("Waiting for MIS access management")).to_be_visible()
    portal.check_a11y()
    sign_out(portal)

    # MIS access management approves it from the queue.
    portal.sign_in("itsd.access")
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Access request queue"
    ).click()
    expect(heading(page, "Access request queue")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name=re.compile(r"^Add a user #")).click()
    expect(heading(page, re.compile(r"^Add a user: request"))).to_be_visible()
    checks = page.get_by_role("table", name="The checks the policy requires")
    for check in (
        "Contracts in effect",
        "Requester designated",
        "State-approved MIS training",
        "Supervisor's certification",
    ):
        expect(checks.get_by_role("row", name=check)).to_contain_text("Met")
    portal.check_a11y()
    page.get_by_role("link", name="Approve").click()
    expect(heading(page, re.compile(r"^Approve request \d+: add a user\?"))).to_be_visible()
    expect(page.get_by_text("An account is created now for Pat Newhire")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").filter(has_text="Approved")).to_be_visible()
    expect(page.get_by_text("logon ID pnewhire")).to_be_visible()
    portal.check_a11y()
    sign_out(portal)

    # The new user follows the emailed link: password, authenticator app, agreement, dashboard.
    welcome = next(m for m in mail.outbox if m.to == ["pat.newhire@example.org"])
    link = re.search(r"https?://\S+(/access/welcome/\S+)", welcome.body).group(1)
    page.goto(link)
    expect(heading(page, "Welcome: set your password")).to_be_visible()
    portal.check_a11y()
    page.locator("#id_new_password1").fill("Puget-Sound-ferry-2031")
    page.locator("#id_new_password2").fill("Puget-Sound-ferry-2031")
    page.get_by_role("button", name="Set password").click()
    expect(heading(page, "Set up your authenticator app")).to_be_visible()
    portal.check_a11y()
    shown_key = page.locator("[data-secret]").text_content().replace(" ", "")
    assert shown_key == AuthenticatorApp.objects.get(user__username="pnewhire").secret_base32
    page.get_by_label("Code").fill(mfa.code_at(mfa.secret_from_base32(shown_key), time.time()))
    page.get_by_role("button", name="Confirm").click()
    expect(heading(page, "Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        mfa.RECOVERY_CODES
    )
    portal.check_a11y()
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(heading(page, "Confidentiality agreement")).to_be_visible()
    portal.check_a11y()
    page.get_by_label("Your first and last name (your signature)").fill("Pat Newhire")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(heading(page, "Dashboard")).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text="the confidentiality agreement is signed")
    ).to_be_visible()
    portal.check_a11y()

    # Meanwhile, in the administrator's browser: the data sharing contract ends today.
    admin_context = browser.new_context(base_url=base_url)
    admin = Portal(admin_context.new_page(), "the administrators-browser")
    admin.sign_in("mis.admin")
    admin.page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Contracts"
    ).click()
    expect(heading(admin.page, "Contracts")).to_be_visible()
    admin.check_a11y()
    admin.page.get_by_role(
        "link", name=re.compile(r"^End today\W+MIS data sharing contract of Partner Services")
    ).click()
    expect(heading(admin.page, "End a contract today")).to_be_visible()
    admin.check_a11y()
    admin.page.get_by_label("Why the contract ends today").fill(
        "The partner withdrew from the WorkSource agreement."
    )
    admin.page.get_by_role("button", name="End the contract").click()
    expect(
        admin.page.get_by_role("status").filter(has_text="The contract ended today.")
    ).to_be_visible()
    admin.check_a11y()
    assert not admin.unchecked
    admin_context.close()

    # The new user's very next page load signs them out.
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Quick Search"
    ).click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="You were signed out")).to_be_visible()
    portal.check_a11y()
    assert not Staff.objects.get(username="pnewhire").is_active


def test_the_administrators_pages_and_the_requesters_other_forms(portal, browser_world):
    world = browser_world
    page = portal.page
    nav = page.get_by_role("navigation", name="Primary navigation")

    portal.sign_in("mis.admin")
    nav.get_by_role("link", name="Contracts").click()
    expect(heading(page, "Contracts")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="MIS access requesters").click()
    expect(heading(page, "MIS access requesters")).to_be_visible()
    portal.check_a11y()
    # The requester who files the disable request below (the option's place depends on names).
    requester = world.access_requester
    page.get_by_label(re.compile(r"^MIS access requester")).select_option(
        label=f"{requester.last_name}, {requester.first_name} ({requester.username}, "
        f"{requester.organization})"
    )
    page.get_by_label("Workforce development area").select_option(label=str(world.office_a.area))
    page.get_by_role("button", name="Designate").click()
    expect(page.get_by_role("status").filter(has_text="is designated")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Withdraw"))).to_have_count(1)
    portal.check_a11y()
    page.goto("/access/contracts/expiring/")
    expect(heading(page, "Contracts expiring in 30 days")).to_be_visible()
    portal.check_a11y()

    nav.get_by_role("link", name="Records and security reports").click()
    expect(heading(page, "Records requests and security reports")).to_be_visible()
    portal.check_a11y()
    page.get_by_role("link", name="Report", exact=True).click()
    expect(heading(page, re.compile(r"^Report a records request"))).to_be_visible()
    portal.check_a11y()
    page.get_by_label(re.compile(r"^What happened")).select_option(label="Subpoena")
    page.get_by_label(re.compile(r"^Summary")).fill("Subpoena for placement records")
    page.get_by_label(re.compile(r"^Details")).fill("Served at the front desk this morning.")
    page.get_by_role("button", name="Send report").click()
    expect(
        page.get_by_role("status").filter(
            has_text="The MIS security administrator has been alerted."
        )
    ).to_be_visible()
    portal.check_a11y()
    page.get_by_label(re.compile(r"^Note")).fill("Forwarded to the Records Disclosure Unit.")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Status: In review")).to_be_visible()
    portal.check_a11y()
    sign_out(portal)

    portal.sign_in("access.requester")
    page.goto("/access/requests/change/")
    expect(heading(page, "Request to change a user")).to_be_visible()
    portal.check_a11y()
    page.goto("/access/requests/disable/")
    expect(heading(page, "Request to disable a user")).to_be_visible()
    portal.check_a11y()
    person = world.partner_case_manager
    page.get_by_label(re.compile(r"^User")).select_option(
        label=f"{person.last_name}, {person.first_name} ({person.username}, {person.organization})"
    )
    page.get_by_label(re.compile(r"^Reason")).select_option(label="Resignation")
    page.get_by_label(re.compile(r"^Access ends on")).fill("2099-01-15T17:00")
    page.get_by_role("button", name="File request").click()
    expect(
        page.get_by_role("status").filter(has_text="Request filed: disable a user")
    ).to_be_visible()
    portal.check_a11y()
