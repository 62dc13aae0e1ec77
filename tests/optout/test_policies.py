"""optout/policies.py: who may use the lookup, file, decide, withdraw and change the flag, by role.

The expected answers are written from the seeds (000, 001, 002), role by role, not derived from
the code under test.
"""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from optout.models import OptInRequest
from optout.policies import (
    change_opt_out_refusal,
    changes_opt_out,
    decide_refusal,
    file_refusal,
    files_opt_in_requests,
    is_wioa_supervisor,
    may_change_opt_out,
    may_decide,
    may_file,
    may_withdraw,
    uses_opt_out_lookup,
    withdraw_refusal,
)
from optout.services import opt_out_lookup
from optout.states import Status
from tests.world import PEOPLE

from .conftest import file_request

pytestmark = pytest.mark.django_db
EVERYONE = [key + suffix for suffix in ("", "_b") for key in PEOPLE]

# Seed 001: the lookup is partner staff's (they cannot see opted-out seekers); state staff use
# Quick Search. Seed 000: partner case managers file; non-restricted ESD staff change the flag;
# the ESD WIOA supervisor decides.
LOOKUP = {"partner_case_manager", "partner_restricted", "lwdb_reviewer"}
FILERS = {"partner_case_manager", "partner_restricted"}
FLAG = {"esd_case_manager", "esd_supervisor", "mis_admin", "access_management"} | {
    "state_dataedits",
    "auditor",
}
SUPERVISORS = {"esd_supervisor"}


def twins(keys: set[str]) -> set[str]:
    return keys | {key + "_b" for key in keys}


@pytest.mark.parametrize(
    "predicate,expected",
    [
        (uses_opt_out_lookup, twins(LOOKUP)),
        (files_opt_in_requests, twins(FILERS)),
        (changes_opt_out, twins(FLAG)),
        (is_wioa_supervisor, twins(SUPERVISORS)),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_roles(world: Any, predicate: Any, expected: set[str]) -> None:
    assert {key for key in EVERYONE if predicate(world.people[key])} == expected
    assert not predicate(AnonymousUser())


def test_a_deactivated_supervisor_is_no_supervisor(world: Any) -> None:
    world.esd_supervisor.is_active = False
    assert not is_wioa_supervisor(world.esd_supervisor)


class TestFiling:
    def test_from_ones_own_lookup_that_answered_opted_out(self, world: Any) -> None:
        seeker = world.seekers["opted_out"]
        mine = opt_out_lookup(actor=world.partner_case_manager, ssn=seeker.ssn)
        assert may_file(world.partner_case_manager, mine)
        colleague = world.partner_restricted
        assert file_refusal(colleague, mine).code == "no_lookup"
        none_on_file = opt_out_lookup(
            actor=world.partner_case_manager, ssn=world.seekers["own"].ssn
        )
        assert file_refusal(world.partner_case_manager, none_on_file).code == "no_lookup"

    @pytest.mark.parametrize("key", sorted(set(EVERYONE) - twins(FILERS)))
    def test_nobody_else_files(self, world: Any, key: str) -> None:
        lookup = opt_out_lookup(
            actor=world.partner_case_manager, ssn=world.seekers["opted_out"].ssn
        )
        refusal = file_refusal(world.people[key], lookup)
        assert refusal is not None and refusal.code == "not_allowed"
        assert not may_file(world.people[key], lookup)


class TestDeciding:
    def test_the_supervisor_of_the_requests_area_decides_while_it_waits(self, world: Any) -> None:
        request = file_request(world)
        assert decide_refusal(world.esd_supervisor, request) is None
        assert may_decide(world.esd_supervisor, request)
        for status in (Status.OPTED_IN, Status.REMAINED_OPTED_OUT, Status.WITHDRAWN):
            request.status = status
            # Who may decide is unchanged; there is only nothing left to decide.
            assert decide_refusal(world.esd_supervisor, request) is None
            assert not may_decide(world.esd_supervisor, request)

    def test_a_supervisor_of_another_area_does_not(self, world: Any) -> None:
        request = file_request(world)
        assert decide_refusal(world.esd_supervisor_b, request).code == "not_your_area"
        assert not may_decide(world.esd_supervisor_b, request)

    @pytest.mark.parametrize("key", sorted(set(EVERYONE) - twins(SUPERVISORS)))
    def test_nobody_but_a_supervisor_does(self, world: Any, key: str) -> None:
        request = file_request(world)
        assert decide_refusal(world.people[key], request).code == "not_supervisor"
        assert not may_decide(world.people[key], request)


class TestWithdrawing:
    def test_only_the_filer_while_the_request_waits(self, world: Any) -> None:
        request = file_request(world)
        assert may_withdraw(world.partner_case_manager, request)
        for key in EVERYONE:
            if key != "partner_case_manager":
                assert withdraw_refusal(world.people[key], request).code == "not_filer", key
                assert not may_withdraw(world.people[key], request), key
        request.status = Status.WITHDRAWN
        assert withdraw_refusal(world.partner_case_manager, request) is None
        assert not may_withdraw(world.partner_case_manager, request)
        assert OptInRequest.objects.get(pk=request.pk).status == Status.FILED


class TestTheFlag:
    def test_non_restricted_esd_staff_with_the_seeker_in_their_office(self, world: Any) -> None:
        seeker = world.seekers["own"]  # enrolled in office A, where the named people work
        assert may_change_opt_out(world.esd_case_manager, seeker)
        assert may_change_opt_out(world.esd_supervisor, seeker)
        # Office B's supervisor may change the flag, but not of a seeker outside their office.
        refusal = change_opt_out_refusal(world.esd_supervisor_b, seeker)
        assert refusal is not None and refusal.code == "not_enrolled_in_office"
        # A state role that edits no seeker's record does not either.
        assert change_opt_out_refusal(world.auditor, seeker).code == "role_cannot_edit"

    @pytest.mark.parametrize("key", sorted(set(EVERYONE) - twins(FLAG)))
    def test_restricted_and_partner_staff_never(self, world: Any, key: str) -> None:
        refusal = change_opt_out_refusal(world.people[key], world.seekers["own"])
        assert refusal is not None and refusal.code == "cannot_change_opt_out"
