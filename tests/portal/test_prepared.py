"""A query compiled once runs with each call's values, and reads rows as the ORM does."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import Contract, Organization, Staff
from portal.prepared import PreparedQuery
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def contracts_in_effect(organization: int, on: date):
    return Contract.objects.in_effect(on).filter(organization=organization).order_by("pk")


IN_EFFECT = PreparedQuery(contracts_in_effect, organization=-918_273_645, on=date(1901, 2, 3))


def test_each_call_runs_with_its_own_values_and_matches_the_orm(world):
    partner = world.partner
    today = timezone.localdate()
    contract = Contract.objects.filter(organization=partner).first()
    assert contract is not None
    for on in (
        today,
        contract.expiry_date,
        contract.expiry_date - timedelta(days=1),
        date(2000, 1, 1),
    ):
        for organization in (partner.pk, world.state.pk, 0):
            expected = list(contracts_in_effect(organization, on))
            assert IN_EFFECT.all(organization=organization, on=on) == expected
    assert IN_EFFECT.all(organization=partner.pk, on=today)  # not an empty comparison throughout


def test_the_query_is_built_once_and_one_query_is_run_each_time(world):
    built = []

    def counted(organization: int):
        built.append(organization)
        return Organization.objects.filter(pk=organization)

    prepared = PreparedQuery(counted, organization=-5_550_123)
    for organization in (world.state, world.partner, world.board):
        with CaptureQueriesContext(connection) as captured:
            assert prepared.first(organization=organization.pk) == organization
        assert len(captured) == 1
    assert built == [-5_550_123]
    assert prepared.first(organization=0) is None


def test_related_objects_and_annotations_are_read_into_the_model(world):
    person = world.partner_case_manager
    person.offices.add(OfficeFactory(name="WorkSource Gamma", area=world.office_a.area))
    prepared = PreparedQuery(
        lambda pk: (
            Staff.objects.select_related("organization", "current_office")
            .annotate(office_count=Count("offices"))
            .filter(pk=pk)
        ),
        pk=-1_234_567,
    )
    with CaptureQueriesContext(connection) as captured:
        found = prepared.first(pk=person.pk)
        assert found is not None
        assert (found.organization.name, found.current_office.name) == (
            person.organization.name,
            person.current_office.name,
        )
    assert len(captured) == 1  # the related objects came with the row
    assert found.office_count == person.offices.count() == 2


def test_a_stand_in_that_is_no_parameter_of_its_query_is_refused():
    prepared = PreparedQuery(lambda pk: Organization.objects.filter(is_state_agency=True), pk=-1)
    with pytest.raises(ImproperlyConfigured, match="'pk' is not a parameter"):
        prepared.all(pk=5)


def test_values_must_be_the_stand_ins_own():
    with pytest.raises(TypeError, match="expected the values of"):
        IN_EFFECT.all(organization=1)


def test_a_stand_in_int_is_not_found_in_a_boolean_parameter():
    """True == 1 in Python: a stand-in of 1 must not replace the query's `is_state_agency = true`."""
    prepared = PreparedQuery(
        lambda pk: Organization.objects.filter(is_state_agency=True, pk=pk), pk=1
    )
    state = Organization.objects.create(name="Another state agency", is_state_agency=True)
    partner = Organization.objects.create(name="Another partner", is_state_agency=False)
    assert prepared.first(pk=state.pk) == state
    assert prepared.first(pk=partner.pk) is None


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection():
    organization = Organization.objects.create(name="Read from a thread", is_state_agency=True)
    prepared = PreparedQuery(lambda pk: Organization.objects.filter(pk=pk), pk=-77_001)
    assert prepared.first(pk=organization.pk) == organization  # compiled on this thread
    found, errors = [], []

    def other():
        try:
            found.append(prepared.first(pk=organization.pk))
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert errors == [] and found == [organization]


def test_two_stand_ins_alike_are_refused():
    prepared = PreparedQuery(
        lambda low, high: Organization.objects.filter(pk__gte=low, pk__lte=high), low=-3, high=-3
    )
    with pytest.raises(ImproperlyConfigured, match="have the same stand-in"):
        prepared.all(low=1, high=2)


@pytest.mark.parametrize("value", [None, [1, 2], "5"])
def test_a_value_of_another_type_than_its_stand_in_is_refused(value):
    with pytest.raises(TypeError, match="must be of type int"):
        IN_EFFECT.all(organization=value, on=date(2026, 1, 1))
