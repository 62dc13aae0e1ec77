"""The add-user form and the decision page: the office the user logs into as its own choice, every
problem reported at once at its field, the checks policy 1021 requires, and Approve confirmed."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import AccessRequest, Contract, Staff
from access.services import access_request_add, requester_designate
from portal.errors import PortalError
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def designated(world):
    requester_designate(
        actor=world.mis_admin, staff=world.access_requester, area=world.office_a.area
    )
    world.access_requester.refresh_from_db()
    # A second office in the area, so that "the office the user logs into" is a real choice.
    world.office_a2 = OfficeFactory(name="WorkSource Alpha East", area=world.office_a.area)
    return world


def add_form(world, **overrides):
    return {
        "first_name": "Pat",
        "last_name": "Newhire",
        "email": "pat.newhire@example.org",
        "organization": world.partner.pk,
        "role": "case_manager",
        "offices": [world.office_a.pk, world.office_a2.pk],
        "logs_into": world.office_a2.pk,
        "training_completed_on": timezone.localdate().isoformat(),
        "supervisor_certified": "on",
    } | overrides


def field_errors(page: str) -> dict[str, list[str]]:
    """Each form group's field name and the error messages shown inside it."""
    groups = page.split('<div class="usa-form-group usa-form-group--error">')[1:]
    groups = [group.split('<div class="usa-form-group')[0] for group in groups]
    shown = {}
    for group in groups:
        name = re.search(r'name="(\w+)"', group)
        shown[name.group(1) if name else "?"] = re.findall(
            r'<span class="usa-error-message" role="alert">(.*?)</span>', group
        )
    return shown


def test_the_user_logs_into_the_office_chosen_among_theirs(
    designated, django_capture_on_commit_callbacks
):
    requester = signed_in(designated.access_requester)
    page = requester.get(reverse("access:request_add")).content.decode()
    assert "Office the user logs into" in page and "The first one is" not in page
    assert requester.post(reverse("access:request_add"), add_form(designated)).status_code == 302
    request = AccessRequest.objects.get()
    assert request.logs_into == designated.office_a2
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(designated.access_management).post(
            reverse("access:request_approve", args=[request.pk])
        )
    user = Staff.objects.get(username="pnewhire")
    assert user.current_office == designated.office_a2
    assert set(user.offices.all()) == {designated.office_a, designated.office_a2}


def test_an_office_logged_into_outside_the_offices_picked_is_refused(designated):
    response = signed_in(designated.access_requester).post(
        reverse("access:request_add"), add_form(designated, offices=[designated.office_a.pk])
    )
    errors = field_errors(response.content.decode())
    assert errors["logs_into"] == [
        "The office the user logs into must be one of their offices: add WorkSource Alpha East "
        "to them, or choose another."
    ]
    assert not AccessRequest.objects.exists()


def test_every_problem_is_reported_at_once_each_at_its_field(designated):
    response = signed_in(designated.access_requester).post(
        reverse("access:request_add"),
        add_form(
            designated,
            offices=[designated.office_a.pk],
            training_completed_on="",
            supervisor_certified="",
        ),
    )
    page = response.content.decode()
    errors = field_errors(page)
    assert errors["logs_into"] == [
        "The office the user logs into must be one of their offices: add WorkSource Alpha East "
        "to them, or choose another."
    ]
    assert errors["training_completed_on"] == [
        "The user has not completed state-approved MIS training: give the date it was completed."
    ]
    # The certification's box is drawn on its own (portal/_checkbox.html), its message with it.
    box = page[
        page.index("Certify that the user&#x27;s supervisor approved the profile and office") :
    ]
    assert box.index('name="supervisor_certified"') < 400
    assert not AccessRequest.objects.exists()


