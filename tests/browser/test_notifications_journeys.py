"""Notifications in headless Chromium, each page checked with axe (see conftest.py): the
supervisor finds a notice on the dashboard, opens the list, reads one, then marks all read."""

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.services import notification_send
from tests.browser.test_optout_journeys import SUPERVISOR, filed_by_service, status_message

pytestmark = pytest.mark.browser


def test_the_supervisor_reads_notices_one_by_one_and_all_at_once(portal, browser_world):
    page = portal.page
    supervisor = browser_world.esd_supervisor
    filed_by_service(browser_world, browser_world.seekers["opted_out"])
    reminder = notification_send(
        recipient=supervisor, message="The queue has a request waiting.", link="/optout/queue/"
    )

    portal.sign_in(SUPERVISOR)
    expect(page.get_by_role("main")).to_contain_text("2 new notifications.")
    page.get_by_role("link", name="All your notifications").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    portal.check_a11y()

    page.get_by_role("button", name=f"Mark read: {reminder.message}").click()
    expect(page.get_by_role("button", name=f"Mark read: {reminder.message}")).to_have_count(0)
    portal.check_a11y()
    reminder.refresh_from_db()
    assert reminder.read_at is not None

    page.get_by_role("button", name="Mark all read").click()
    expect(status_message(page, "Marked 1 notification read.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
    portal.check_a11y()
    assert not Notification.objects.filter(recipient=supervisor, read_at=None).exists()
    # Read, the notices stay listed, each still leading to its page.
    page.get_by_role("link", name="The queue has a request waiting.").click()
    expect(page.get_by_role("heading", name="Opt-in requests", level=1)).to_be_visible()
    portal.check_a11y()
