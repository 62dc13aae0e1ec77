import pytest

from demo.seed import seed_demo
from intake.demo import seed_intake_demo
from intake.models import HeldRegistration, IntakeEvent, SendingSystem
from intake.services import credential_authenticate
from participants.models import Participant


@pytest.mark.django_db
def test_the_demo_has_two_systems_a_held_registration_and_a_log():
    seed_demo(seekers=20, opted_out_share=0.2)
    tokens = seed_intake_demo()
    assert set(tokens) == {"Job Match", "UI claims"}
    assert all(credential_authenticate(token) for token in tokens.values())
    assert SendingSystem.objects.count() == 2
    assert HeldRegistration.objects.count() == 1
    outcomes = sorted(IntakeEvent.objects.values_list("outcome", flat=True))
    assert outcomes == ["applied", "created", "created", "created", "held", "refused", "updated"]
    assert Participant.objects.get(registrations__external_id="JM-100203").opted_out
    assert seed_intake_demo() == {} and IntakeEvent.objects.count() == 7
