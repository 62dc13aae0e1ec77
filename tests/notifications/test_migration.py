"""The move of both kinds of notice of before into the one Notification, read state and times kept."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from dataedits.models import TicketState
from notifications.models import Notification
from tests.dataedits.authz_rows import ticket_for
from tests.optout.authz_rows import request_by_partner

BEFORE = [
    ("notifications", "0002_notification"),
    ("optout", "0001_initial"),
    ("dataedits", "0005_smaller_gaps"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_every_notice_of_before_is_kept_with_its_read_state_and_times(world):
    partner, supervisor = world.partner_case_manager, world.esd_supervisor
    opt_in_request = request_by_partner(world, world.seekers["opted_out"])
    ticket = ticket_for(world, world.seekers["own"], status=TicketState.LOCAL_REVIEW)
    now = timezone.now()
    try:
        old = migrate(BEFORE)
        OptOutNotice = old.get_model("optout", "Notification")
        DataEditNotice = old.get_model("dataedits", "Notification")
        OptOutNotice.objects.create(
            recipient_id=supervisor.pk,
            opt_in_request_id=opt_in_request.pk,
            message="New opt-in request from Pat.",
            created_at=now - timedelta(days=3),
            read_at=now - timedelta(days=2),
        )
        OptOutNotice.objects.create(
            recipient_id=partner.pk,
            opt_in_request_id=opt_in_request.pk,
            message="Ophelia Optedout asked to remain opted out.",
            created_at=now - timedelta(days=1),
        )
        DataEditNotice.objects.create(
            recipient_id=partner.pk,
            ticket_id=ticket.pk,
            message=f"Data-edit ticket #{ticket.pk} was submitted and awaits local board review.",
            created_at=now - timedelta(days=2),
        )

        migrate(latest())
        moved = list(Notification.objects.order_by("created_at"))
        assert [
            (n.recipient, n.link, n.participant, n.created_at, n.read_at, n.email) for n in moved
        ] == [
            (
                supervisor,
                f"/optout/requests/{opt_in_request.pk}/",
                None,
                now - timedelta(days=3),
                now - timedelta(days=2),
                None,
            ),
            (
                partner,
                f"/dataedits/tickets/{ticket.pk}/",
                ticket.participant,
                now - timedelta(days=2),
                None,
                None,
            ),
            (
                partner,
                f"/optout/requests/{opt_in_request.pk}/",
                None,
                now - timedelta(days=1),
                None,
                None,
            ),
        ]
        assert moved[1].message.startswith(f"Data-edit ticket #{ticket.pk} was submitted")
        # The links written out by the migration are the pages' addresses.
        assert moved[0].link == reverse("optout:request_detail", args=[opt_in_request.pk])
        assert moved[1].link == reverse("dataedits:ticket_detail", args=[ticket.pk])

        # Undone, the notices go back where they were, none lost and none left twice.
        old = migrate(BEFORE)
        assert not old.get_model("notifications", "Notification").objects.exists()
        back = old.get_model("optout", "Notification").objects.order_by("created_at")
        assert [(n.recipient_id, n.read_at) for n in back] == [
            (supervisor.pk, now - timedelta(days=2)),
            (partner.pk, None),
        ]
        [ticket_notice] = old.get_model("dataedits", "Notification").objects.all()
        assert ticket_notice.ticket_id == ticket.pk and ticket_notice.read_at is None
    finally:
        migrate(latest())
