"""Changing the flag directly (seed 001, "Process for ESD staff"): the service and View / Edit participant."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from notifications.models import Notification
from optout.models import OptOutChange, Status
from optout.services import participant_set_opt_out
from participants.models import Participant
from portal.errors import PortalError

from .conftest import file_request

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record_form(seeker, **extra) -> dict:
    """What View / Edit participant posts for `seeker`, unchanged, plus `extra`."""
    return {"first_name": seeker.first_name, "last_name": seeker.last_name} | extra


def visible_to_partner(world, seeker) -> bool:
    return Participant.objects.visible_to(world.partner_case_manager).filter(pk=seeker.pk).exists()


class TestService:
    def test_setting_takes_effect_at_once_with_history_and_audit(self, world):
        seeker = world.seekers["own"]
        participant_set_opt_out(actor=world.esd_case_manager, participant=seeker, opted_out=True)
        assert Participant.objects.get(pk=seeker.pk).opted_out
        assert not visible_to_partner(world, seeker)
        change = OptOutChange.objects.get(participant=seeker)
        assert (change.opted_out, change.changed_by, change.opt_in_request) == (
            True,
            world.esd_case_manager,
            None,
        )
        assert change.reason == "the seeker asked not to share data with partner staff"
        entry = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(Participant),
            object_pk=str(seeker.pk),
            action=AuditEntry.Action.UPDATE,
        )
        assert entry.actor == world.esd_case_manager and entry.additional_data == {
            "reason": change.reason
        }

    def test_clearing_needs_a_reason(self, world):
        seeker = world.seekers["opted_out"]
        with pytest.raises(PortalError) as refused:
            participant_set_opt_out(
                actor=world.esd_case_manager, participant=seeker, opted_out=False, reason="  "
            )
        assert refused.value.code == "reason_required"
        assert Participant.objects.get(pk=seeker.pk).opted_out and not OptOutChange.objects.exists()
        participant_set_opt_out(
            actor=world.esd_case_manager,
            participant=seeker,
            opted_out=False,
            reason="Client asked in person to share data.",
        )
        assert visible_to_partner(world, seeker)
        assert OptOutChange.objects.get().reason == "Client asked in person to share data."

    def test_clearing_with_the_opt_in_request_it_answers_decides_the_request(self, world):
        seeker = world.seekers["opted_out"]
        request = file_request(world)
        participant_set_opt_out(
            actor=world.esd_supervisor, participant=seeker, opted_out=False, opt_in_request=request
        )
        request.refresh_from_db()
        assert request.status == Status.OPTED_IN and request.decided_by == world.esd_supervisor
        assert OptOutChange.objects.get().opt_in_request == request
        assert Notification.objects.filter(recipient=world.partner_case_manager).exists()

    def test_an_opt_in_request_is_answered_only_by_clearing_for_its_own_seeker(self, world):
        request = file_request(world)
        with pytest.raises(PortalError, match="answered by clearing Opt-Out"):
            participant_set_opt_out(
                actor=world.esd_supervisor,
                participant=world.seekers["opted_out"],
                opted_out=True,
                opt_in_request=request,
            )
        with pytest.raises(PortalError, match="about another seeker"):
            participant_set_opt_out(
                actor=world.esd_supervisor,
                participant=world.seekers["own"],
                opted_out=False,
                opt_in_request=request,
            )
        with pytest.raises(PortalError, match="Only an ESD WIOA supervisor"):
            participant_set_opt_out(
                actor=world.esd_case_manager,
                participant=world.seekers["opted_out"],
                opted_out=False,
                opt_in_request=request,
            )
        request.refresh_from_db()
        assert request.status == Status.FILED

    def test_only_non_restricted_esd_staff_who_edit(self, world):
        seeker = world.seekers["own"]
        for role, code in [
            ("partner_case_manager", "cannot_change_opt_out"),
            ("esd_restricted", "cannot_change_opt_out"),
            ("lwdb_reviewer", "cannot_change_opt_out"),
            ("auditor", "role_cannot_edit"),
        ]:
            with pytest.raises(PortalError) as refused:
                participant_set_opt_out(
                    actor=world.people[role], participant=seeker, opted_out=True
                )
            assert refused.value.code == code, role
        assert (
            not Participant.objects.get(pk=seeker.pk).opted_out
            and not OptOutChange.objects.exists()
        )

    def test_only_for_a_seeker_in_the_current_office(self, world):
        seeker = world.seekers["other"]
        with pytest.raises(PortalError, match="Add this seeker to your office to edit."):
            participant_set_opt_out(
                actor=world.esd_case_manager, participant=seeker, opted_out=True
            )
        assert not Participant.objects.get(pk=seeker.pk).opted_out

    def test_no_change_writes_nothing(self, world):
        entries = AuditEntry.objects.count()
        # Setting the flag a seeker already has, either way: no history, no audit entry, no change.
        participant_set_opt_out(
            actor=world.esd_case_manager, participant=world.seekers["own"], opted_out=False
        )
        participant_set_opt_out(
            actor=world.esd_case_manager, participant=world.seekers["opted_out"], opted_out=True
        )
        assert not OptOutChange.objects.exists() and AuditEntry.objects.count() == entries
        assert Participant.objects.get(pk=world.seekers["opted_out"].pk).opted_out
        assert not Participant.objects.get(pk=world.seekers["own"].pk).opted_out

    def test_the_reason_holds_no_ssn(self, world):
        with pytest.raises(PortalError, match="Remove the Social Security number"):
            participant_set_opt_out(
                actor=world.esd_case_manager,
                participant=world.seekers["opted_out"],
                opted_out=False,
                reason="verified 987-65-4321",
            )
        assert Participant.objects.get(pk=world.seekers["opted_out"].pk).opted_out


class TestRecordPage:
    def page(self, user, seeker):
        response = signed_in(user).get(reverse("participants:detail", args=[seeker.pk]))
        assert response.status_code == 200
        return response.content.decode()

    def test_the_box_is_rendered_only_for_non_restricted_esd_staff(self, world):
        seeker = world.seekers["own"]
        box = re.compile(r'<input[^>]*name="optout-opted_out"[^>]*>')
        editable = box.search(self.page(world.esd_case_manager, seeker)).group(0)
        assert "disabled" not in editable
        for role in ("esd_restricted", "partner_case_manager", "lwdb_reviewer"):
            assert not box.search(self.page(world.people[role], seeker)), role

    def test_the_box_is_disabled_with_the_reason_outside_the_current_office(self, world):
        page = self.page(world.esd_case_manager, world.seekers["other"])
        box = re.search(r'<input[^>]*name="optout-opted_out"[^>]*>', page).group(0)
        assert "disabled" in box
        assert "Opt-Out cannot be changed now: Add this seeker to your office to edit." in page
        auditor_page = self.page(world.auditor, world.seekers["own"])
        assert (
            "Opt-Out cannot be changed now: Your role can view seekers but not edit them."
            in auditor_page
        )

    @pytest.mark.parametrize("role", ["partner_case_manager", "esd_restricted"])
    def test_a_forged_post_changes_nothing_and_is_refused(self, world, role):
        seeker = world.seekers["own"]
        forged = record_form(
            seeker, **{"optout-shown": "True", "optout-opted_out": "on", "phone": "(360) 555-0199"}
        )
        response = signed_in(world.people[role]).post(
            reverse("participants:detail", args=[seeker.pk]), forged
        )
        assert response.status_code == 403
        seeker.refresh_from_db()
        assert not seeker.opted_out and seeker.phone == ""
        assert not OptOutChange.objects.exists()

    def test_a_forged_post_on_a_hidden_seeker_answers_404(self, world):
        seeker = world.seekers["opted_out"]
        forged = record_form(seeker, **{"optout-shown": "True", "optout-reason": "forged"})
        response = signed_in(world.partner_case_manager).post(
            reverse("participants:detail", args=[seeker.pk]), forged
        )
        assert response.status_code == 404
        assert Participant.objects.get(pk=seeker.pk).opted_out

    def test_setting_it_hides_the_seeker_from_partner_pages_and_counts_already_open(self, world):
        seeker = world.seekers["own"]
        partner = signed_in(world.partner_case_manager)
        search = partner.post(
            reverse("participants:search"), {"q": "Ownoffice", "scope": "worksource"}
        )
        # The results answer the POST; the open page's address is the remembered search's.
        results_url = f"{reverse('participants:search')}?s={search.context['token']}"
        before = partner.get(results_url).content.decode()
        assert "Total Participants: 1" in before and "Ownoffice, Olivia" in before

        esd = signed_in(world.esd_case_manager)
        saved = esd.post(
            reverse("participants:detail", args=[seeker.pk]),
            record_form(seeker, **{"optout-shown": "True", "optout-opted_out": "on"}),
        )
        assert saved.status_code == 302
        page = esd.get(saved["Location"]).content.decode()
        assert "Saved." in page and "Opted out: visible to state (ESD) staff only" in page
        assert (
            "Opt-out history" in page
            and "the seeker asked not to share data with partner staff" in page
        )

        # The partner's next request: the open results page and the record no longer hold the seeker.
        reloaded = partner.get(results_url).content.decode()
        assert "Total Participants: 0" in reloaded and "Ownoffice, Olivia" not in reloaded
        assert partner.get(reverse("participants:detail", args=[seeker.pk])).status_code == 404

    def test_clearing_without_a_reason_is_refused_with_a_message(self, world):
        seeker = world.seekers["opted_out"]
        esd = signed_in(world.esd_case_manager)
        url = reverse("participants:detail", args=[seeker.pk])
        refused = esd.post(
            url, record_form(seeker, **{"optout-shown": "True", "phone": "(360) 555-0199"})
        )
        assert refused.status_code == 400
        assert "Give the reason for clearing Opt-Out" in refused.content.decode()
        seeker.refresh_from_db()
        assert seeker.opted_out and seeker.phone == ""  # nothing saved, not even the phone

        cleared = esd.post(
            url,
            record_form(
                seeker, **{"optout-shown": "True", "optout-reason": "Client asked at the desk."}
            ),
        )
        assert cleared.status_code == 302
        assert visible_to_partner(world, seeker)
        history = esd.get(url).content.decode()
        assert "Client asked at the desk." in history and "Opted in" in history

    def test_the_supervisor_answers_the_opt_in_request_from_the_record(self, world):
        seeker = world.seekers["opted_out"]
        request = file_request(world)
        supervisor = signed_in(world.esd_supervisor)
        url = reverse("participants:detail", args=[seeker.pk])
        assert f"Request {request.pk}, filed" in supervisor.get(url).content.decode()
        answered = supervisor.post(
            url,
            record_form(seeker, **{"optout-shown": "True", "optout-opt_in_request": request.pk}),
        )
        assert answered.status_code == 302
        request.refresh_from_db()
        assert request.status == Status.OPTED_IN
        assert (
            f"Request {request.pk}, filed" in supervisor.get(url).content.decode()
        )  # in the history now

    def test_keeping_the_box_checked_while_naming_a_request_is_refused(self, world):
        seeker = world.seekers["opted_out"]
        request = file_request(world)
        response = signed_in(world.esd_supervisor).post(
            reverse("participants:detail", args=[seeker.pk]),
            record_form(
                seeker,
                **{
                    "optout-shown": "True",
                    "optout-opted_out": "on",
                    "optout-opt_in_request": request.pk,
                },
            ),
        )
        assert response.status_code == 400
        assert "To answer the opt-in request, clear the Opt-Out box." in response.content.decode()
        request.refresh_from_db()
        assert request.status == Status.FILED

    def test_a_save_without_the_box_leaves_the_flag_alone(self, world):
        seeker = world.seekers["opted_out"]
        response = signed_in(world.esd_case_manager).post(
            reverse("participants:detail", args=[seeker.pk]),
            record_form(seeker, phone="(360) 555-0199"),
        )
        assert response.status_code == 302
        seeker.refresh_from_db()
        assert seeker.opted_out and seeker.phone == "(360) 555-0199"

    def test_the_history_is_shown_to_state_staff_only(self, world):
        seeker = world.seekers["own"]
        participant_set_opt_out(actor=world.esd_case_manager, participant=seeker, opted_out=True)
        participant_set_opt_out(
            actor=world.esd_case_manager,
            participant=seeker,
            opted_out=False,
            reason="Changed her mind.",
        )
        for role in ("esd_restricted", "auditor", "state_dataedits"):
            page = self.page(world.people[role], seeker)
            assert "Opt-out history" in page and "Changed her mind." in page, role
        for role in ("partner_case_manager", "lwdb_reviewer"):
            page = self.page(world.people[role], seeker)
            assert "Opt-out history" not in page and "Changed her mind." not in page, role


@pytest.mark.django_db
def test_new_seekers_default_to_opted_in(world):
    """Seed 001: "Seekers default to Opt-In status when account is created"."""
    from participants.services import participant_create

    seeker = participant_create(
        actor=None, first_name="Nina", last_name="Newcomer", ssn="917-43-8265"
    )
    assert Participant.objects.get(pk=seeker.pk).opted_out is False
    assert visible_to_partner(world, seeker)
