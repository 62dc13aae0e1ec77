"""Every notice of before, of opt-in requests (optout) and of data-edit tickets (dataedits), moves
into the one Notification, with its recipient, message, time and read state.

The links are the pages' addresses as of this migration, written out: reverse() would follow a
later rename of a URL and break this migration on a database that runs it late. A ticket's notice
names the ticket's seeker, so its link follows the visibility gate as the old page did. Their
emails went out with the old code and are in the outbox already: they are not linked or sent again.
"""

import re

from django.db import migrations

OPT_IN_REQUEST = "/optout/requests/{}/"
TICKET = "/dataedits/tickets/{}/"
BATCH = 1000


def copy_notices(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    OptOutNotice = apps.get_model("optout", "Notification")
    DataEditNotice = apps.get_model("dataedits", "Notification")
    notices = [
        Notification(
            recipient_id=old.recipient_id,
            message=old.message,
            link=OPT_IN_REQUEST.format(old.opt_in_request_id),
            created_at=old.created_at,
            read_at=old.read_at,
        )
        for old in OptOutNotice.objects.order_by("pk").iterator(chunk_size=BATCH)
    ] + [
        Notification(
            recipient_id=old.recipient_id,
            message=old.message,
            link=TICKET.format(old.ticket_id),
            participant_id=old.ticket.participant_id,
            created_at=old.created_at,
            read_at=old.read_at,
        )
        for old in DataEditNotice.objects.select_related("ticket")
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    ]
    # In the order they were given, so that the newest-first lists read as before.
    notices.sort(key=lambda notice: notice.created_at)
    Notification.objects.bulk_create(notices, batch_size=BATCH)


def copy_notices_back(apps, schema_editor):
    """Undoing it puts the notices of both kinds back where they were, and keeps no copy here."""
    Notification = apps.get_model("notifications", "Notification")
    OptOutNotice = apps.get_model("optout", "Notification")
    DataEditNotice = apps.get_model("dataedits", "Notification")
    kinds = (
        (re.compile(r"^/optout/requests/(\d+)/$"), OptOutNotice, "opt_in_request_id"),
        (re.compile(r"^/dataedits/tickets/(\d+)/$"), DataEditNotice, "ticket_id"),
    )
    moved = []
    for notice in Notification.objects.order_by("created_at", "pk").iterator(chunk_size=BATCH):
        for pattern, model, about in kinds:
            match = pattern.match(notice.link)
            if match:
                model.objects.create(
                    recipient_id=notice.recipient_id,
                    message=notice.message,
                    created_at=notice.created_at,
                    read_at=notice.read_at,
                    **{about: int(match[1])},
                )
                moved.append(notice.pk)
    Notification.objects.filter(pk__in=moved).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notification"),
        ("optout", "0001_initial"),
        ("dataedits", "0005_smaller_gaps"),
    ]

    operations = [migrations.RunPython(copy_notices, copy_notices_back)]
