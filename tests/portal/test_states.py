"""The one state-machine idiom (portal/states.py) and every workflow on it.

For each table: every (status, action) pair it does not list is refused with the one code and
the one message shape, and through the services nothing is written; each full legal path is walked
through the services.
"""

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import models
from django.utils import timezone

from access.models import ACCESS_REQUESTS, REPORTS, AccessRequest, Report
from access.roles import Role
from access.services import (
    access_request_add,
    access_request_approve,
    access_request_disable,
    access_request_reject,
    access_request_withdraw,
    access_sweep,
    report_file,
    report_move,
    requester_designate,
)
from dataedits.models import TICKETS, DataEditTicket, TicketAction, TicketState
from dataedits.services import (
    ticket_decide,
    ticket_delete,
    ticket_local_review,
    ticket_submit,
    ticket_update,
    ticket_withdraw,
)
from optout.models import OptInRequest
from optout.services import opt_in_request_withdraw
from optout.states import OPT_IN_REQUESTS, Action, Status
from portal.errors import PortalError
from portal.states import BAD_TRANSITION, Machine
from tests.dataedits.helpers import add_service, make_ticket, seed_example_services
from tests.optout.conftest import decide, file_request

TZ = ZoneInfo("America/Los_Angeles")
YES = {"justified": True, "documented": True, "aligned": True}
MACHINES: dict[str, Machine[Any, Any]] = {
    "access requests": ACCESS_REQUESTS,
    "reports": REPORTS,
    "opt-in requests": OPT_IN_REQUESTS,
    "data-edit tickets": TICKETS,
}


def unlisted(machine: Machine[Any, Any]) -> list[tuple[Any, Any]]:
    """Every (status, action) pair the table has no move for."""
    pairs = itertools.product(machine.statuses, machine.actions)
    return [pair for pair in pairs if pair not in machine.table]


# --- the idiom itself ---------------------------------------------------------------------------


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


class Turn(models.TextChoices):
    GO = "go", "let go"
    STOP = "stop", "stopped"


LIGHTS = Machine(
    noun="light",
    statuses=Light,
    actions=Turn,
    table={(Light.RED, Turn.GO): Light.GREEN, (Light.GREEN, Turn.STOP): Light.RED},
)


class TestMachine:
    def test_a_listed_move_answers_the_next_status_as_a_member(self) -> None:
        assert LIGHTS.next_state("red", "go") is Light.GREEN
        assert LIGHTS.next_state(Light.GREEN, Turn.STOP) is Light.RED
        assert LIGHTS.allows("red", "go") and not LIGHTS.allows("red", "stop")

    def test_an_unlisted_move_is_refused_with_one_code_and_one_message_shape(self) -> None:
        with pytest.raises(PortalError) as refused:
            LIGHTS.next_state("green", "go")
        assert refused.value.code == BAD_TRANSITION
        assert refused.value.message == "This light cannot be let go now: its status is “Green”."

    @pytest.mark.parametrize(
        "status,action", [("red", "jump"), ("blue", "go"), ("", ""), ("red", "<script>")]
    )
    def test_a_status_or_action_outside_the_choices_is_refused_the_same_way(
        self, status: str, action: str
    ) -> None:
        assert not LIGHTS.allows(status, action)
        with pytest.raises(PortalError) as refused:
            LIGHTS.next_state(status, action)
        assert refused.value.code == BAD_TRANSITION
        # Never echoed: a forged action is not repeated to the person.
        assert "<script>" not in refused.value.message and "jump" not in refused.value.message

    @pytest.mark.parametrize("name", MACHINES)
    def test_every_unlisted_pair_of_every_table_is_refused(self, name: str) -> None:
        machine = MACHINES[name]
        assert unlisted(machine), name
        for status, action in unlisted(machine):
            assert not machine.allows(status, action)
            with pytest.raises(PortalError) as refused:
                machine.next_state(status, action)
            assert refused.value.code == BAD_TRANSITION
            assert refused.value.message == (
                f"This {machine.noun} cannot be {action.label} now: its status is “{status.label}”."
            )

    @pytest.mark.parametrize("name", MACHINES)
    def test_every_listed_move_lands_on_a_status_of_the_machine(self, name: str) -> None:
        machine = MACHINES[name]
        for (status, action), new in machine.table.items():
            assert machine.next_state(status, action) == new
            assert isinstance(new, machine.statuses)


# --- through the services: nothing written on a refusal -------------------------------------------


