"""The 20-day deadline is measured when the local board sends a ticket to the state (seed 004).

Tickets already sent on count as filed with the state on the day they reached its queue; those
still with the local board are not filed with the state yet. Each keeps its deadline, as its
last pre-check gave it.
"""

from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def measured_at_the_state(apps, schema_editor):
    Ticket = apps.get_model("dataedits", "DataEditTicket")
    for ticket in Ticket.objects.all():
        ticket.filed_on = timezone.localdate(ticket.received_at) if ticket.received_at else None
        deadline = (ticket.precheck or {}).get("deadline")
        ticket.deadline = date.fromisoformat(deadline) if deadline else None
        ticket.save(update_fields=["filed_on", "deadline"])


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_authenticators_on_django_otp"),
        ("dataedits", "0003_remove_notification_emailed_at"),
        ("participants", "0003_search_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="dataeditticket",
            name="ticket_local_queue",
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="acknowledged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="acknowledged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="deadline",
            field=models.DateField(
                blank=True,
                help_text="The last day the state may receive it: its applicable quarter's end plus 20 days.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="filer_phone",
            field=models.CharField(blank=True, max_length=10, verbose_name="work phone"),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="gain_date",
            field=models.DateField(blank=True, null=True, verbose_name="date of the gain"),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="gain_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("educational_functioning_level", "Educational functioning level achieved"),
                    ("secondary_diploma", "Secondary school diploma or equivalent attained"),
                    ("transcript", "Secondary or postsecondary transcript or report card"),
                    ("training_milestone", "Training milestone"),
                    ("skills_progression", "Skills progression (passed an exam)"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="need_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("participant_data", "Participant data edit"),
                    ("demographic_snapshot", "Demographic snapshot"),
                    ("measurable_skills_gain", "Measurable skills gain"),
                    ("other", "Other case management need"),
                ],
                max_length=32,
                verbose_name="type of need",
            ),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="routing_note",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="dataeditticket",
            name="subject",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="dataeditticket",
            name="filed_on",
            field=models.DateField(
                blank=True,
                help_text="The day the local board sent it to the state: the 20-day deadline is measured here.",
                null=True,
                verbose_name="filed with the state on",
            ),
        ),
        migrations.AlterField(
            model_name="dataeditticket",
            name="kind",
            field=models.CharField(
                choices=[
                    ("add_service", "Add a service"),
                    ("modify_service", "Modify a service"),
                    ("delete_service", "Delete a service"),
                    ("correct_seeker_data", "Correct a demographic field"),
                    ("measurable_skills_gain", "Record a measurable skills gain"),
                ],
                max_length=24,
            ),
        ),
        migrations.AddIndex(
            model_name="dataeditticket",
            index=models.Index(
                fields=["state", "deadline", "submitted_at"], name="ticket_local_queue"
            ),
        ),
        migrations.RunPython(measured_at_the_state, migrations.RunPython.noop),
    ]
