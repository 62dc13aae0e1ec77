import pytest

from participants.models import Participant


@pytest.mark.django_db
def test_state_staff_see_opted_out_seekers_and_partners_do_not(world):
    ids = lambda user: set(Participant.objects.visible_to(user).values_list("pk", flat=True))  # noqa: E731
    everyone = {s.pk for s in world.seekers.values()}
    assert ids(world.esd_case_manager) == everyone
    assert ids(world.esd_restricted) == everyone
    assert ids(world.partner_case_manager) == everyone - {world.seekers["opted_out"].pk}
    assert ids(world.lwdb_reviewer) == everyone - {world.seekers["opted_out"].pk}


@pytest.mark.django_db
def test_roles_without_seeker_work_and_inactive_users_see_nobody(world):
    assert not Participant.objects.visible_to(world.access_requester).exists()
    assert not Participant.objects.visible_to(world.access_management).exists()
    world.esd_case_manager.is_active = False
    assert not Participant.objects.visible_to(world.esd_case_manager).exists()
