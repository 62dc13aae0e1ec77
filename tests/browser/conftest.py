"""Fixtures for the end-to-end tests: Debian's Chromium against the live server, axe on every page.

Each test gets `portal`, a thin helper around Playwright's `page` that signs in, runs axe-core
on the page in view and fails the test if a page it visited was left without that check. Every
page checked is also photographed, as it stood when axe passed, under
test-results/screenshots/<test>/ (numbered in the order visited), for a reviewer to look through.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

# `playwright install` cannot download its own browser builds here: drive the system's Chromium.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests may run as root in a container, where Chromium's sandbox cannot start
    "--disable-gpu",
    # No traffic but the live server's: no QUIC probes, updates, sync or first-run pages.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Pages come from a local server, so a missing element is a failure, not lag; the margin is for a
# machine whose two cores are busy with the rest of the suite running beside the browser.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

# The scope select's label reads "In *" (the required mark is part of its accessible name).
SCOPE_LABEL = re.compile(r"^In\b")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Headless unless pytest-playwright's own `--headed` asks otherwise (for debugging).
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in `page.goto` go to the live server (pytest-playwright reads this)."""
    return live_server.url


@pytest.fixture
def browser_world(transactional_db, world):
    """The shared `world` (tests/conftest.py), committed so that the live server's thread sees it.

    `world` asks for `db`; with `transactional_db` in the same test, pytest-django makes that
    database transactional (data committed, tables emptied afterwards) instead of one
    rolled-back transaction that the server's own connection could not see into.
    """
    return world


class Portal:
    """The page in view, with the portal's sign-in and an axe check that must cover every page.

    Playwright reports each document the main page loads (`domcontentloaded`: a new document,
    not an address changed by the history API, as the search results do to theirs);
    `check_a11y` checks the current one. Two documents loaded with no check between them, or one
    left unchecked when the test ends, fail the test: no page visited escapes the check.
    """

    def __init__(self, page: Page, test_name: str):
        self.page = page
        page.set_default_timeout(TIMEOUT_MS)
        self.axe = Axe()
        self.unchecked: list[str] = []
        page.on("domcontentloaded", self._visited)
        self.screenshots = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", test_name)
        self.photographed = 0

    def _visited(self, page):
        self.unchecked.append(page.url)

    def check_a11y(self):
        """Runs axe-core (WCAG A/AA rules and best practices) on the page in view: no violation."""
        # Loaded first, so that the document in view has been counted.
        self.page.wait_for_load_state()
        # Cleared first: a failure is reported here, not a second time when the test ends.
        skipped = self.unchecked[:-1]
        self.unchecked.clear()
        assert not skipped, f"pages visited without an accessibility check: {skipped}"
        results = self.axe.run(self.page)
        assert results.violations_count == 0, (
            f"axe found violations on {self.page.url}:\n{describe(results.response)}"
        )
        self.photograph()

    def photograph(self):
        """A screenshot of the page in view, named by its order and its path (never its query)."""
        self.photographed += 1
        path = re.sub(r"[^a-z0-9]+", "-", urlsplit(self.page.url).path.lower()).strip("-")
        self.page.screenshot(
            path=self.screenshots / f"{self.photographed:02d}-{path or 'home'}.png"
        )

    def sign_in(self, username: str, password: str = PASSWORD):
        self.page.goto("/sign-in/")
        expect(self.page.get_by_role("heading", name="Sign in")).to_be_visible()
        self.check_a11y()
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        arrived = self.page.get_by_role(
            "heading", level=1, name=re.compile(r"^(Dashboard|Authenticator code)$")
        )
        expect(arrived).to_be_visible()
        if arrived.text_content() == "Authenticator code":
            # The second step of sign-in: the code the person's authenticator app would show now.
            self.check_a11y()
            self.page.get_by_label("Code").fill(authenticator_code(username))
            self.page.get_by_role("button", name="Verify").click()
            expect(self.page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        self.check_a11y()

    def quick_search(self, query: str, scope: str | None):
        """Quick Search with the form on the page in view; `scope` is an option's text, or None
        on a page that always searches one scope (Add Seeker to Office)."""
        form = self.page.get_by_role("search", name="Quick Search")
        form.get_by_label("Name, SSN or customer ID").fill(query)
        if scope is not None:
            form.get_by_label(SCOPE_LABEL).select_option(label=scope)
        # Wait for the new results page: the page in view may already show older results.
        with self.page.expect_navigation():
            form.get_by_role("button", name="Search").click()
        expect(self.page.get_by_role("heading", name="Total Participants:")).to_be_visible()
        self.check_a11y()


def authenticator_code(username: str) -> str:
    """The current code of the person's authenticator app (a later step if this one was just used)."""
    import time

    from access import mfa
    from access.models import AuthenticatorApp

    app = AuthenticatorApp.objects.get(user__username=username)
    return mfa.code_at(app.bin_key, time.time(), step=max(mfa.step_at(time.time()), app.last_t + 1))


def describe(axe_response: dict) -> str:
    """One line per violation and per offending element: enough to find and fix it."""
    lines = []
    for violation in axe_response["violations"]:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture
def portal(page, request):
    portal = Portal(page, request.node.nodeid.removeprefix("tests/browser/"))
    shutil.rmtree(portal.screenshots, ignore_errors=True)  # this run's pictures only
    yield portal
    assert len(list(portal.screenshots.glob("*.png"))) == portal.photographed
    assert not portal.unchecked, f"pages visited without an accessibility check: {portal.unchecked}"
