"""access_participant: the one way views and services reach a seeker."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse

from participants.access import access_participant
from participants.models import Participant
from portal.errors import NotFound, PortalError


@pytest.mark.django_db
class TestAccessParticipant:
    def test_a_visible_seeker_is_found(self, world):
        seeker = world.seekers["own"]
        assert access_participant(world.partner_case_manager, seeker.pk) == seeker
        assert access_participant(world.esd_case_manager, world.seekers["opted_out"].pk)

    def test_missing_and_hidden_answer_the_same(self, world):
        with pytest.raises(NotFound) as hidden:
            access_participant(world.partner_case_manager, world.seekers["opted_out"].pk)
        with pytest.raises(NotFound) as missing:
            access_participant(world.partner_case_manager, 999_999)
        assert hidden.value.message == missing.value.message == "This seeker could not be found."
        assert hidden.value.code == missing.value.code == "not_found"
        # A 404 where a view fetches it, a refusal where a service re-reads it.
        assert isinstance(hidden.value, Http404) and isinstance(hidden.value, PortalError)

    def test_people_without_seeker_work_find_nobody(self, world):
        with pytest.raises(NotFound):
            access_participant(world.access_management, world.seekers["own"].pk)


def held_elsewhere(pk: int) -> bool:
    """Whether another connection finds the seeker's row locked (FOR UPDATE NOWAIT fails)."""
    outcome: list[bool] = []

    def try_lock() -> None:
        try:
            with transaction.atomic():
                Participant.objects.select_for_update(nowait=True).filter(pk=pk).first()
            outcome.append(False)
        except DatabaseError:
            outcome.append(True)
        finally:
            connection.close()

    thread = threading.Thread(target=try_lock)
    thread.start()
    thread.join(timeout=30)
    return outcome == [True]


@pytest.mark.django_db(transaction=True)
def test_lock_takes_the_seekers_row_lock_until_the_transaction_ends(world):
    seeker = world.seekers["own"]
    with transaction.atomic():
        access_participant(world.partner_case_manager, seeker.pk)
        assert not held_elsewhere(seeker.pk)
    with transaction.atomic():
        access_participant(world.partner_case_manager, seeker.pk, lock=True)
        assert held_elsewhere(seeker.pk)
    assert not held_elsewhere(seeker.pk)


@pytest.mark.django_db
def test_head_on_a_record_answers_as_get_does(world):
    """A reader who may not edit gets the record on HEAD as on GET, not the POST's refusal."""
    client = Client()
    client.force_login(world.lwdb_reviewer)
    page = reverse("participants:detail", args=[world.seekers["own"].pk])
    assert client.get(page).status_code == 200
    assert client.head(page).status_code == 200
