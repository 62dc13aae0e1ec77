import pytest

from access.services import requester_designate


@pytest.fixture
def designated(world):
    """`world` with the access requester designated for office A's workforce development area."""
    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    world.access_requester.refresh_from_db()
    return world
