import pytest

from demo.seed import seed_demo
from intake.demo import seed_intake_demo
from intake.models import HeldRegistration, IntakeEvent, SendingSystem, ServiceCredential
from intake.services import credential_authenticate
from participants.models import Participant

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_systems_a_held_registration_and_a_log():
    seed_demo(seekers=20, opted_out_share=0.2)
    assert SendingSystem.objects.count() == 2
    assert sorted(ServiceCredential.objects.values_list("scopes", flat=True)) == [
        ["opt_out_selection"],
        ["registration"],
    ]
    assert HeldRegistration.objects.count() == 1
    outcomes = sorted(IntakeEvent.objects.values_list("outcome", flat=True))
    assert outcomes == ["applied", "created", "created", "created", "held", "refused", "updated"]
    assert Participant.objects.get(registrations__external_id="JM-100203").opted_out
    seed_demo(seekers=20, opted_out_share=0.2)
    assert seed_intake_demo() == {} and IntakeEvent.objects.count() == 7


def test_the_intake_demo_answers_its_tokens_on_its_first_run(monkeypatch):
    # The rest of the demo first, without its intake: the tokens are answered once, when issued.
    monkeypatch.setattr("intake.demo.seed_intake_demo", lambda: {})
    seed_demo(seekers=20, opted_out_share=0.2)
    monkeypatch.undo()
    tokens = seed_intake_demo()
    assert set(tokens) == {"Job Match", "UI claims"}
    assert all(credential_authenticate(token) for token in tokens.values())
    assert seed_intake_demo() == {}
