"""Access requests (policy 1021 i-k): each kind, each refusal, four eyes, the emails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.models import AccessRequest, Contract, Staff
from access.roles import Role
from access.selectors import requester_offices
from access.services import (
    access_request_add,
    access_request_approve,
    access_request_change,
    access_request_disable,
    access_request_reject,
    access_request_withdraw,
    requester_designate,
    requester_undesignate,
)
from audit.models import AuditEntry
from portal.errors import PortalError
from tests.factories import OfficeFactory, OrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def add(world, **overrides):
    fields = dict(
        actor=world.access_requester,
        first_name="Pat",
        last_name="Newhire",
        email="Pat.Newhire@example.org",
        organization=world.partner,
        role=Role.CASE_MANAGER,
        offices=[world.office_a],
        training_completed_on=timezone.localdate() - timedelta(days=2),
        supervisor_certified=True,
    )
    fields |= overrides
    # The office the user logs into: the first of those asked for, unless a test says otherwise.
    fields.setdefault("logs_into", next(iter(fields["offices"]), None))
    return access_request_add(**fields)


def refused(code, call, *args, **kwargs):
    before = AccessRequest.objects.count()
    with pytest.raises(PortalError) as raised:
        call(*args, **kwargs)
    assert raised.value.code == code, raised.value.message
    assert AccessRequest.objects.count() == before
    return raised.value.message


class TestDesignation:
    def test_a_designation_on_an_area_covers_its_offices_through_a_group(self, designated):
        requester = designated.access_requester
        assert set(requester_offices(requester)) == {designated.office_a}
        group = requester.groups.get()
        assert group.name.startswith("MIS access requesters")
        # A second office of the same area is covered too; an office of another area is not.
        same_area = OfficeFactory(area=designated.office_a.area)
        assert same_area in requester_offices(requester)
        assert designated.office_b not in requester_offices(requester)

    def test_a_designation_on_one_office_and_its_withdrawal(self, world):
        requester_designate(
            actor=world.mis_admin, staff=world.access_requester, office=world.office_b
        )
        assert list(requester_offices(world.access_requester)) == [world.office_b]
        group = world.access_requester.groups.get()
        requester_undesignate(
            actor=world.mis_admin, staff=world.access_requester, group_id=group.pk
        )
        assert not requester_offices(world.access_requester).exists()
        assert AuditEntry.objects.filter(
            object_pk=str(world.access_requester.pk), additional_data__reason__startswith="withdrew"
        ).exists()

    def test_only_the_administrator_designates_and_only_requesters(self, world):
        with pytest.raises(PortalError, match="administrator"):
            requester_designate(
                actor=world.access_management,
                staff=world.access_requester,
                area=world.office_a.area,
            )
        with pytest.raises(PortalError, match="requester role"):
            requester_designate(
                actor=world.mis_admin, staff=world.partner_case_manager, area=world.office_a.area
            )


class TestFiling:
    def test_add_request_waits_in_the_queue_and_access_management_is_told(
        self, designated, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            request = add(designated)
        assert (
            request.status == AccessRequest.Status.PENDING
            and request.email == "pat.newhire@example.org"
        )
        assert list(request.offices.all()) == [designated.office_a]
        # MIS access management, both of its people (the state's, whatever their office).
        assert [m.to for m in mailoutbox] == [
            sorted([designated.access_management.email, designated.access_management_b.email])
        ]

    def test_refused_when_the_requester_is_not_designated_for_the_area(self, world):
        message = refused("not_designated", add, world)
        assert "not designated" in message

    def test_refused_for_an_office_outside_the_designation(self, designated):
        message = refused("not_designated", add, designated, offices=[designated.office_b])
        assert designated.office_b.name in message

    def test_refused_when_the_organization_lacks_either_contract(self, designated):
        contracts = designated.partner.contracts
        contracts.filter(kind=Contract.Kind.DATA_SHARING).update(expiry_date=timezone.localdate())
        assert "service contract and an MIS data sharing contract" in refused(
            "no_contracts", add, designated
        )
        contracts.filter(kind=Contract.Kind.DATA_SHARING).delete()
        refused("no_contracts", add, designated)

    def test_refused_without_completed_training(self, designated):
        assert "training" in refused("no_training", add, designated, training_completed_on=None)
        refused(
            "no_training",
            add,
            designated,
            training_completed_on=timezone.localdate() + timedelta(days=1),
        )

    def test_refused_without_the_supervisors_certification(self, designated):
        assert "supervisor" in refused("not_certified", add, designated, supervisor_certified=False)

    def test_refused_for_a_state_only_role_or_a_central_role(self, designated):
        assert "state (ESD) staff only" in refused("role", add, designated, role=Role.SUPERVISOR)
        refused("role", add, designated, role=Role.MIS_ADMIN)

    def test_refused_when_the_person_already_has_access_or_is_already_requested(self, designated):
        refused("exists", add, designated, email=designated.partner_case_manager.email)
        add(designated)
        refused("duplicate", add, designated)

    def test_only_requesters_file(self, designated):
        refused("not_requester", add, designated, actor=designated.partner_case_manager)

    def test_change_request_needs_a_change_and_a_user_in_the_area(self, designated):
        person = StaffFactory(organization=designated.partner, current_office=designated.office_a)
        refused(
            "no_change",
            access_request_change,
            actor=designated.access_requester,
            staff=person,
            role=person.role,
            offices=list(person.offices.all()),
            supervisor_certified=True,
        )
        stranger = StaffFactory(organization=designated.partner, current_office=designated.office_b)
        refused(
            "not_designated",
            access_request_change,
            actor=designated.access_requester,
            staff=stranger,
            role=Role.CASE_MANAGER,
            offices=[designated.office_a],
            supervisor_certified=True,
        )
        request = access_request_change(
            actor=designated.access_requester,
            staff=person,
            role=Role.LWDB_REVIEWER,
            offices=[designated.office_a],
            supervisor_certified=True,
        )
        assert request.kind == AccessRequest.Kind.CHANGE and request.staff == person
        refused(
            "duplicate",
            access_request_change,
            actor=designated.access_requester,
            staff=person,
            role=Role.ACCESS_REQUESTER,
            offices=[designated.office_a],
            supervisor_certified=True,
        )

    def test_disable_with_less_than_24_hours_notice_is_filed_with_a_warning(self, designated):
        person = designated.partner_case_manager
        request, warning = access_request_disable(
            actor=designated.access_requester,
            staff=person,
            reason="resignation",
            reason_other="",
            effective_at=timezone.now() + timedelta(hours=2),
        )
        assert request.status == AccessRequest.Status.PENDING and "at least 24 hours" in warning
        access_request_withdraw(actor=designated.access_requester, request_id=request.pk)
        request, warning = access_request_disable(
            actor=designated.access_requester,
            staff=person,
            reason="retirement",
            reason_other="",
            effective_at=timezone.now() + timedelta(days=3),
        )
        assert warning is None

    def test_disable_needs_a_reason(self, designated):
        refused(
            "reason",
            access_request_disable,
            actor=designated.access_requester,
            staff=designated.partner_case_manager,
            reason="other",
            reason_other=" ",
            effective_at=timezone.now() + timedelta(days=3),
        )
        refused(
            "reason",
            access_request_disable,
            actor=designated.access_requester,
            staff=designated.partner_case_manager,
            reason="bored",
            reason_other="",
            effective_at=timezone.now() + timedelta(days=3),
        )


class TestDeciding:
    def test_approving_an_add_creates_the_account_with_a_logon_id_and_emails_both(
        self, designated, mailoutbox, django_capture_on_commit_callbacks
    ):
        request = add(designated)
        with django_capture_on_commit_callbacks(execute=True):
            request = access_request_approve(
                actor=designated.access_management, request_id=request.pk
            )
        person = Staff.objects.get(email="pat.newhire@example.org")
        assert request.status == AccessRequest.Status.COMPLETED and request.staff == person
        assert person.username == request.logon_id == "pnewhire"
        assert (
            person.organization == designated.partner
            and person.current_office == designated.office_a
        )
        assert not person.has_usable_password() and person.nda_signed_at is None
        to_user = next(m for m in mailoutbox if m.to == [person.email])
        assert "pnewhire" in to_user.body and "/access/welcome/" in to_user.body
        assert any(
            m.to == [designated.access_requester.email] and "approved" in m.subject
            for m in mailoutbox
        )
        assert AuditEntry.objects.filter(
            object_pk=str(person.pk),
            action=AuditEntry.Action.CREATE,
            additional_data__reason__icontains="approved",
        ).exists()

    def test_the_person_deciding_is_never_the_requester(self, designated):
        request = add(designated)
        # Someone who both files and manages access (a misconfiguration) still cannot approve their own.
        request.requested_by = designated.access_management
        request.save()
        with pytest.raises(PortalError) as raised:
            access_request_approve(actor=designated.access_management, request_id=request.pk)
        assert raised.value.code == "four_eyes"
        request.refresh_from_db()
        assert request.status == AccessRequest.Status.PENDING

    def test_only_access_management_decides(self, designated):
        request = add(designated)
        for person in (
            designated.mis_admin,
            designated.access_requester,
            designated.esd_supervisor,
        ):
            with pytest.raises(PortalError):
                access_request_approve(actor=person, request_id=request.pk)

    def test_approval_asks_for_the_contracts_again(self, designated):
        request = add(designated)
        designated.partner.contracts.filter(kind=Contract.Kind.SERVICE).update(
            expiry_date=timezone.localdate()
        )
        with pytest.raises(PortalError) as raised:
            access_request_approve(actor=designated.access_management, request_id=request.pk)
        assert raised.value.code == "no_contracts"
        assert not Staff.objects.filter(email="pat.newhire@example.org").exists()

    def test_rejecting_needs_a_reason_and_tells_the_requester(
        self, designated, mailoutbox, django_capture_on_commit_callbacks
    ):
        request = add(designated)
        with pytest.raises(PortalError):
            access_request_reject(
                actor=designated.access_management, request_id=request.pk, reason=" "
            )
        with django_capture_on_commit_callbacks(execute=True):
            access_request_reject(
                actor=designated.access_management,
                request_id=request.pk,
                reason="Training certificate missing.",
            )
        request.refresh_from_db()
        assert (
            request.status == AccessRequest.Status.REJECTED
            and request.decided_by == designated.access_management
        )
        mail = next(m for m in mailoutbox if designated.access_requester.email in m.to)
        assert "Training certificate missing." in mail.body and "pat.newhire@example.org" in mail.to
        # A decided request is decided: no second decision, no withdrawal.
        with pytest.raises(PortalError, match="its status is “Rejected”") as refused:
            access_request_approve(actor=designated.access_management, request_id=request.pk)
        assert refused.value.code == "bad_transition"
        with pytest.raises(PortalError):
            access_request_withdraw(actor=designated.access_requester, request_id=request.pk)

    def test_approving_a_change_changes_role_and_offices(
        self, designated, mailoutbox, django_capture_on_commit_callbacks
    ):
        person = designated.partner_case_manager
        request = access_request_change(
            actor=designated.access_requester,
            staff=person,
            role=Role.LWDB_REVIEWER,
            offices=[designated.office_a],
            supervisor_certified=True,
        )
        with django_capture_on_commit_callbacks(execute=True):
            access_request_approve(actor=designated.access_management, request_id=request.pk)
        person.refresh_from_db()
        assert person.role == Role.LWDB_REVIEWER and list(person.offices.all()) == [
            designated.office_a
        ]
        assert {frozenset(m.to) for m in mailoutbox} == {
            frozenset({person.email, designated.access_requester.email})
        }

    def test_approving_a_disable_schedules_it_and_tells_both(
        self, designated, mailoutbox, django_capture_on_commit_callbacks
    ):
        person = designated.partner_case_manager
        request, _ = access_request_disable(
            actor=designated.access_requester,
            staff=person,
            reason="resignation",
            reason_other="",
            effective_at=timezone.now() + timedelta(days=2),
        )
        with django_capture_on_commit_callbacks(execute=True):
            request = access_request_approve(
                actor=designated.access_management, request_id=request.pk
            )
        assert request.status == AccessRequest.Status.SCHEDULED
        person.refresh_from_db()
        assert person.is_active  # not before its effective date
        assert any("will be disabled" in m.body and person.email in m.to for m in mailoutbox)

    def test_a_disable_already_due_when_approved_takes_effect_at_once(self, designated):
        person = designated.partner_case_manager
        request, _ = access_request_disable(
            actor=designated.access_requester,
            staff=person,
            reason="termination",
            reason_other="",
            effective_at=timezone.now() - timedelta(minutes=5),
        )
        request = access_request_approve(actor=designated.access_management, request_id=request.pk)
        person.refresh_from_db()
        assert request.status == AccessRequest.Status.COMPLETED and not person.is_active

    def test_a_returning_user_keeps_their_logon_id_and_onboards_again(self, designated):
        person = designated.partner_case_manager
        Staff.objects.filter(pk=person.pk).update(is_active=False)
        request = add(
            designated, email=person.email, first_name=person.first_name, last_name=person.last_name
        )
        access_request_approve(actor=designated.access_management, request_id=request.pk)
        person.refresh_from_db()
        assert person.is_active and person.username == "partner.casemanager"
        assert person.nda_signed_at is None and not person.authenticator_confirmed


def test_the_transition_table_is_the_only_way_between_states():
    from access.models import ACCESS_REQUESTS

    table = ACCESS_REQUESTS.table
    reachable = {new for (_, _), new in table.items()}
    assert reachable == {"completed", "scheduled", "rejected", "withdrawn", "in_effect"}
    assert {state for (state, _) in table} == {
        "pending",
        "scheduled",
        "in_effect",
    }
    # Nothing leads away from a disable that took effect but a confirmation: it is never undone.
    assert {action for (state, action) in table if state == "in_effect"} == {"confirm"}


class TestWhoFilesForWhom:
    """Requesters file for their own organization's staff, in the offices they are designated for (policy 1021 i)."""

    def test_a_partner_requester_cannot_ask_anything_about_state_staff(self, designated):
        requester, supervisor = designated.access_requester, designated.esd_supervisor
        refused(
            "other_organization",
            add,
            designated,
            organization=designated.state,
            role=Role.SUPERVISOR,
        )
        refused("other_organization", add, designated, organization=OrganizationFactory())
        refused(
            "other_organization",
            access_request_change,
            actor=requester,
            staff=supervisor,
            role=Role.CASE_MANAGER,
            offices=[designated.office_a],
            supervisor_certified=True,
        )
        refused(
            "other_organization",
            access_request_disable,
            actor=requester,
            staff=supervisor,
            reason="termination",
            reason_other="",
            effective_at=timezone.now() - timedelta(days=1),
        )
        refused(
            "role", add, designated, role=Role.SUPERVISOR
        )  # and no state-only role for a partner's user

    def test_the_forms_offer_only_what_the_requester_may_choose_and_a_forged_choice_is_refused(
        self, designated
    ):
        from django.test import Client
        from django.urls import reverse

        client = Client()
        client.force_login(designated.access_requester)
        add_page = client.get(reverse("access:request_add")).content.decode()
        assert designated.partner.name in add_page and designated.state.name not in add_page
        assert "ESD WIOA supervisor" not in add_page and "State data-edit staff" not in add_page
        disable_page = client.get(reverse("access:request_disable")).content.decode()
        assert designated.partner_case_manager.username in disable_page
        assert designated.esd_supervisor.username not in disable_page
        forged = client.post(
            reverse("access:request_disable"),
            {
                "staff": designated.esd_supervisor.pk,
                "reason": "termination",
                "effective_at": (timezone.localtime() - timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
            },
        )
        assert forged.status_code == 200 and "Select a valid choice" in forged.content.decode()
        forged_add = client.post(
            reverse("access:request_add"),
            {
                "first_name": "Eve",
                "last_name": "Intruder",
                "email": "eve@example.org",
                "organization": designated.state.pk,
                "role": Role.SUPERVISOR,
                "offices": [designated.office_a.pk],
                "supervisor_certified": "on",
                "training_completed_on": timezone.localdate().isoformat(),
            },
        )
        assert "Select a valid choice" in forged_add.content.decode()
        assert not AccessRequest.objects.exists()

    def test_a_disable_cannot_take_effect_in_the_past(self, designated):
        refused(
            "effective_past",
            access_request_disable,
            actor=designated.access_requester,
            staff=designated.partner_case_manager,
            reason="termination",
            reason_other="",
            effective_at=timezone.now() - timedelta(hours=1),
        )
        request, _ = access_request_disable(
            actor=designated.access_requester,
            staff=designated.partner_case_manager,
            reason="termination",
            reason_other="",
            effective_at=timezone.now(),
        )
        # Effective now, a dismissal ends access at once, before anyone approves it.
        assert request.status == AccessRequest.Status.IN_EFFECT
        assert not Staff.objects.get(pk=designated.partner_case_manager.pk).is_active

    def test_state_staff_are_asked_for_by_the_states_requesters_and_the_administrator(self, world):
        esd_requester = StaffFactory(
            organization=world.state, role=Role.ACCESS_REQUESTER, current_office=world.office_a
        )
        requester_designate(actor=world.mis_admin, staff=esd_requester, area=world.office_a.area)
        request = add(world, actor=esd_requester, organization=world.state, role=Role.SUPERVISOR)
        assert request.organization == world.state
        # The ESD requester is designated for office A's area only.
        refused(
            "not_designated",
            add,
            world,
            actor=esd_requester,
            organization=world.state,
            email="b@example.org",
            offices=[world.office_b],
        )
        # The administrator needs no designation, but files for the state's own staff only.
        by_admin = add(
            world,
            actor=world.mis_admin,
            organization=world.state,
            role=Role.STATE_DATAEDITS,
            email="c@example.org",
            offices=[world.office_b],
        )
        assert by_admin.requested_by == world.mis_admin
        refused("other_organization", add, world, actor=world.mis_admin, email="d@example.org")
        refused(
            "other_organization",
            access_request_disable,
            actor=world.mis_admin,
            staff=world.partner_case_manager,
            reason="termination",
            reason_other="",
            effective_at=timezone.now(),
        )
