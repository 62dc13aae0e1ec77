"""Case managers' main journeys in headless Chromium, each page checked with axe (see conftest.py).

Everyone in `world` works in WorkSource Alpha and may switch to WorkSource Beta. Seekers:
"Oscar Otheroffice" is enrolled in Beta only, "Ophelia Optedout" opted out of data sharing.
"""

import re
from datetime import date
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from participants.models import Enrollment, Participant
from tests.browser.conftest import SCOPE_LABEL
from tests.factories import OfficeFactory, ParticipantFactory

pytestmark = pytest.mark.browser

PARTNER = "partner.casemanager"
STATE = "esd.casemanager"


def results_row(page, name):
    """The results table's row for the seeker whose link reads `name` ("Last, First")."""
    rows = page.get_by_role("table").get_by_role("row")
    return rows.filter(has=page.get_by_role("link", name=name))


def total(page):
    return page.get_by_role("heading", name=re.compile(r"^Total Participants:"))


def test_partner_adds_a_seeker_from_another_office_and_edits_the_record(
    portal, browser_world, base_url
):
    page = portal.page
    seeker = browser_world.seekers["other"]

    portal.sign_in(PARTNER)
    expect(page).to_have_url(f"{base_url}/")

    portal.quick_search("Otheroffice", "in: WorkSource")
    expect(total(page)).to_have_text("Total Participants: 1")
    row = results_row(page, "Otheroffice, Oscar")
    expect(row).to_contain_text("Not enrolled")

    # Not yet in the case manager's office: a read-only summary saying how to get edit rights.
    row.get_by_role("link", name="Otheroffice, Oscar").click()
    expect(page.get_by_role("heading", name="View / Edit participant")).to_be_visible()
    expect(page.get_by_text("Add this seeker to your office to edit.")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_disabled()
    expect(page.get_by_label("Phone")).to_be_disabled()
    portal.check_a11y()

    # Back to the results: asked for again by the token's address, the query is not sent again.
    page.go_back()
    expect(total(page)).to_have_text("Total Participants: 1")
    assert re.search(r"/participants/search/\?s=[\w-]+$", page.url), page.url
    portal.check_a11y()
    # USWDS moves the checkbox off screen and draws the box on its label: tick it there.
    checkbox = row.get_by_label("Select Oscar Otheroffice")
    row.locator("label.usa-checkbox__label").click()
    expect(checkbox).to_be_checked()
    page.get_by_role("button", name="Enroll Job Seeker").click()
    confirmation = "Enrolled in WorkSource Alpha: Oscar Otheroffice."
    expect(page.get_by_role("status").filter(has_text=confirmation)).to_be_visible()
    expect(row).to_contain_text("WorkSource Alpha (your office); WorkSource Beta")
    expect(row).not_to_contain_text("Not enrolled")
    portal.check_a11y()

    row.get_by_role("link", name="Otheroffice, Oscar").click()
    expect(page.get_by_role("heading", name="View / Edit participant")).to_be_visible()
    expect(page.get_by_text("Add this seeker to your office to edit.")).to_have_count(0)
    phone = page.get_by_label("Phone")
    expect(phone).to_be_editable()
    portal.check_a11y()
    phone.fill("(360) 555-0142")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_label("Phone")).to_have_value("(360) 555-0142")
    portal.check_a11y()

    assert Participant.objects.get(pk=seeker.pk).phone == "(360) 555-0142"


def test_opted_out_seeker_never_appears_for_partner_staff(portal, browser_world):
    page = portal.page
    seeker = browser_world.seekers["opted_out"]

    portal.sign_in(PARTNER)
    portal.quick_search("Optedout", "in: WorkSource")
    expect(total(page)).to_have_text("Total Participants: 0")
    expect(page.get_by_role("main")).not_to_contain_text("Ophelia")

    # The record's address answers exactly like one that does not exist.
    response = page.goto(f"/participants/{seeker.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Ophelia")
    portal.check_a11y()


def test_opted_out_seeker_appears_for_state_staff(portal, browser_world):
    page = portal.page

    portal.sign_in(STATE)
    portal.quick_search("Optedout", "in: WorkSource")
    expect(total(page)).to_have_text("Total Participants: 1")
    row = results_row(page, "Optedout, Ophelia")
    expect(row).to_contain_text("Opted out")

    row.get_by_role("link", name="Optedout, Ophelia").click()
    expect(page.get_by_role("heading", name="View / Edit participant")).to_be_visible()
    expect(page.get_by_text("Opted out: visible to state (ESD) staff only")).to_be_visible()
    portal.check_a11y()


