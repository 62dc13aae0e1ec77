"""Five bugs once planted in critical code passed the whole suite. Each test here fails when its bug is put back.

1. `visible_to` letting restricted staff see opted-out seekers.
2. The remembered SSN search reading every seeker instead of starting from the gate.
3. The SSN redaction filter unwired from the console handler in settings.LOGGING.
4. The local reviewer of a data-edit ticket deciding it at the state.
5. An ESD WIOA supervisor's opt-in requests including every area's.
"""

import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dataedits.models import DataEditTicket, TicketState
from optout.models import OptInRequest
from participants.models import Participant
from tests.dataedits.authz_rows import ticket_for
from tests.optout.authz_rows import request_by_partner

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_1_a_restricted_partner_sees_what_partners_see_and_no_opted_out_seeker(world):
    hidden = world.seekers["opted_out"]
    assert hidden not in Participant.objects.visible_to(world.partner_restricted)
    assert (
        signed_in(world.partner_restricted)
        .get(reverse("participants:detail", args=[hidden.pk]))
        .status_code
        == 404
    )
    # Restricted state staff still see the seeker: restriction is about changing the opt-out, not seeing.
    assert hidden in Participant.objects.visible_to(world.esd_restricted)


@pytest.mark.parametrize("scope", ["office", "worksource"])
def test_2_a_partners_ssn_search_of_an_opted_out_seeker_finds_nobody_on_the_results_page(
    world, scope
):
    hidden = world.seekers["opted_out"]
    client = signed_in(world.partner_case_manager)
    response = client.post(reverse("participants:search"), {"q": hidden.ssn, "scope": scope})
    # The remembered search, the blind index alone, at the token's address.
    results = client.get(
        reverse("participants:search"), {"s": response.context["token"]}
    ).content.decode()
    assert "Total Participants: 0" in response.content.decode()
    assert "Total Participants: 0" in results
    assert hidden.last_name not in results and hidden.customer_id not in results


def test_3_the_configured_console_handler_redacts_ssns():
    """The portal's own LOGGING, as Django applies it: an SSN logged comes out redacted."""
    stream = io.StringIO()
    config = {
        **settings.LOGGING,
        "handlers": {
            name: {**handler, "stream": stream}
            for name, handler in settings.LOGGING["handlers"].items()
        },
    }
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        logging.config.dictConfig(config)
        logging.getLogger("portal.anything").warning(
            "caller gave %s and 917 43 8265", "917-43-8265"
        )
        for handler in root.handlers:
            handler.flush()
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
    written = stream.getvalue()
    assert "caller gave [SSN REDACTED] and [SSN REDACTED]" in written and "8265" not in written


def test_4_the_local_reviewer_of_a_ticket_never_decides_it_at_the_state(world):
    ticket = ticket_for(world, world.seekers["own"], TicketState.STATE_QUEUE)
    # The state's data-edit staff member once reviewed it for the local board (a state reviewer of the area).
    DataEditTicket.objects.filter(pk=ticket.pk).update(local_reviewer=world.state_dataedits)
    client = signed_in(world.state_dataedits)
    page = client.get(reverse("dataedits:ticket_detail", args=[ticket.pk])).content.decode()
    assert reverse("dataedits:decide", args=[ticket.pk]) not in page
    response = client.post(
        reverse("dataedits:decide", args=[ticket.pk]), {"decision": "approve"}, follow=True
    )
    assert "Nobody decides a ticket they filed or reviewed." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketState.STATE_QUEUE and ticket.decided_by is None
    # Someone else of the state decides it.
    signed_in(world.state_dataedits_b).post(
        reverse("dataedits:decide", args=[ticket.pk]), {"decision": "approve"}
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketState.APPROVED


def test_5_a_supervisor_of_another_area_never_sees_the_areas_opt_in_requests(world):
    request = request_by_partner(world, world.seekers["opted_out"])  # filed in office A's area
    other_area = world.esd_supervisor_b
    assert request not in OptInRequest.objects.visible_to(other_area)
    assert request not in OptInRequest.objects.in_queue_of(other_area)
    client = signed_in(other_area)
    assert client.get(reverse("optout:request_detail", args=[request.pk])).status_code == 404
    queue = client.get(reverse("optout:queue")).content.decode()
    assert request.client_name not in queue and request.client_phone not in queue
    # The area's own supervisor has it.
    assert (
        request.client_name
        in signed_in(world.esd_supervisor).get(reverse("optout:queue")).content.decode()
    )