def every_row_count() -> dict[str, int]:
    """How many rows every model holds: a refused move must add, change or remove none."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@contextmanager
def nothing_written(row: models.Model) -> Iterator[None]:
    before = (every_row_count(), type(row)._base_manager.filter(pk=row.pk).values().get())
    yield
    after = (every_row_count(), type(row)._base_manager.filter(pk=row.pk).values().get())
    assert after == before


def at(*args: int) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=TZ), tick=False)


@pytest.mark.django_db
class TestOptInRequests:
    ACTS: dict[str, Callable[[Any, OptInRequest], object]] = {
        Action.OPT_IN: lambda world, request: decide(world, request, Action.OPT_IN),
        Action.REMAIN_OPTED_OUT: lambda world, request: decide(
            world, request, Action.REMAIN_OPTED_OUT, esd_staff_offered=True
        ),
        Action.WITHDRAW: lambda world, request: opt_in_request_withdraw(
            actor=world.partner_case_manager, opt_in_request=request
        ),
    }

    def test_every_action_has_its_service(self) -> None:
        assert set(self.ACTS) == set(Action)

    @pytest.mark.parametrize("status,action", unlisted(OPT_IN_REQUESTS))
    def test_an_unlisted_move_is_refused_and_writes_nothing(
        self, world: Any, status: Status, action: Action
    ) -> None:
        request = file_request(world)
        OptInRequest.objects.filter(pk=request.pk).update(status=status)
        with nothing_written(request), pytest.raises(PortalError) as refused:
            self.ACTS[action](world, request)
        assert refused.value.code == BAD_TRANSITION
        assert refused.value.message == OPT_IN_REQUESTS.refusal(status, action)

    @pytest.mark.parametrize("action", list(Action))
    def test_each_legal_path(self, world: Any, action: Action) -> None:
        request = file_request(world)
        assert request.status == Status.FILED
        self.ACTS[action](world, request)
        request.refresh_from_db()
        assert request.status == OPT_IN_REQUESTS.table[Status.FILED, action]


@pytest.mark.django_db
class TestDataEditTickets:
    # SKIP_LOCAL is no person's action: submitting routes a ticket past a board that may not see
    # its seeker (test_the_local_step_skipped below).
    ACTS: dict[str, Callable[[Any, DataEditTicket], object]] = {
        TicketAction.EDIT: lambda world, ticket: ticket_update(
            actor=world.partner_case_manager,
            ticket=ticket,
            changed=ticket,
            supporting_notes=list(ticket.supporting_notes.all()),
        ),
        TicketAction.DELETE: lambda world, ticket: ticket_delete(
            actor=world.partner_case_manager, ticket=ticket
        ),
        TicketAction.SUBMIT: lambda world, ticket: ticket_submit(
            actor=world.partner_case_manager, ticket=ticket
        ),
        TicketAction.WITHDRAW: lambda world, ticket: ticket_withdraw(
            actor=world.partner_case_manager, ticket=ticket
        ),
        TicketAction.LOCAL_APPROVE: lambda world, ticket: ticket_local_review(
            actor=world.lwdb_reviewer, ticket=ticket, approve=True, **YES
        ),
        TicketAction.LOCAL_DENY: lambda world, ticket: ticket_local_review(
            actor=world.lwdb_reviewer,
            ticket=ticket,
            approve=False,
            reasons=["not_policy_compliant"],
            **YES,
        ),
        TicketAction.APPROVE: lambda world, ticket: ticket_decide(
            actor=world.state_dataedits, ticket=ticket, approve=True
        ),
        TicketAction.DENY: lambda world, ticket: ticket_decide(
            actor=world.state_dataedits,
            ticket=ticket,
            approve=False,
            reasons=["not_policy_compliant"],
        ),
    }

    @staticmethod
    def ticket(world: Any) -> DataEditTicket:
        seeker = world.seekers["own"]
        services = seed_example_services(
            seeker, office=world.office_a, by=world.partner_case_manager
        )
        return make_ticket(
            seeker, by=world.partner_case_manager, office=world.office_a, service=services["wpa"]
        )

    def test_every_action_but_the_routing_has_its_service(self) -> None:
        assert set(self.ACTS) == set(TicketAction) - {TicketAction.SKIP_LOCAL}

    @pytest.mark.parametrize(
        "status,action",
        [
            (s, a)
            for s, a in unlisted(TICKETS)
            # A deleted draft is found by nobody: test_a_deleted_draft_is_not_found.
            if a != TicketAction.SKIP_LOCAL and s != TicketState.DELETED
        ],
    )
    def test_an_unlisted_move_is_refused_and_writes_nothing(
        self, world: Any, status: TicketState, action: TicketAction
    ) -> None:
        with at(2021, 1, 5, 10, 0):
            ticket = self.ticket(world)
            DataEditTicket.objects.filter(pk=ticket.pk).update(status=status)
            with nothing_written(ticket), pytest.raises(PortalError) as refused:
                self.ACTS[action](world, ticket)
        assert refused.value.code == BAD_TRANSITION
        assert refused.value.message == TICKETS.refusal(status, action)

    @pytest.mark.parametrize("action", [a for a in TicketAction if a != TicketAction.SKIP_LOCAL])
    def test_a_deleted_draft_is_not_found(self, world: Any, action: TicketAction) -> None:
        with at(2021, 1, 5, 10, 0):
            ticket = self.ticket(world)
            DataEditTicket.objects.filter(pk=ticket.pk).update(status=TicketState.DELETED)
            with nothing_written(ticket), pytest.raises(PortalError) as refused:
                self.ACTS[action](world, ticket)
        assert refused.value.code == "not_found"

    @pytest.mark.parametrize(
        "path",
        [
            (TicketAction.SUBMIT, TicketAction.LOCAL_APPROVE, TicketAction.APPROVE),
            (TicketAction.SUBMIT, TicketAction.LOCAL_APPROVE, TicketAction.DENY),
            (TicketAction.SUBMIT, TicketAction.LOCAL_DENY),
            (TicketAction.EDIT, TicketAction.SUBMIT, TicketAction.WITHDRAW),
            (TicketAction.DELETE,),
        ],
        ids=[
            "approved",
            "denied by the state",
            "denied by the local board",
            "edited, submitted and withdrawn",
            "deleted",
        ],
    )
    def test_each_legal_path(self, world: Any, path: tuple[TicketAction, ...]) -> None:
        ticket = self.ticket(world)
        status = TicketState.DRAFT
        with at(2021, 1, 5, 10, 0):
            for action in path:
                self.ACTS[action](world, ticket)
                ticket.refresh_from_db()
                status = TICKETS.table[status, action]
                assert ticket.status == status, action

    def test_the_local_step_skipped(self, world: Any) -> None:
        """An opted-out seeker's ticket, with no state-agency reviewer in the area, goes straight on."""
        seeker, esd = world.seekers["opted_out"], world.esd_case_manager
        # Two services, so that removing the later one leaves the period of participation.
        add_service(seeker, "initial_assessment", date(2020, 12, 30), office=world.office_a, by=esd)
        service = add_service(
            seeker, "career_guidance", date(2021, 1, 4), office=world.office_a, by=esd
        )
        ticket = make_ticket(seeker, by=esd, office=world.office_a, service=service)
        with at(2021, 1, 5, 10, 0):
            ticket_submit(actor=esd, ticket=ticket)
            ticket.refresh_from_db()
            assert ticket.status == TICKETS.next_state(
                TICKETS.next_state(TicketState.DRAFT, TicketAction.SUBMIT),
                TicketAction.SKIP_LOCAL,
            )
            ticket_decide(actor=world.state_dataedits, ticket=ticket, approve=True)
        ticket.refresh_from_db()
        assert ticket.status == TicketState.APPROVED


