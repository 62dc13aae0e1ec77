"""The intake API: credentials and scopes, idempotency, field errors, held SSNs, opt-out selections."""

import json
import logging
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from intake.models import HeldRegistration, IntakeEvent, Registration, Scope
from intake.services import credential_create, credential_revoke
from optout.models import OptInRequest, OptOutChange, OptOutLookup, Status
from optout.services import participant_set_opt_out
from participants.models import Enrollment, Participant
from portal.errors import PortalError

from .conftest import REGISTRATION, Sender

pytestmark = pytest.mark.django_db

SSN = "917-43-8265"
NOW = datetime.fromisoformat("2026-12-01T09:00:00-08:00")


class TestCredentials:
    def test_no_token_or_a_wrong_one_is_refused(self, sender):
        response = Client().post(reverse(REGISTRATION), "{}", content_type="application/json")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        key_id = sender.token.split(".")[0]
        assert sender.post(REGISTRATION, {}, token=f"{key_id}.wrong").status_code == 401
        assert sender.post(REGISTRATION, {}, token="nonsense").status_code == 401

    def test_a_revoked_credential_is_refused_on_its_very_next_call(self, world, sender):
        assert sender.register().status_code == 201
        from intake.models import ServiceCredential

        credential_revoke(actor=world.mis_admin, credential=ServiceCredential.objects.get())
        response = sender.register(first_name="Rosalind")
        assert response.status_code == 401
        assert Participant.objects.get(registrations__external_id="R-1").first_name == "Rosa"

    def test_a_scope_not_granted_is_refused(self, world, system):
        token = credential_create(
            actor=world.mis_admin, system=system, scopes=[Scope.OPT_OUT_SELECTION]
        ).token
        response = Sender(token).register()
        assert response.status_code == 403
        assert response.json()["code"] == "scope_not_granted"
        assert not Registration.objects.exists()

    def test_only_the_mis_admin_creates_and_revokes(self, world, system):
        for person in (world.state_dataedits, world.access_management, world.auditor):
            with pytest.raises(PortalError):
                credential_create(actor=person, system=system, scopes=[Scope.REGISTRATION])

    def test_the_secret_is_stored_hashed(self, world, system):
        issued = credential_create(actor=world.mis_admin, system=system, scopes=["registration"])
        secret = issued.token.split(".", 1)[1]
        assert secret not in issued.credential.secret_hash
        assert len(issued.credential.secret_hash) == 64

    def test_the_service_account_cannot_sign_in(self, system):
        account = system.service_account
        assert not account.is_active and not account.has_usable_password()
        client = Client()
        client.post(reverse("login"), {"username": account.username, "password": ""})
        assert client.get(reverse("portal:dashboard")).status_code == 302


class TestRegistration:
    def test_creates_the_seeker_opted_in_and_updates_by_registration_id(self, world, sender):
        response = sender.register(ssn=SSN, office=world.office_a.name, date_of_birth="1984-07-02")
        assert response.status_code == 201, response.content
        seeker = Participant.objects.get(customer_id=response.json()["customer_id"])
        assert not seeker.opted_out and seeker.ssn == SSN.replace("-", "")
        assert Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()
        again = sender.register(ssn=SSN, last_name="Reyes-Ortiz", city="Olympia")
        assert again.status_code == 200 and again.json()["outcome"] == "updated"
        seeker.refresh_from_db()
        assert (seeker.last_name, seeker.city) == ("Reyes-Ortiz", "Olympia")
        assert Participant.objects.filter(registrations__external_id="R-1").count() == 1

    def test_audited_with_the_sending_system_as_the_actor(self, sender, system):
        sender.register(ssn=SSN)
        seeker = Participant.objects.get(registrations__external_id="R-1")
        entry = AuditEntry.objects.get_for_object(seeker).get()
        assert entry.actor == system.service_account
        assert "registration R-1 from Job Match" in entry.additional_data["reason"]

    def test_an_ssn_of_another_seeker_is_held_not_merged(self, world, sender):
        other = world.seekers["own"]
        count = Participant.objects.count()
        response = sender.register(registration_id="R-9", ssn=other.ssn)
        assert response.status_code == 202 and response.json()["outcome"] == "held"
        assert Participant.objects.count() == count
        held = HeldRegistration.objects.get()
        assert held.conflicting_participant == other and held.fields["first_name"] == "Rosa"
        # The same registration again waits in the same place.
        sender.register(registration_id="R-9", ssn=other.ssn, first_name="Rosalía")
        assert HeldRegistration.objects.get().fields["first_name"] == "Rosalía"

    def test_field_errors_a_program_can_read(self, sender):
        response = sender.register(
            first_name="", date_of_birth="2026-02-30", ssn="12345", email="nope", state="Wash"
        )
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid"
        assert set(body["errors"]) == {"first_name", "date_of_birth", "ssn", "email", "state"}
        assert all(isinstance(m, list) and m for m in body["errors"].values())
        assert not Participant.objects.filter(first_name="").exists()

    def test_type_errors_and_unknown_fields_are_field_errors_too(self, sender):
        response = sender.register(first_name=12, nickname="Ro")
        assert response.status_code == 422
        assert set(response.json()["errors"]) == {"first_name", "nickname"}

    def test_an_ssn_in_a_name_is_refused_without_echoing_it(self, sender):
        response = sender.register(middle_name=SSN)
        assert response.status_code == 422
        assert SSN not in response.content.decode()
        assert "middle_name" in response.json()["errors"]

    def test_the_year_9999_and_an_unknown_office(self, sender):
        response = sender.register(date_of_birth="9999-12-31", office="Nowhere")
        assert set(response.json()["errors"]) == {"date_of_birth", "office"}


