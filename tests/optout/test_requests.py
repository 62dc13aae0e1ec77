"""The opt-in request's state machine (seed 000): every transition and every refusal, through the services."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from access.roles import Role
from audit.models import AuditEntry
from notifications.models import Notification
from optout.models import OptInRequest, OptOutChange
from optout.querysets import area_supervisors
from optout.services import (
    opt_in_request_file,
    opt_in_request_withdraw,
    opt_in_requests_remind_overdue,
    opt_out_lookup,
)
from optout.states import OPT_IN_REQUESTS, Action, Status
from optout.tasks import remind_overdue_opt_in_requests
from participants.models import Enrollment, Participant
from participants.services import enrollment_create
from portal.errors import PortalError
from tests.factories import OfficeFactory, ParticipantFactory, StaffFactory

from .conftest import assert_no_ssn, decide, file_request

pytestmark = pytest.mark.django_db


def entries_for(instance):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk)
    )


def supervisor(world, username, office=None, **fields):
    office = office or world.office_a
    values = {"organization": world.state, "role": Role.SUPERVISOR} | fields
    return StaffFactory(username=username, current_office=office, offices=[office], **values)


def test_the_transition_table_is_the_whole_machine():
    assert OPT_IN_REQUESTS.table == {
        (Status.FILED, Action.OPT_IN): Status.OPTED_IN,
        (Status.FILED, Action.REMAIN_OPTED_OUT): Status.REMAINED_OPTED_OUT,
        (Status.FILED, Action.WITHDRAW): Status.WITHDRAWN,
    }


class TestFile:
    def test_goes_to_the_supervisors_of_the_filers_area_by_email_and_queue_without_the_ssn(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        seeker = world.seekers["opted_out"]
        second = supervisor(world, "esd.supervisor2")
        # Not ESD WIOA supervisors of office A's area: restricted, deactivated, a partner, another area, a case manager.
        supervisor(world, "esd.restrictedsup", is_restricted=True)
        supervisor(world, "esd.inactivesup", is_active=False)
        supervisor(world, "partner.sup", organization=world.partner)
        supervisor(world, "esd.elsewhere", office=OfficeFactory(name="WorkSource Gamma"))
        assert set(area_supervisors(world.office_a.area)) == {world.esd_supervisor, second}

        with django_capture_on_commit_callbacks(execute=True):
            request = file_request(
                world, client_phone="(360) 555-0142", client_reason="Wants youth services."
            )

        assert request.status == Status.FILED
        assert (request.participant, request.filed_by, request.office, request.area) == (
            seeker,
            world.partner_case_manager,
            world.office_a,
            world.office_a.area,
        )
        assert not request.is_overdue
        assert list(OptInRequest.objects.in_queue_of(world.esd_supervisor)) == [request]
        assert list(OptInRequest.objects.in_queue_of(second)) == [request]
        assert {n.recipient for n in Notification.objects.all()} == {world.esd_supervisor, second}

        # Each supervisor's notice is emailed to them alone.
        assert sorted(email.to for email in mailoutbox) == sorted(
            [[world.esd_supervisor.email], [second.email]]
        )
        for email in mailoutbox:
            assert "Ophelia Optedout" in email.body and "(360) 555-0142" in email.body
            assert "Wants youth services." in email.body
            assert f"/optout/requests/{request.pk}/" in email.body
            assert_no_ssn(email.subject + email.body, seeker.ssn)

        entry = entries_for(request).get()
        assert entry.actor == world.partner_case_manager
        assert entry.additional_data == {"reason": "opt-in request filed"}

    def test_only_from_the_filers_own_client_opted_out_answer(self, world):
        colleague = StaffFactory(
            username="partner.colleague",
            organization=world.partner,
            current_office=world.office_a,
            offices=[world.office_a],
        )
        theirs = opt_out_lookup(actor=colleague, ssn=world.seekers["opted_out"].ssn)
        no_opt_out = opt_out_lookup(actor=world.partner_case_manager, ssn=world.seekers["own"].ssn)
        for lookup in (theirs, no_opt_out):
            with pytest.raises(
                PortalError, match="your own Opt-Out Lookup that answered CLIENT OPTED OUT"
            ):
                opt_in_request_file(
                    actor=world.partner_case_manager,
                    lookup=lookup,
                    client_name="Ophelia Optedout",
                    client_phone="(360) 555-0100",
                    client_reason="Wants services.",
                )
        assert not OptInRequest.objects.exists()

    def test_only_partner_case_managers_file(self, world):
        lookup = opt_out_lookup(
            actor=world.partner_case_manager, ssn=world.seekers["opted_out"].ssn
        )
        for role in ("lwdb_reviewer", "esd_case_manager", "esd_supervisor", "access_requester"):
            lookup.staff = world.people[role]  # even with a lookup of their own
            with pytest.raises(
                PortalError, match="Only partner case managers file opt-in requests."
            ):
                opt_in_request_file(
                    actor=world.people[role],
                    lookup=lookup,
                    client_name="Ophelia Optedout",
                    client_phone="(360) 555-0100",
                    client_reason="Wants services.",
                )
        assert not OptInRequest.objects.exists()

    def test_bad_input_gets_a_clear_message_and_changes_nothing(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        cases = [
            ({"client_name": "  "}, "Enter the client's name."),
            ({"client_phone": "555-0100"}, "phone number: 10 digits"),
            ({"client_reason": ""}, "Enter why the client wants to opt in."),
            (
                {"client_reason": "x" * 1001},
                "Keep why the client wants to opt in to 1000 characters.",
            ),
            ({"client_reason": "Her SSN is 987-65-4321."}, "Remove the Social Security number"),
            ({"client_name": "Ophelia 987654321"}, "Remove the Social Security number"),
        ]
        with django_capture_on_commit_callbacks(execute=True):
            for fields, message in cases:
                with pytest.raises(PortalError, match=message):
                    file_request(world, **fields)
        assert (
            not OptInRequest.objects.exists()
            and not Notification.objects.exists()
            and not mailoutbox
        )

    def test_refused_when_no_supervisor_serves_the_area(self, world):
        world.esd_supervisor.offices.set([world.office_b])
        with pytest.raises(PortalError) as refused:
            file_request(world)
        assert refused.value.code == "no_supervisor"
        assert "No ESD WIOA supervisor of" in refused.value.message
        assert not OptInRequest.objects.exists()

    def test_refused_when_the_client_no_longer_opts_out(self, world):
        seeker = world.seekers["opted_out"]
        lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=seeker.ssn)
        Participant.objects.filter(pk=seeker.pk).update(opted_out=False)
        with pytest.raises(PortalError, match="no longer opts out"):
            opt_in_request_file(
                actor=world.partner_case_manager,
                lookup=lookup,
                client_name="Ophelia Optedout",
                client_phone="(360) 555-0100",
                client_reason="Wants services.",
            )
        assert not OptInRequest.objects.exists()

    def test_one_open_request_per_client_and_case_manager(self, world):
        first = file_request(world)
        with pytest.raises(PortalError, match="already have an open opt-in request"):
            file_request(world)
        opt_in_request_withdraw(actor=world.partner_case_manager, opt_in_request=first)
        assert file_request(world).status == Status.FILED  # once withdrawn, a new one may be filed


class TestDecideOptIn:
    def test_clears_the_flag_at_once_keeps_the_history_and_tells_the_case_manager(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        seeker = world.seekers["opted_out"]
        request = file_request(world)
        assert (
            not Participant.objects.visible_to(world.partner_case_manager)
            .filter(pk=seeker.pk)
            .exists()
        )
        mailoutbox.clear()
        contacted = timezone.localdate()
        with django_capture_on_commit_callbacks(execute=True):
            decided = decide(
                world, request, Action.OPT_IN, client_contacted_on=contacted, note="Called her."
            )

        assert decided.status == Status.OPTED_IN
        assert (decided.decided_by, decided.client_contacted_on, decided.decision_note) == (
            world.esd_supervisor,
            contacted,
            "Called her.",
        )
        seeker.refresh_from_db()
        assert seeker.opted_out is False
        # The seeker becomes visible to partner staff on their next request.
        assert (
            Participant.objects.visible_to(world.partner_case_manager).filter(pk=seeker.pk).exists()
        )
        change = OptOutChange.objects.get(participant=seeker)
        assert (change.opted_out, change.changed_by, change.opt_in_request) == (
            False,
            world.esd_supervisor,
            request,
        )
        assert change.reason == f"opt-in request {request.pk}: the client opted in"

        seeker_update = entries_for(seeker).filter(action=AuditEntry.Action.UPDATE).get()
        assert seeker_update.actor == world.esd_supervisor
        assert seeker_update.changes_dict["opted_out"] == [True, False]
        assert seeker_update.additional_data == {"reason": change.reason}
        request_update = entries_for(request).filter(action=AuditEntry.Action.UPDATE).get()
        assert request_update.actor == world.esd_supervisor
        assert request_update.additional_data == {
            "reason": "opt-in request decided: Opt in: clear the seeker's opt-out"
        }

        note = Notification.objects.get(recipient=world.partner_case_manager)
        assert (
            note.message == "Ophelia Optedout opted in: find them with Quick Search in WorkSource."
        )
        assert note.read_at is None
        assert not Notification.objects.filter(
            recipient=world.esd_supervisor, read_at=None
        ).exists()
        [email] = mailoutbox
        assert email.to == [world.partner_case_manager.email]
        assert "opted in" in email.body and "Ophelia Optedout" in email.body
        assert_no_ssn(email.subject + email.body, seeker.ssn)
        assert seeker.customer_id not in email.body

    def test_needs_the_seeker_in_the_supervisors_current_office_then_add_seeker_to_office_works(
        self, world
    ):
        seeker = ParticipantFactory(
            first_name="Bea", last_name="Beta", opted_out=True, offices=[world.office_b]
        )
        request = file_request(world, seeker=seeker)
        with pytest.raises(PortalError) as refused:
            decide(world, request, Action.OPT_IN)
        assert refused.value.code == "not_enrolled_in_office"
        assert (
            refused.value.message
            == "Add the seeker to WorkSource Alpha (Add Seeker to Office) before opting them in."
        )
        seeker.refresh_from_db()
        request.refresh_from_db()
        assert seeker.opted_out and request.status == Status.FILED

        enrollment_create(actor=world.esd_supervisor, participants=[seeker])
        assert decide(world, request, Action.OPT_IN).status == Status.OPTED_IN

    def test_a_restricted_supervisor_may_not_opt_in(self, world):
        request = file_request(world)
        restricted = supervisor(world, "esd.restrictedsup", is_restricted=True)
        with pytest.raises(
            PortalError, match="Only an ESD WIOA supervisor records the client's decision."
        ):
            decide(world, request, Action.OPT_IN, actor=restricted)
        assert Participant.objects.get(pk=world.seekers["opted_out"].pk).opted_out

    def test_no_one_but_a_supervisor_decides(self, world):
        request = file_request(world)
        for role in (
            "partner_case_manager",
            "esd_case_manager",
            "esd_restricted",
            "auditor",
            "lwdb_reviewer",
        ):
            for decision in (Action.OPT_IN, Action.REMAIN_OPTED_OUT):
                with pytest.raises(PortalError) as refused:
                    decide(
                        world, request, decision, actor=world.people[role], esd_staff_offered=True
                    )
                assert refused.value.code == "not_supervisor"
        request.refresh_from_db()
        assert request.status == Status.FILED
        assert Participant.objects.get(pk=world.seekers["opted_out"].pk).opted_out

    def test_a_supervisor_of_another_area_may_not_decide(self, world):
        request = file_request(world)
        elsewhere = supervisor(
            world, "esd.elsewhere", office=OfficeFactory(name="WorkSource Gamma")
        )
        with pytest.raises(PortalError, match="another workforce development area"):
            decide(world, request, Action.REMAIN_OPTED_OUT, actor=elsewhere, esd_staff_offered=True)
        request.refresh_from_db()
        assert request.status == Status.FILED

    @pytest.mark.parametrize(
        "days,message", [(1, "cannot be in the future"), (-2, "before the request was filed")]
    )
    def test_the_contact_date_is_between_filing_and_today(self, world, days, message):
        request = file_request(world)
        with pytest.raises(PortalError, match=message):
            decide(
                world,
                request,
                Action.OPT_IN,
                client_contacted_on=timezone.localdate() + timedelta(days=days),
            )
        with pytest.raises(PortalError, match="Enter the date you talked to the client."):
            decide(world, request, Action.OPT_IN, client_contacted_on=None)
        assert Participant.objects.get(pk=world.seekers["opted_out"].pk).opted_out

    def test_an_unknown_decision_is_refused(self, world):
        request = file_request(world)
        with pytest.raises(PortalError, match="Choose the client's decision"):
            decide(world, request, Action.WITHDRAW)


class TestDecideRemainOptedOut:
    def test_records_the_offer_keeps_the_flag_and_tells_the_case_manager(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        seeker = world.seekers["opted_out"]
        request = file_request(world)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            decided = decide(world, request, Action.REMAIN_OPTED_OUT, esd_staff_offered=True)
        assert decided.status == Status.REMAINED_OPTED_OUT and decided.esd_staff_offered
        assert Participant.objects.get(pk=seeker.pk).opted_out
        assert not OptOutChange.objects.exists()
        assert Notification.objects.get(recipient=world.partner_case_manager).message == (
            "Ophelia Optedout asked to remain opted out."
        )
        [email] = mailoutbox
        assert "remain opted out" in email.body and "ESD WIOA staff member" in email.body
        assert_no_ssn(email.subject + email.body, seeker.ssn)
        assert seeker.customer_id not in email.body

    def test_needs_the_offer_of_an_esd_wioa_staff_member(self, world):
        request = file_request(world)
        with pytest.raises(
            PortalError, match="offered the client to work with an ESD WIOA staff member"
        ):
            decide(world, request, Action.REMAIN_OPTED_OUT, esd_staff_offered=False)
        request.refresh_from_db()
        assert request.status == Status.FILED

    def test_needs_no_enrollment(self, world):
        seeker = ParticipantFactory(
            first_name="Bea", last_name="Beta", opted_out=True, offices=[world.office_b]
        )
        request = file_request(world, seeker=seeker)
        assert (
            decide(world, request, Action.REMAIN_OPTED_OUT, esd_staff_offered=True).status
            == Status.REMAINED_OPTED_OUT
        )


class TestOutOfOrder:
    @staticmethod
    def attempt(world, request, action):
        if action == Action.WITHDRAW:
            return opt_in_request_withdraw(actor=world.partner_case_manager, opt_in_request=request)
        return decide(world, request, action, esd_staff_offered=True)

    @pytest.mark.parametrize(
        "first,message",
        [
            (Action.OPT_IN, "its status is “Decided: the client opted in”."),
            (Action.REMAIN_OPTED_OUT, "its status is “Decided: the client remains opted out”."),
        ],
    )
    def test_a_decided_request_is_never_decided_again_nor_withdrawn(self, world, first, message):
        request = file_request(world)
        decided = decide(world, request, first, esd_staff_offered=True)
        for second in (Action.OPT_IN, Action.REMAIN_OPTED_OUT, Action.WITHDRAW):
            with pytest.raises(PortalError) as refused:
                self.attempt(world, request, second)
            assert refused.value.code == "bad_transition"
            assert refused.value.message == (
                f"This opt-in request cannot be {second.label} now: {message}"
            )
        request.refresh_from_db()
        assert (request.status, request.decided_at) == (decided.status, decided.decided_at)

    def test_a_withdrawn_request_cannot_move(self, world):
        request = file_request(world)
        opt_in_request_withdraw(actor=world.partner_case_manager, opt_in_request=request)
        for action in (Action.OPT_IN, Action.REMAIN_OPTED_OUT, Action.WITHDRAW):
            with pytest.raises(PortalError, match="its status is “Withdrawn by the case manager”"):
                self.attempt(world, request, action)
        request.refresh_from_db()
        assert request.status == Status.WITHDRAWN
        assert Participant.objects.get(pk=world.seekers["opted_out"].pk).opted_out


class TestWithdraw:
    def test_the_filer_withdraws_a_waiting_request_and_it_leaves_the_queue(self, world):
        request = file_request(world)
        assert Notification.objects.filter(recipient=world.esd_supervisor, read_at=None).exists()
        withdrawn = opt_in_request_withdraw(
            actor=world.partner_case_manager, opt_in_request=request
        )
        assert withdrawn.status == Status.WITHDRAWN and withdrawn.withdrawn_at is not None
        assert not OptInRequest.objects.in_queue_of(world.esd_supervisor).open().exists()
        # Nothing left for the supervisors to do: their notification about it is settled.
        assert not Notification.objects.filter(
            recipient=world.esd_supervisor, read_at=None
        ).exists()
        entry = entries_for(request).filter(action=AuditEntry.Action.UPDATE).get()
        assert entry.actor == world.partner_case_manager
        assert entry.additional_data == {"reason": "opt-in request withdrawn"}

    def test_only_the_filer_withdraws(self, world):
        request = file_request(world)
        for role in ("esd_supervisor", "lwdb_reviewer", "esd_case_manager"):
            with pytest.raises(
                PortalError, match="Only the case manager who filed this request may withdraw it."
            ):
                opt_in_request_withdraw(actor=world.people[role], opt_in_request=request)
        request.refresh_from_db()
        assert request.status == Status.FILED


class TestOverdue:
    def test_overdue_after_the_configured_days_and_the_queue_is_oldest_first(self, world, settings):
        other_seeker = ParticipantFactory(
            first_name="Otto", last_name="Optout", opted_out=True, offices=[world.office_a]
        )
        start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.get_current_timezone())
        with time_machine.travel(start, tick=False) as clock:
            older = file_request(world)
            clock.shift(timedelta(days=2))
            newer = file_request(world, seeker=other_seeker)
            assert list(OptInRequest.objects.in_queue_of(world.esd_supervisor).open()) == [
                older,
                newer,
            ]
            clock.shift(timedelta(days=27, hours=23))
            assert not older.is_overdue
            clock.shift(timedelta(hours=1))  # 30 days since the older one was filed
            assert older.is_overdue and not newer.is_overdue
            assert list(OptInRequest.objects.overdue()) == [older]
            settings.OPTOUT_REQUEST_OVERDUE_DAYS = 10
            assert newer.is_overdue
            decide(world, older, Action.REMAIN_OPTED_OUT, esd_staff_offered=True)
            older.refresh_from_db()
            assert not older.is_overdue  # decided: no longer waiting
            assert list(OptInRequest.objects.overdue()) == [newer]

    def test_the_default_is_30_days(self):
        assert django_settings.OPTOUT_REQUEST_OVERDUE_DAYS == 30


class TestReminders:
    def test_emails_the_supervisors_once_then_every_few_days_and_nothing_twice(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.get_current_timezone())
        with time_machine.travel(start, tick=False) as clock:
            waiting = file_request(world)
            decided = file_request(
                world, seeker=ParticipantFactory(opted_out=True, offices=[world.office_a])
            )
            clock.shift(timedelta(days=5))
            fresh = file_request(
                world, seeker=ParticipantFactory(opted_out=True, offices=[world.office_a])
            )
            decide(world, decided, Action.REMAIN_OPTED_OUT, esd_staff_offered=True)
            mailoutbox.clear()

            clock.shift(timedelta(days=25))  # the first two filed 30 days ago, `fresh` 25
            with django_capture_on_commit_callbacks(execute=True):
                assert remind_overdue_opt_in_requests() == 1
            with django_capture_on_commit_callbacks(execute=True):
                assert remind_overdue_opt_in_requests() == 0  # run twice: nothing sent twice
            [email] = mailoutbox
            assert email.subject.startswith("Overdue opt-in request")
            assert email.to == [world.esd_supervisor.email]
            assert f"/optout/requests/{waiting.pk}/" in email.body
            assert_no_ssn(email.subject + email.body, world.seekers["opted_out"].ssn)
            waiting.refresh_from_db()
            assert waiting.reminded_at == timezone.now()
            entry = entries_for(waiting).filter(action=AuditEntry.Action.UPDATE).get()
            # No person acted: the entry names the task that did.
            assert entry.actor is None and entry.additional_data == {
                "reason": "overdue opt-in request: reminder emailed",
                "actor_task": "optout.tasks.remind_overdue_opt_in_requests",
            }

            clock.shift(
                timedelta(days=5)
            )  # `fresh` is overdue now; `waiting` was reminded 5 days ago
            with django_capture_on_commit_callbacks(execute=True):
                assert opt_in_requests_remind_overdue() == 1
            assert f"/optout/requests/{fresh.pk}/" in mailoutbox[-1].body
            clock.shift(timedelta(days=2))  # a week since `waiting` was reminded
            with django_capture_on_commit_callbacks(execute=True):
                assert opt_in_requests_remind_overdue() == 1
            assert f"/optout/requests/{waiting.pk}/" in mailoutbox[-1].body
            assert len(mailoutbox) == 3

    def test_the_beat_schedule_runs_the_reminders(self):
        tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
        assert "optout.tasks.remind_overdue_opt_in_requests" in tasks


def test_the_filers_area_decides_the_supervisors_not_the_seekers_offices(world):
    """The filer's area decides the supervisors, not the seeker's offices."""
    seeker = ParticipantFactory(
        first_name="Ann", last_name="Elsewhere", opted_out=True, offices=[world.office_b]
    )
    request = file_request(world, seeker=seeker)
    assert request.area == world.office_a.area
    assert not Enrollment.objects.filter(participant=seeker, office=world.office_a).exists()
