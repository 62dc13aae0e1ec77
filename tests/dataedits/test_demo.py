import pytest

from dataedits.models import DataEditTicket, Service, TicketState
from dataedits.rules import Quarter
from demo.seed import seed_demo


@pytest.mark.django_db
def test_the_demo_has_services_over_several_quarters_and_a_ticket_in_every_state():
    seed_demo(seekers=40)
    # Every state a ticket shows in; a deleted draft is seen by nobody.
    assert {t.status for t in DataEditTicket.objects.all()} == set(TicketState) - {
        TicketState.DELETED
    }
    quarters = {Quarter.of(day) for day in Service.objects.values_list("start_date", flat=True)}
    assert len(quarters) >= 4
    assert (
        Service.objects.filter(is_late=True).exists()
        and Service.objects.filter(is_late=False).exists()
    )
    counts = (Service.objects.count(), DataEditTicket.objects.count())
    seed_demo(seekers=40)  # idempotent
    assert (Service.objects.count(), DataEditTicket.objects.count()) == counts
