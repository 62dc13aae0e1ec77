"""The pages around the services: filing, the queue oldest first, deciding, contracts, the audit filter."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import AccessRequest, Contract, Staff
from access.services import access_request_add
from tests.factories import OrganizationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


def add_form(world, **overrides):
    return {
        "first_name": "Pat",
        "last_name": "Newhire",
        "email": "pat.newhire@example.org",
        "organization": world.partner.pk,
        "role": "case_manager",
        "offices": [world.office_a.pk],
        "logs_into": world.office_a.pk,
        "training_completed_on": timezone.localdate().isoformat(),
        "supervisor_certified": "on",
    } | overrides


def test_a_refused_request_shows_its_reason_and_keeps_the_form(designated):
    client = signed_in(designated.access_requester)
    page = client.post(
        reverse("access:request_add"), add_form(designated, training_completed_on="")
    ).content.decode()
    assert "has not completed state-approved MIS training" in page and 'value="Newhire"' in page
    assert not AccessRequest.objects.exists()


def test_filed_requests_are_worked_oldest_first_and_decided_on_their_page(
    designated, mailoutbox, django_capture_on_commit_callbacks
):
    requester = signed_in(designated.access_requester)
    with django_capture_on_commit_callbacks(execute=True):
        response = requester.post(reverse("access:request_add"), add_form(designated))
    first = AccessRequest.objects.get()
    assert response["Location"] == reverse("access:request_detail", args=[first.pk])
    access_request_add(
        actor=designated.access_requester,
        first_name="Quinn",
        last_name="Later",
        email="q@example.org",
        organization=designated.partner,
        role="case_manager",
        offices=[designated.office_a],
        logs_into=designated.office_a,
        training_completed_on=timezone.localdate(),
        supervisor_certified=True,
    )
    AccessRequest.objects.filter(pk=first.pk).update(
        submitted_at=timezone.now() - timedelta(days=1)
    )

    management = signed_in(designated.access_management)
    queue = management.get(reverse("access:queue")).content.decode()
    assert "2 waiting" in queue and queue.index("Newhire") < queue.index("Later")
    with django_capture_on_commit_callbacks(execute=True):
        decided = management.post(
            reverse("access:request_decide", args=[first.pk]), {"decision": "approve"}, follow=True
        )
    assert "Approved" in decided.content.decode() and "pnewhire" in decided.content.decode()
    assert Staff.objects.filter(username="pnewhire", is_active=True).exists()
    assert "1 waiting" in management.get(reverse("access:queue")).content.decode()


def test_the_administrator_records_contracts_and_sees_who_loses_access(world):
    client = signed_in(world.mis_admin)
    organization = OrganizationFactory(name="Bayside Works", contracts=False)
    staff = StaffFactory(organization=organization, last_name="Bayside")
    fields = {
        "organization": organization.pk,
        "kind": "service",
        "party": "lwdb",
        "effective_date": "2026-01-01",
        "expiry_date": (timezone.localdate() + timedelta(days=12)).isoformat(),
        "business_case": "WIOA youth services.",
        "data_owner_name": "",
        "data_owner_signed_on": "2025-12-01",
    }
    refused = client.post(reverse("access:contract_add"), fields).content.decode()
    assert (
        "This field is required" in refused
        and not Contract.objects.filter(organization=organization).exists()
    )
    assert (
        client.post(
            reverse("access:contract_add"), fields | {"data_owner_name": "Dana Owner"}
        ).status_code
        == 302
    )
    contract = Contract.objects.get(organization=organization)
    assert contract.approved_by == world.mis_admin
    expiring = client.get(reverse("access:expiring")).content.decode()
    assert "Bayside Works" in expiring and staff.username in expiring and "in 12 days" in expiring

    data_sharing = world.partner.contracts.get(kind=Contract.Kind.DATA_SHARING)
    confirm = client.get(reverse("access:contract_end", args=[data_sharing.pk])).content.decode()
    assert "ends the access of its" in confirm
    client.post(
        reverse("access:contract_end", args=[data_sharing.pk]), {"reason": "Terminated for cause."}
    )
    data_sharing.refresh_from_db()
    assert data_sharing.expiry_date == timezone.localdate()
    assert signed_in(world.partner_case_manager).get(reverse("portal:dashboard")).status_code == 302


def test_the_auditor_filters_the_trail_by_user_and_organization(world):
    from access.services import access_sweep

    Contract.objects.filter(organization=world.partner, kind=Contract.Kind.SERVICE).update(
        expiry_date=timezone.localdate()
    )
    access_sweep()
    client = signed_in(world.auditor)
    by_organization = client.get(
        reverse("audit:trail"), {"organization": world.partner.pk}
    ).content.decode()
    assert (
        "access ended" in by_organization
        and world.partner_case_manager.last_name in by_organization
    )
    assert world.esd_case_manager.last_name not in by_organization
    by_user = client.post(
        reverse("audit:trail"),
        {"username": world.partner_case_manager.username},
        follow=True,
    ).content.decode()
    assert "access ended" in by_user and world.access_requester.last_name not in by_user
    bad = client.post(reverse("audit:trail"), {"organization": 99999}).content.decode()
    assert "Select a valid choice" in bad
