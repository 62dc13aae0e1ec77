from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.audit import AuditedModel


class Email(models.Model):
    """One email the portal sends, kept until the mail server has taken it.

    Written in the same transaction as the change it tells of, and handed to the worker once that
    commits (notifications.services.email_queue): a change that rolls back sends nothing, and a
    mail server that is down delays the email, never the change. The body holds no SSN: every
    text that reaches it was refused one (portal.text); it is emptied once sent, since it may
    carry a first-sign-in link or a client's name and phone.
    """

    to = models.JSONField(help_text="The recipients' addresses.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    # When the task will try again after a failure; the sweep leaves alone an email a task still holds.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="email_unsent")]

    def __str__(self):
        return f"Email {self.pk}: {self.subject}"


MESSAGE_LIMIT = 300


class Notification(AuditedModel, models.Model):
    """A notice in the portal for one staff member, kept until they read it, then as a record.

    Stored by `notifications.services.notification_send`, the one way a notice is given. Staff are
    deactivated, never deleted, so a recipient's notices stay (PROTECT). The message and link never
    hold an SSN, and the link is a page of the portal. A notice about a seeker names them on the
    list only while the recipient may see them (the visibility gate); a link to a page of the
    seeker's (a data-edit ticket) is followed only then too, so a seeker who opts out is not one
    click away from partner staff. A notice is read when its recipient opens it (a POST) or marks
    it read, never by a page merely being shown.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    message = models.CharField(max_length=MESSAGE_LIMIT)
    link = models.CharField(max_length=200, help_text="The page of the portal the notice is about.")
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The seeker the notice is about, if any: named only to a recipient the gate shows them to.",
    )
    # An opt-in request's page is its filer's whatever the seeker chose: only a link to the
    # seeker's own pages waits on the gate.
    link_behind_gate = models.BooleanField(
        default=True,
        help_text="The link opens a page of the seeker's: followed only while the gate shows them.",
    )
    # The email row rather than an `emailed_at` of its own: the outbox already knows when (and
    # whether, after how many tries) the email went out, and a second copy of that would drift.
    # Null when the notice was not emailed (no address, a deactivated account) or predates this.
    email = models.OneToOneField(
        Email, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_unread"),
            models.Index(fields=["link", "read_at"], name="notice_link_unread"),
        ]

    def __str__(self) -> str:
        return self.message
