"""The top navigation: each person's queues, and the page in view marked for assistive technology."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.templatetags.portal_nav import current_link

pytestmark = pytest.mark.django_db


def nav_of(person, url: str) -> str:
    client = Client()
    client.force_login(person)
    page = client.get(url).content.decode()
    return page[page.index('<nav aria-label="Primary navigation"') : page.index("</nav>")]


def current_items(nav: str) -> list[str]:
    return re.findall(
        r'<a class="usa-nav-link usa-current" href="([^"]*)" aria-current="page">', nav
    )


def test_the_dashboard_is_marked_as_the_page_in_view_and_nothing_else(world):
    nav = nav_of(world.esd_case_manager, reverse("portal:dashboard"))
    assert current_items(nav) == [reverse("portal:dashboard")]
    assert nav.count('aria-current="page"') == 1


def test_quick_search_and_add_seeker_to_office_are_told_apart(world):
    search, enrol = reverse("participants:search"), reverse("participants:add_to_office")
    assert current_items(nav_of(world.esd_case_manager, search)) == [search]
    assert current_items(nav_of(world.esd_case_manager, enrol)) == [enrol]
    # A parameter the link does not carry does not unmark it.
    assert current_items(nav_of(world.esd_case_manager, search + "?scope=worksource")) == [search]


def test_a_page_outside_the_navigation_marks_nothing(world):
    nav = nav_of(world.esd_case_manager, reverse("dataedits:quarterly_counts"))
    assert current_items(nav) == [] and "aria-current" not in nav


@pytest.mark.parametrize(
    "person, queues, not_theirs",
    [
        (
            "state_dataedits",
            [("dataedits:state_queue", "title_i"), ("dataedits:state_queue", "title_iii")],
            [("dataedits:local_queue",)],
        ),
        ("lwdb_reviewer", [("dataedits:local_queue",)], [("dataedits:state_queue", "title_i")]),
        ("esd_supervisor", [("optout:queue",)], [("dataedits:local_queue",)]),
        ("access_management", [("access:queue",)], [("dataedits:state_queue", "title_i")]),
        (
            "partner_case_manager",
            [],
            [("dataedits:local_queue",), ("dataedits:state_queue", "title_i"), ("optout:queue",)],
        ),
    ],
)
def test_each_person_finds_the_queues_they_work_in_the_navigation(
    world, person, queues, not_theirs
):
    staff = getattr(world, person)
    nav = nav_of(staff, reverse("portal:dashboard"))
    for name, *args in queues:
        assert f'href="{reverse(name, args=args)}"' in nav
        # ... and the queue, opened, is the page the navigation marks.
        assert current_items(nav_of(staff, reverse(name, args=args))) == [reverse(name, args=args)]
    for name, *args in not_theirs:
        assert f'href="{reverse(name, args=args)}"' not in nav


def test_the_most_specific_link_to_the_page_in_view_wins():
    request = RequestFactory().get("/participants/search/", {"scope": "worksource", "page": "2"})
    links = ["/", "/participants/search/", "/participants/search/?scope=worksource"]
    assert current_link(request, links) == "/participants/search/?scope=worksource"
    assert current_link(request, ["/", "/participants/search/?scope=office"]) is None
    escaped = RequestFactory().get("/x/", {"a": "1", "b": "2"})
    assert current_link(escaped, ["/x/?a=1&amp;b=2"]) == "/x/?a=1&amp;b=2"