class TestIdempotency:
    def test_the_same_key_and_body_answers_the_stored_response(self, sender):
        body = {"registration_id": "R-1", "first_name": "Rosa", "last_name": "Reyes"}
        first = sender.post(REGISTRATION, body, key="k-1")
        second = sender.post(REGISTRATION, body, key="k-1")
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json() == second.json()
        assert Participant.objects.filter(registrations__external_id="R-1").count() == 1
        assert IntakeEvent.objects.count() == 1

    def test_the_same_key_with_another_body_is_refused(self, sender):
        sender.post(
            REGISTRATION, {"registration_id": "R-1", "first_name": "A", "last_name": "B"}, key="k"
        )
        response = sender.post(
            REGISTRATION, {"registration_id": "R-1", "first_name": "C", "last_name": "B"}, key="k"
        )
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert Participant.objects.get(registrations__external_id="R-1").first_name == "A"

    def test_a_key_is_required(self, sender):
        response = sender.client.post(
            reverse(REGISTRATION),
            json.dumps({"registration_id": "R-1", "first_name": "A", "last_name": "B"}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {sender.token}"},
        )
        assert response.status_code == 422
        assert "Idempotency-Key" in response.json()["errors"]


class TestOptOutSelection:
    @pytest.fixture(autouse=True)
    def today(self):
        with time_machine.travel(NOW, tick=False):
            yield

    def seeker(self, world, sender) -> Participant:
        sender.register(ssn=SSN, office=world.office_a.name)
        return Participant.objects.get(registrations__external_id="R-1")

    def test_applied_with_its_source_and_seen_by_the_gate_on_the_next_request(self, world, sender):
        seeker = self.seeker(world, sender)
        partner = Client()
        partner.force_login(world.partner_case_manager)
        detail = reverse("participants:detail", args=[seeker.pk])
        assert partner.get(detail).status_code == 200
        response = sender.select(ssn=SSN)
        assert response.status_code == 200 and response.json()["outcome"] == "applied"
        assert partner.get(detail).status_code == 404
        change = OptOutChange.objects.get(participant=seeker)
        assert change.opted_out and change.reason == "UI claim 1234, 2026-11-30: opted out"
        assert change.changed_by.sending_system.name == "Job Match"

    def test_by_registration_id(self, world, sender):
        seeker = self.seeker(world, sender)
        assert sender.select(registration_id="R-1").json()["outcome"] == "applied"
        assert Participant.objects.get(pk=seeker.pk).opted_out

    def test_an_older_selection_does_not_undo_a_newer_supervisor_decision(self, world, sender):
        seeker = self.seeker(world, sender)
        with time_machine.travel(NOW - timedelta(days=3), tick=False):
            sender.select(ssn=SSN, when="2026-11-27T10:00:00-08:00")
        with time_machine.travel(NOW - timedelta(hours=2), tick=False):
            participant_set_opt_out(
                actor=world.esd_supervisor,
                participant=seeker,
                opted_out=False,
                reason="the client asked to share data",
            )
        late = sender.select(ssn=SSN, claim_id="5678", when="2026-11-30T10:00:00-08:00")
        assert late.json()["outcome"] == "not_applied"
        assert not Participant.objects.get(pk=seeker.pk).opted_out
        history = list(OptOutChange.objects.filter(participant=seeker).order_by("changed_at"))
        assert [c.reason.split(":")[0] for c in history] == [
            "UI claim 1234, 2026-11-27",
            "UI claim 5678, 2026-11-30",
            "the client asked to share data",
        ]
        assert "not applied" in history[1].reason and not history[1].opted_out

    def test_an_older_selection_does_not_undo_a_newer_decision_to_remain_opted_out(
        self, world, sender
    ):
        """A supervisor's "remain opted out" changes no flag, and is a decision all the same."""
        seeker = self.seeker(world, sender)
        with time_machine.travel(NOW - timedelta(days=5), tick=False):
            first = sender.select(ssn=SSN, when="2026-11-26T08:00:00-08:00", opted_out=True)
        assert first.json()["outcome"] == "applied"
        lookup = OptOutLookup.objects.create(
            staff=world.partner_case_manager,
            ssn_index=seeker.ssn_index,
            result=OptOutLookup.Result.OPTED_OUT,
            participant=seeker,
        )
        OptInRequest.objects.create(
            participant=seeker,
            lookup=lookup,
            filed_by=world.partner_case_manager,
            office=world.office_a,
            area=world.office_a.area,
            client_name="Rosa Reyes",
            client_phone="3605550100",
            client_reason="Asked about sharing her data.",
            status=Status.REMAINED_OPTED_OUT,
            decided_by=world.esd_supervisor,
            decided_at=NOW - timedelta(hours=2),
        )
        late = sender.select(
            ssn=SSN, claim_id="5678", when="2026-11-29T10:00:00-08:00", opted_out=False
        )
        assert late.json()["outcome"] == "not_applied"
        assert Participant.objects.get(pk=seeker.pk).opted_out

    def test_a_newer_selection_wins_over_an_older_decision(self, world, sender):
        seeker = self.seeker(world, sender)
        sender.select(ssn=SSN, when="2026-11-20", opted_out=True)
        sender.select(ssn=SSN, when="2026-11-25", opted_out=False, claim_id="99")
        assert not Participant.objects.get(pk=seeker.pk).opted_out

    def test_an_unknown_seeker_and_a_future_choice_are_refused(self, world, sender):
        self.seeker(world, sender)
        unknown = sender.select(ssn="917-43-8299")
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_seeker"
        future = sender.select(ssn=SSN, when="2026-12-25")
        assert future.status_code == 422 and "when" in future.json()["errors"]
        assert sender.select(ssn=None).json()["errors"].keys() == {"ssn"}

    def test_a_newly_opted_out_seekers_tickets_are_routed(self, world, sender, monkeypatch):
        seeker = self.seeker(world, sender)
        routed = []
        monkeypatch.setattr(
            "optout.services.tickets_route_for_opted_out",
            lambda participant: routed.append(participant.pk),
        )
        sender.select(ssn=SSN)
        assert routed == [seeker.pk]


def test_no_ssn_in_logs_the_audit_trail_or_answers(world, sender, caplog):
    caplog.set_level(logging.DEBUG)
    answers = [
        sender.register(ssn=SSN),
        sender.register(registration_id="R-2", ssn=SSN),  # held
        sender.register(registration_id="R-3", ssn="917438265x"),
        sender.select(ssn=SSN, when=timezone.now().isoformat()),
        sender.select(ssn="917-43-8266"),
    ]
    digits = SSN.replace("-", "")
    texts = [a.content.decode() for a in answers] + [r.getMessage() for r in caplog.records]
    texts += [
        json.dumps(e.changes) + json.dumps(e.additional_data) for e in AuditEntry.objects.all()
    ]
    texts += [e.message for e in IntakeEvent.objects.all()]
    for text in texts:
        assert SSN not in text and digits not in text and "917438266" not in text


def test_the_openapi_schema_is_served(client):
    response = client.get(reverse("intake_api:openapi-json"))
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/intake/v1/registrations", "/api/intake/v1/opt-out-selections"} <= set(paths)
    [header] = paths["/api/intake/v1/registrations"]["post"]["parameters"]
    assert (header["name"], header["in"], header["required"]) == ("Idempotency-Key", "header", True)