@pytest.fixture
def designated(world: Any) -> Any:
    """`world` with the access requester designated for office A's area."""
    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    world.access_requester.refresh_from_db()
    return world


def add_request(world: Any) -> AccessRequest:
    return access_request_add(
        actor=world.access_requester,
        first_name="Pat",
        last_name="Newhire",
        email="pat.newhire@example.org",
        organization=world.partner,
        role=Role.CASE_MANAGER,
        offices=[world.office_a],
        logs_into=world.office_a,
        training_completed_on=timezone.localdate() - timedelta(days=2),
        supervisor_certified=True,
    )


def disable_request(world: Any, *, in_hours: int = 48) -> AccessRequest:
    request, _ = access_request_disable(
        actor=world.access_requester,
        staff=world.partner_case_manager,
        reason="resignation",
        reason_other="",
        effective_at=timezone.now() + timedelta(hours=in_hours),
    )
    return request


def approve(world: Any, pk: int) -> AccessRequest:
    return access_request_approve(actor=world.access_management, request_id=pk)


# What MIS access management's approval of an add request and of a disable request, a rejection
# and a withdrawal ask the table; disable and take_effect are the sweep's, at a disable's time.
REQUEST_ACTS: dict[str, tuple[Callable[[Any], AccessRequest], Callable[[Any, int], object]]] = {
    AccessRequest.Action.APPROVE: (add_request, approve),
    AccessRequest.Action.SCHEDULE: (disable_request, approve),
    AccessRequest.Action.REJECT: (
        add_request,
        lambda world, pk: access_request_reject(
            actor=world.access_management, request_id=pk, reason="No contract on file."
        ),
    ),
    AccessRequest.Action.WITHDRAW: (
        add_request,
        lambda world, pk: access_request_withdraw(actor=world.access_requester, request_id=pk),
    ),
}
REQUEST_REFUSALS = [
    (status, action)
    for status, action in unlisted(ACCESS_REQUESTS)
    if action in REQUEST_ACTS
    # Approving a disable that already took effect confirms it: the confirm action, not this one.
    and (status, action) != (AccessRequest.Status.IN_EFFECT, AccessRequest.Action.SCHEDULE)
]