def test_an_expired_contract_a_missing_training_date_and_certification_are_refused_together(
    designated,
):
    # The organization's data sharing contract ends while the requester fills in the form (once
    # it has, the requester's own next page signs them out: the service says it first).
    designated.partner.contracts.filter(kind=Contract.Kind.DATA_SHARING).update(
        expiry_date=timezone.localdate()
    )
    with pytest.raises(PortalError) as refused:
        access_request_add(
            actor=designated.access_requester,
            first_name="",
            last_name="Newhire",
            email="pat@example.org",
            organization=designated.partner,
            role="case_manager",
            offices=[designated.office_b],
            logs_into=None,
            training_completed_on=None,
            supervisor_certified=False,
        )
    found = {(p.field, p.code) for p in refused.value.problems}
    assert found == {
        ("first_name", "incomplete"),
        ("organization", "no_contracts"),
        ("offices", "not_designated"),
        ("logs_into", "no_office_logged_into"),
        ("training_completed_on", "no_training"),
        ("supervisor_certified", "not_certified"),
    }
    assert not AccessRequest.objects.exists()


def test_the_decision_page_shows_the_policys_checks_and_approve_asks_first(designated):
    request = access_request_add(
        actor=designated.access_requester,
        first_name="Pat",
        last_name="Newhire",
        email="pat.newhire@example.org",
        organization=designated.partner,
        role="case_manager",
        offices=[designated.office_a],
        logs_into=designated.office_a,
        training_completed_on=timezone.localdate() - timedelta(days=3),
        supervisor_certified=True,
    )
    management = signed_in(designated.access_management)
    page = management.get(reverse("access:request_detail", args=[request.pk])).content.decode()
    assert '<dl class="portal-summary">' in page and "<dt>Logs into</dt>" in page
    checks = re.findall(
        r'<th scope="row" data-label="Check">(.*?)</th>\s*<td[^>]*>(.*?)</td>', page
    )
    assert [(name, "Met" in result) for name, result in checks] == [
        ("Contracts in effect", True),
        ("Requester designated", True),
        ("State-approved MIS training", True),
        ("Supervisor&#x27;s certification", True),
    ]
    approve = reverse("access:request_approve", args=[request.pk])
    assert f'href="{approve}"' in page  # a link to the confirmation, not a button that acts
    confirm = management.get(approve).content.decode()
    assert f"Approve request {request.pk}: add a user?" in confirm
    assert "An account is created now for Pat Newhire" in confirm
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING  # asked, not done
    # The contract lapses before the decision: the check says so and approving is refused.
    designated.partner.contracts.filter(kind=Contract.Kind.SERVICE).update(
        expiry_date=timezone.localdate()
    )
    confirm = management.get(approve).content.decode()
    assert "Not every check is met (contracts in effect)" in confirm
    refused = management.post(approve, follow=True).content.decode()
    assert "does not have both a service contract" in refused
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING


def test_approving_is_refused_to_the_requester_and_to_other_roles(designated):
    request = access_request_add(
        actor=designated.access_requester,
        first_name="Pat",
        last_name="Newhire",
        email="pat.newhire@example.org",
        organization=designated.partner,
        role="case_manager",
        offices=[designated.office_a],
        logs_into=designated.office_a,
        training_completed_on=timezone.localdate(),
        supervisor_certified=True,
    )
    approve = reverse("access:request_approve", args=[request.pk])
    for person in (designated.access_requester, designated.mis_admin, designated.auditor):
        assert signed_in(person).post(approve).status_code == 403
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING


def test_a_change_request_reports_every_problem_at_once_too(designated):
    person = designated.partner_case_manager
    response = signed_in(designated.access_requester).post(
        reverse("access:request_change"),
        {
            "staff": person.pk,
            "role": person.role,
            "offices": [o.pk for o in person.offices.all()],
            "supervisor_certified": "",
        },
    )
    page = response.content.decode()
    assert "Nothing would change: choose a new role or other offices." in page
    assert "Certify that the user&#x27;s supervisor approved the profile" in page
    assert not AccessRequest.objects.exists()
