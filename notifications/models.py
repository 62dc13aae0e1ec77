from django.db import models
from django.utils import timezone


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