@pytest.mark.django_db
class TestAccessRequests:
    Status, Action = AccessRequest.Status, AccessRequest.Action

    @pytest.mark.parametrize("status,action", REQUEST_REFUSALS)
    def test_an_unlisted_move_is_refused_and_writes_nothing(
        self, designated: Any, status: Any, action: Any
    ) -> None:
        make, act = REQUEST_ACTS[action]
        request = make(designated)
        AccessRequest.objects.filter(pk=request.pk).update(status=status)
        with nothing_written(request), pytest.raises(PortalError) as refused:
            act(designated, request.pk)
        assert refused.value.code == BAD_TRANSITION
        assert refused.value.message == ACCESS_REQUESTS.refusal(status, action)

    @pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT, Action.WITHDRAW])
    def test_each_decision_from_pending(self, designated: Any, action: Any) -> None:
        make, act = REQUEST_ACTS[action]
        request = make(designated)
        act(designated, request.pk)
        request.refresh_from_db()
        assert request.status == ACCESS_REQUESTS.table[self.Status.PENDING, action]

    def test_a_disable_scheduled_then_carried_out_at_its_time(self, designated: Any) -> None:
        request = disable_request(designated)
        access_request_approve(actor=designated.access_management, request_id=request.pk)
        request.refresh_from_db()
        assert request.status == self.Status.SCHEDULED
        access_sweep(now=request.effective_at + timedelta(minutes=1))
        request.refresh_from_db()
        assert request.status == ACCESS_REQUESTS.next_state(
            self.Status.SCHEDULED, self.Action.DISABLE
        )

    def test_a_disable_in_effect_before_its_approval_then_confirmed(self, designated: Any) -> None:
        request = disable_request(designated)
        access_sweep(now=request.effective_at + timedelta(minutes=1))
        request.refresh_from_db()
        assert request.status == ACCESS_REQUESTS.next_state(
            self.Status.PENDING, self.Action.TAKE_EFFECT
        )
        access_request_approve(actor=designated.access_management, request_id=request.pk)
        request.refresh_from_db()
        assert request.status == ACCESS_REQUESTS.next_state(
            self.Status.IN_EFFECT, self.Action.CONFIRM
        )


@pytest.mark.django_db
class TestReports:
    @staticmethod
    def report(world: Any) -> Report:
        return report_file(
            actor=world.lwdb_reviewer,
            kind=Report.Kind.SECURITY_BREACH,
            occurred_on=timezone.localdate(),
            summary="Laptop stolen from the office",
            details="A signed-in laptop was taken from the front desk.",
        )

    @pytest.mark.parametrize("status,action", unlisted(REPORTS))
    def test_an_unlisted_move_is_refused_and_writes_nothing(
        self, world: Any, status: Any, action: Any
    ) -> None:
        report = self.report(world)
        Report.objects.filter(pk=report.pk).update(status=status)
        with nothing_written(report), pytest.raises(PortalError) as refused:
            report_move(actor=world.mis_admin, report_id=report.pk, action=action, note="Done.")
        assert refused.value.code == BAD_TRANSITION
        assert refused.value.message == REPORTS.refusal(status, action)

    def test_a_forged_action_is_refused_the_same_way(self, world: Any) -> None:
        report = self.report(world)
        with nothing_written(report), pytest.raises(PortalError) as refused:
            report_move(actor=world.mis_admin, report_id=report.pk, action="reopen", note="x")
        assert refused.value.code == BAD_TRANSITION

    @pytest.mark.parametrize(
        "path",
        [(Report.Action.REVIEW, Report.Action.CLOSE), (Report.Action.CLOSE,)],
        ids=["reviewed then closed", "closed at once"],
    )
    def test_each_legal_path(self, world: Any, path: tuple[Any, ...]) -> None:
        report = self.report(world)
        statuses = [Report.Status.REPORTED]
        for action in path:
            report_move(actor=world.mis_admin, report_id=report.pk, action=action, note="Done.")
            report.refresh_from_db()
            statuses.append(REPORTS.table[statuses[-1], action])
            assert report.status == statuses[-1]
        # Every step is kept in the report's history.
        assert [event.status for event in report.events.all()] == statuses
