"""What every page shares, in headless Chromium with axe on each page (see conftest.py): the
navigation marks the page in view, text areas count their characters, notices open by POST,
and signing out says so."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.services import notification_send

pytestmark = pytest.mark.browser


def primary_nav(page):
    return page.get_by_role("navigation", name="Primary navigation")


def test_the_navigation_marks_the_page_in_view_as_state_staff_move_between_their_queues(
    portal, browser_world
):
    page = portal.page
    portal.sign_in(browser_world.state_dataedits.username)
    nav = primary_nav(page)
    expect(nav.locator('[aria-current="page"]')).to_have_text("Dashboard")

    nav.get_by_role("link", name="Title I queue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Title I")
    portal.check_a11y()
    expect(nav.locator('[aria-current="page"]')).to_have_count(1)
    expect(nav.get_by_role("link", name="Title I queue")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Dashboard")).not_to_have_attribute("aria-current", "page")

    nav.get_by_role("link", name="Title III queue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Title III")
    portal.check_a11y()
    expect(nav.get_by_role("link", name="Title III queue")).to_have_attribute(
        "aria-current", "page"
    )

    # The quarterly counts of the whole state, chosen on the page.
    page.goto(reverse("dataedits:quarterly_counts"))
    expect(page.get_by_role("heading", name="Quarterly counts", level=1)).to_be_visible()
    portal.check_a11y()
    expect(nav.locator('[aria-current="page"]')).to_have_count(0)
    page.get_by_label("Office, area or the whole state").select_option(
        label="The whole state (every office)"
    )
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile("^The whole state"))
    ).to_be_visible()
    portal.check_a11y()


def test_a_text_area_counts_its_characters_and_says_when_the_text_is_too_long(
    portal, browser_world
):
    page = portal.page
    seeker = browser_world.seekers["own"]
    portal.sign_in(browser_world.partner_case_manager.username)
    page.goto(reverse("dataedits:case_note_create", args=[seeker.pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    note = page.get_by_label("Case note")
    counter = page.locator(".usa-character-count__status")
    expect(counter).to_have_text("10000 characters allowed")
    portal.check_a11y()

    note.fill("Résumé workshop attended.")
    expect(counter).to_have_text("9975 characters left")
    note.fill("x" * 10_003)
    expect(counter).to_have_text("3 characters over limit")
    # Nothing was cut: the text area holds all of it, and the form is not sent as it is.
    assert len(note.input_value()) == 10_003
    assert note.evaluate("el => el.validationMessage") == "The content is too long."
    portal.check_a11y()


def test_a_notice_opens_by_post_from_the_dashboard_and_is_then_read(portal, browser_world):
    page = portal.page
    supervisor = browser_world.esd_supervisor
    notice = notification_send(
        recipient=supervisor, message="The queue has a request waiting.", link="/optout/queue/"
    )
    portal.sign_in(supervisor.username)
    dashboard = page.get_by_role("main")
    expect(dashboard).to_contain_text("1 new notification.")
    dashboard.get_by_role("button", name="The queue has a request waiting.").click()
    expect(page.get_by_role("heading", name="Opt-in requests", level=1)).to_be_visible()
    portal.check_a11y()
    assert Notification.objects.get(pk=notice.pk).read_at is not None

    primary_nav(page).get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("main")).to_contain_text("0 new notifications.")
    portal.check_a11y()


def test_signing_out_says_so(portal, browser_world):
    page = portal.page
    portal.sign_in(browser_world.partner_case_manager.username)
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    portal.check_a11y()
