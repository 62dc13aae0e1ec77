"""access/policies.py: who decides, confirms and withdraws an access request, and who works
reports, role by role; four eyes: the requester never decides their own request (policy 1021 i)."""

from typing import Any

import pytest

from access.models import AccessRequest, Report
from access.policies import (
    decide_refusal,
    may_confirm,
    may_decide,
    may_move_report,
    may_withdraw,
    report_refusal,
    withdraw_refusal,
)
from tests.world import PEOPLE

pytestmark = pytest.mark.django_db
EVERYONE = [key + suffix for suffix in ("", "_b") for key in PEOPLE]
MANAGEMENT = {"access_management", "access_management_b"}
ADMINISTRATORS = {"mis_admin", "mis_admin_b"}


def filed_by(person: Any, status: str = AccessRequest.Status.PENDING) -> AccessRequest:
    """An access request as the policies see it: who filed it and where it stands."""
    return AccessRequest(kind=AccessRequest.Kind.ADD, requested_by=person, status=status)


class TestDeciding:
    def test_access_management_decides_a_waiting_request(self, world: Any) -> None:
        request = filed_by(world.access_requester)
        for key in MANAGEMENT:
            assert decide_refusal(world.people[key], request) is None
            assert may_decide(world.people[key], request)
            assert not may_confirm(world.people[key], request)

    def test_only_while_it_waits_and_a_disable_in_effect_is_confirmed_instead(
        self, world: Any
    ) -> None:
        manager = world.access_management
        for status in set(AccessRequest.Status) - {AccessRequest.Status.PENDING}:
            request = filed_by(world.access_requester, status)
            assert not may_decide(manager, request), status
            assert may_confirm(manager, request) == (status == AccessRequest.Status.IN_EFFECT)

    def test_four_eyes_the_requester_never_decides_their_own_request(self, world: Any) -> None:
        # Filed while they were a requester, before they joined access management.
        manager = world.access_management
        for status in (AccessRequest.Status.PENDING, AccessRequest.Status.IN_EFFECT):
            request = filed_by(manager, status)
            assert decide_refusal(manager, request).code == "four_eyes"
            assert not may_decide(manager, request) and not may_confirm(manager, request)
            assert may_decide(world.access_management_b, request) or may_confirm(
                world.access_management_b, request
            )

    @pytest.mark.parametrize("key", sorted(set(EVERYONE) - MANAGEMENT))
    def test_no_other_role_decides(self, world: Any, key: str) -> None:
        request = filed_by(world.access_requester)
        assert decide_refusal(world.people[key], request).code == "not_access_management"
        assert not may_decide(world.people[key], request)
        in_effect = filed_by(world.access_requester, AccessRequest.Status.IN_EFFECT)
        assert not may_confirm(world.people[key], in_effect)


class TestWithdrawing:
    def test_only_the_requester_while_the_request_waits(self, world: Any) -> None:
        request = filed_by(world.access_requester)
        assert may_withdraw(world.access_requester, request)
        for key in set(EVERYONE) - {"access_requester"}:
            assert withdraw_refusal(world.people[key], request).code == "not_requester", key
            assert not may_withdraw(world.people[key], request), key
        for status in set(AccessRequest.Status) - {AccessRequest.Status.PENDING}:
            request = filed_by(world.access_requester, status)
            assert withdraw_refusal(world.access_requester, request) is None
            assert not may_withdraw(world.access_requester, request), status


class TestReports:
    def test_the_administrator_works_a_report_until_it_is_closed(self, world: Any) -> None:
        for key in ADMINISTRATORS:
            for status in (Report.Status.REPORTED, Report.Status.IN_REVIEW):
                report = Report(status=status, reported_by=world.lwdb_reviewer)
                assert report_refusal(world.people[key], report) is None
                assert may_move_report(world.people[key], report)
            closed = Report(status=Report.Status.CLOSED, reported_by=world.lwdb_reviewer)
            assert not may_move_report(world.people[key], closed)

    @pytest.mark.parametrize("key", sorted(set(EVERYONE) - ADMINISTRATORS))
    def test_no_other_role_does(self, world: Any, key: str) -> None:
        report = Report(status=Report.Status.REPORTED, reported_by=world.people[key])
        assert report_refusal(world.people[key], report).code == "not_admin"
        assert not may_move_report(world.people[key], report)