def test_search_by_full_ssn_keeps_the_ssn_out_of_urls_and_off_the_screen(portal, browser_world):
    page = portal.page
    ssn = "987-65-4321"  # area 900-999: never issued to anyone
    # The SSN in any spelling: dashes, spaces or their URL encodings between the groups, or none.
    full_ssn = re.compile(r"987\D{0,3}65\D{0,3}4321")
    ParticipantFactory(
        first_name="Nina", last_name="Numbers", ssn=ssn, offices=[browser_world.office_b]
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    portal.sign_in(PARTNER)
    portal.quick_search(ssn, "in: WorkSource")
    expect(total(page)).to_have_text("Total Participants: 1")
    row = results_row(page, "Numbers, Nina")
    expect(row).to_contain_text("***-**-4321")
    expect(page.get_by_role("main")).to_contain_text("Results for ***-**-4321 in WorkSource.")
    expect(page.get_by_label("Name, SSN or customer ID")).to_have_value("")
    assert not full_ssn.search(unquote(page.url)), page.url
    assert not full_ssn.search(page.content()), "the results page holds the full SSN"

    row.get_by_role("link", name="Numbers, Nina").click()
    expect(page.get_by_role("heading", name="View / Edit participant")).to_be_visible()
    expect(page.get_by_text("***-**-4321")).to_be_visible()
    assert not full_ssn.search(page.content()), "the record page holds the full SSN"
    portal.check_a11y()

    assert requested, "no request was recorded"
    leaked = [url for url in requested if full_ssn.search(unquote(url))]
    assert not leaked, f"the SSN went into these URLs: {leaked}"


def test_switching_office_changes_the_office_scoped_results(portal, browser_world):
    page = portal.page
    browser_world.partner_case_manager.offices.add(
        browser_world.office_b
    )  # one who works in both offices
    ParticipantFactory(first_name="Alma", last_name="Rivera", offices=[browser_world.office_a])
    ParticipantFactory(first_name="Bruno", last_name="Rivera", offices=[browser_world.office_b])

    portal.sign_in(PARTNER)
    portal.quick_search("Rivera", "in: WorkSource Alpha")
    expect(total(page)).to_have_text("Total Participants: 1")
    expect(results_row(page, "Rivera, Alma")).to_be_visible()

    header = page.get_by_role("banner")
    header.get_by_label("Logged into office").select_option(label="WorkSource Beta")
    header.get_by_role("button", name="Switch office").click()
    confirmation = "You are now logged into WorkSource Beta."
    expect(page.get_by_role("status").filter(has_text=confirmation)).to_be_visible()
    portal.check_a11y()

    # Back on the same search, which now runs in the new office.
    scope = page.get_by_role("search", name="Quick Search").get_by_role("combobox")
    expect(scope.locator("option:checked")).to_have_text("in: WorkSource Beta")
    expect(total(page)).to_have_text("Total Participants: 1")
    expect(page.get_by_role("main")).to_contain_text("Results for Rivera in WorkSource Beta.")
    expect(results_row(page, "Rivera, Bruno")).to_be_visible()
    expect(results_row(page, "Rivera, Alma")).to_have_count(0)
    current_office = header.get_by_label("Logged into office").locator("option:checked")
    expect(current_office).to_have_text("WorkSource Beta")


def test_partner_enrolls_from_the_menu_page_and_from_the_read_only_record(portal, browser_world):
    """Seed 001's Add Seeker to Office: the menu's page, named as the procedure names it, and the
    one button on a record the case manager may not edit yet."""
    page = portal.page
    other = browser_world.seekers["other"]
    ParticipantFactory(
        first_name="Rita", last_name="Recordbutton", offices=[browser_world.office_b]
    )

    portal.sign_in(PARTNER)
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Add Seeker to Office"
    ).click()
    heading = page.get_by_role("heading", level=1, name="Enroll Job Seekers into WorkSource Alpha")
    expect(heading).to_be_visible()
    # All of WorkSource, always: no "In" box to get wrong.
    expect(page.get_by_role("search", name="Quick Search").get_by_label(SCOPE_LABEL)).to_have_count(
        0
    )
    portal.check_a11y()

    portal.quick_search("Otheroffice", None)
    expect(total(page)).to_have_text("Total Participants: 1")
    expect(heading).to_be_visible()
    row = results_row(page, "Otheroffice, Oscar")
    expect(row).to_contain_text("WorkSource Beta")
    expect(row).to_contain_text("Not enrolled in WorkSource Alpha")
    row.locator("label.usa-checkbox__label").click()
    page.get_by_role("button", name="Enroll Job Seeker").click()
    confirmation = "Enrolled in WorkSource Alpha: Oscar Otheroffice."
    expect(page.get_by_role("status").filter(has_text=confirmation)).to_be_visible()
    expect(heading).to_be_visible()  # back on the same page, with the same results
    expect(row).to_contain_text("WorkSource Alpha (your office); WorkSource Beta")
    portal.check_a11y()
    assert other.enrollments.filter(office=browser_world.office_a).exists()

    # A record not yet in the office: the button is on the record itself.
    portal.quick_search("Recordbutton", None)
    results_row(page, "Recordbutton, Rita").get_by_role("link", name="Recordbutton, Rita").click()
    expect(page.get_by_text("Add this seeker to your office to edit.")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_disabled()
    portal.check_a11y()
    page.get_by_role("button", name="Add Seeker to Office").click()
    confirmation = "Enrolled in WorkSource Alpha: Rita Recordbutton."
    expect(page.get_by_role("status").filter(has_text=confirmation)).to_be_visible()
    expect(page.get_by_role("heading", name="View / Edit participant")).to_be_visible()
    expect(page.get_by_text("Add this seeker to your office to edit.")).to_have_count(0)
    expect(page.get_by_label("Phone")).to_be_editable()
    expect(page.get_by_role("button", name="Save")).to_be_enabled()
    portal.check_a11y()


def test_quick_search_refuses_a_mistyped_ssn_and_finds_by_date_of_birth_and_office(
    portal, browser_world
):
    page = portal.page
    many = ParticipantFactory(
        first_name="Dana",
        last_name="Birthday",
        date_of_birth=date(1993, 11, 22),
        offices=[browser_world.office_a, browser_world.office_b],
    )
    for name in ("WorkSource Delta", "WorkSource Echo"):
        Enrollment.objects.create(participant=many, office=OfficeFactory(name=name))
    ParticipantFactory(
        first_name="Dale",
        last_name="Birthday",
        date_of_birth=date(1990, 1, 5),
        offices=[browser_world.office_b],
    )
    ParticipantFactory(
        first_name="Dora",
        last_name="Birthday",
        date_of_birth=date(1993, 11, 22),
        offices=[browser_world.office_b],
    )

    portal.sign_in(PARTNER)
    form = page.get_by_role("search", name="Quick Search")
    form.get_by_label("Name, SSN or customer ID").fill("987-65-432")
    form.get_by_label(SCOPE_LABEL).select_option(label="in: WorkSource")
    form.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert").filter(has_text="That is not a valid SSN")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Total Participants"))).to_have_count(0)
    expect(page.get_by_label("Name, SSN or customer ID")).to_have_value("")
    portal.check_a11y()

    portal.quick_search("birthday 11/22/1993", "in: WorkSource")
    expect(total(page)).to_have_text("Total Participants: 2")
    row = results_row(page, "Birthday, Dana")
    expect(row).to_contain_text(
        "WorkSource Alpha (your office); WorkSource Beta; WorkSource Delta and 1 more"
    )
    expect(results_row(page, "Birthday, Dale")).to_have_count(0)
    # Reload asks for the remembered search by its address: no form sent again, same results.
    page.reload()
    expect(total(page)).to_have_text("Total Participants: 2")
    portal.check_a11y()

    narrow = page.get_by_role("form", name="Narrow the results")
    narrow.get_by_label("Enrolled in").select_option(label="WorkSource Alpha")
    narrow.get_by_role("button", name="Narrow the results").click()
    expect(total(page)).to_have_text("Total Participants: 1")
    expect(page.get_by_role("main")).to_contain_text(
        "Results for birthday 11/22/1993 in WorkSource, enrolled in WorkSource Alpha."
    )
    expect(results_row(page, "Birthday, Dora")).to_have_count(0)
    portal.check_a11y()
