"""The data-edit app's access helpers: a seeker's rows are reached through the seeker's gate."""

from datetime import date

import pytest

from dataedits.access import access_case_note, access_service, access_ticket
from portal.errors import NotFound
from tests.dataedits.helpers import add_note, add_service, make_ticket


@pytest.fixture
def rows(world):
    """A service, a case note and a ticket on the opted-out seeker, recorded by state staff."""
    seeker, by, office = world.seekers["opted_out"], world.esd_case_manager, world.office_a
    service = add_service(seeker, "career_guidance", date(2021, 1, 4), office=office, by=by)
    note = add_note(seeker, by=by, office=office, contact=date(2021, 1, 4))
    ticket = make_ticket(seeker, by=by, office=office, service=service, note=note)
    return service, note, ticket


@pytest.mark.django_db
@pytest.mark.parametrize(
    "access,index,noun",
    [
        (access_service, 0, "service"),
        (access_case_note, 1, "case note"),
        (access_ticket, 2, "ticket"),
    ],
)
def test_hidden_and_missing_answer_the_same(world, rows, access, index, noun):
    row = rows[index]
    assert access(world.esd_case_manager, row.pk) == row
    with pytest.raises(NotFound) as hidden:
        access(world.partner_case_manager, row.pk)
    with pytest.raises(NotFound) as missing:
        access(world.esd_case_manager, 999_999)
    assert hidden.value.message == missing.value.message == f"This {noun} could not be found."


@pytest.mark.django_db
def test_a_record_asked_for_under_another_seeker_is_not_found(world, rows):
    service, note, _ = rows
    other = world.seekers["own"]
    for access, row in ((access_service, service), (access_case_note, note)):
        assert access(world.esd_case_manager, row.pk, participant=row.participant) == row
        with pytest.raises(NotFound):
            access(world.esd_case_manager, row.pk, participant=other)
