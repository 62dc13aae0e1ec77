"""The state's intake page: held registrations resolved, the log per system, credentials."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from intake.models import HeldRegistration, IntakeEvent, Registration, ServiceCredential
from participants.models import Participant

from .conftest import Sender

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def held(world, sender) -> HeldRegistration:
    sender.register(registration_id="R-9", ssn=world.seekers["opted_out"].ssn, city="Olympia")
    return HeldRegistration.objects.get()


class TestHeldRegistrations:
    def test_listed_for_state_staff_without_the_ssn(self, world, held):
        page = signed_in(world.state_dataedits).get(reverse("intake:index")).content.decode()
        assert "Reyes, Rosa (R-9)" in page
        detail = signed_in(world.state_dataedits).get(reverse("intake:held", args=[held.pk]))
        text = detail.content.decode()
        assert "Optedout" in text and held.ssn not in text and held.ssn[-4:] not in text

    def test_opening_one_is_a_read_of_the_seekers_record(self, world, held):
        signed_in(world.state_dataedits).get(reverse("intake:held", args=[held.pk]))
        entry = AuditEntry.objects.get_for_object(world.seekers["opted_out"]).get()
        assert (entry.action, entry.actor) == (AuditEntry.Action.ACCESS, world.state_dataedits)

    def test_only_people_the_gate_shows_the_seeker_to_see_the_registration(self, world, held):
        """The administrator reads the intake log, not seekers: the gate shows them none."""
        client = signed_in(world.mis_admin)
        assert "R-9" not in client.get(reverse("intake:index")).content.decode()
        page = reverse("intake:held", args=[held.pk])
        assert client.get(page).status_code == 404
        assert client.post(page, {"resolution": "created"}).status_code == 404
        held.refresh_from_db()
        assert held.status == HeldRegistration.Status.HELD
        assert not AuditEntry.objects.get_for_object(world.seekers["opted_out"]).exists()

    def test_linked_to_the_existing_seeker_audited(self, world, held, sender):
        client = signed_in(world.state_dataedits)
        response = client.post(reverse("intake:held", args=[held.pk]), {"resolution": "linked"})
        assert response.status_code == 302
        held.refresh_from_db()
        assert (held.status, held.resolved_by) == ("linked", world.state_dataedits)
        link = Registration.objects.get(external_id="R-9")
        assert link.participant == world.seekers["opted_out"]
        entry = AuditEntry.objects.get_for_object(held).latest("timestamp")
        assert entry.actor == world.state_dataedits
        # From now on the registration id updates that seeker instead of waiting again.
        assert sender.register(registration_id="R-9", ssn=held.ssn).json()["outcome"] == "updated"

    def test_created_as_a_new_seeker_without_the_ssn(self, world, held):
        count = Participant.objects.count()
        signed_in(world.state_dataedits).post(
            reverse("intake:held", args=[held.pk]), {"resolution": "created"}
        )
        seeker = Registration.objects.get(external_id="R-9").participant
        assert Participant.objects.count() == count + 1
        assert (seeker.first_name, seeker.city, seeker.ssn) == ("Rosa", "Olympia", None)
        assert not seeker.opted_out
        assert AuditEntry.objects.get_for_object(seeker).get().actor == world.state_dataedits

    def test_resolved_once(self, world, held):
        client = signed_in(world.state_dataedits)
        client.post(reverse("intake:held", args=[held.pk]), {"resolution": "linked"})
        again = client.post(reverse("intake:held", args=[held.pk]), {"resolution": "created"})
        assert again.status_code == 404
        assert Registration.objects.count() == 1


class TestLog:
    def test_counts_per_day_and_the_last_refusal(self, world, sender, system):
        sender.register()
        sender.register(registration_id="R-2", first_name="")
        page = signed_in(world.mis_admin).get(reverse("intake:system", args=[system.pk]))
        text = page.content.decode()
        assert 'data-label="All">2<' in text
        assert 'data-label="Refused">1<' in text
        assert "invalid (first_name)" in text
        assert IntakeEvent.objects.filter(outcome="refused").count() == 1

    def test_credentials_shown_to_the_administrator_only(self, world, system, token):
        key_id = token.split(".")[0]
        assert (
            key_id
            in signed_in(world.mis_admin)
            .get(reverse("intake:system", args=[system.pk]))
            .content.decode()
        )
        assert (
            key_id
            not in signed_in(world.state_dataedits)
            .get(reverse("intake:system", args=[system.pk]))
            .content.decode()
        )


class TestCredentialPages:
    def test_issued_once_then_revoked(self, world):
        client = signed_in(world.mis_admin)
        response = client.post(reverse("intake:systems"), {"name": "UI claims"}, follow=True)
        system = response.context["system"]
        issued = client.post(
            reverse("intake:credential_create", args=[system.pk]), {"scopes": ["opt_out_selection"]}
        )
        token = issued.context["issued"].token
        assert token in issued.content.decode()
        assert token not in client.get(reverse("intake:system", args=[system.pk])).content.decode()
        sender = Sender(token)
        assert sender.select(ssn=world.seekers["own"].ssn, when="2026-01-05").status_code == 200
        credential = ServiceCredential.objects.get(system=system)
        client.post(reverse("intake:credential_revoke", args=[credential.pk]))
        assert sender.select(ssn=world.seekers["own"].ssn).status_code == 401
