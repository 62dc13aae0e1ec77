from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from access.models import Staff


class ParticipantChildQuerySet(models.QuerySet):
    """Rows that belong to a seeker: seen only through the visibility gate of their seeker."""

    participant_path = "participant"

    def visible_to(self, user: Any) -> Self:
        # `user` is whoever asks, signed out (AnonymousUser) included: the seekers' gate refuses them.
        from participants.models import Participant

        gate = Participant.objects.visible_to(user)
        if gate.query.is_empty():
            return self.none()
        if not gate.query.where:  # the gate lets every seeker through: nothing to join it to
            return self.all()
        return self.filter(**{f"{self.participant_path}__in": gate})


class TicketQuerySet(ParticipantChildQuerySet):
    def visible_to(self, user: Any) -> Self:
        """A deleted draft is kept for the audit trail, and seen by nobody."""
        return super().visible_to(user).exclude(status="deleted")


class DocumentQuerySet(ParticipantChildQuerySet):
    participant_path = "ticket__participant"

    def visible_to(self, user: Any) -> Self:
        return super().visible_to(user).exclude(ticket__status="deleted")


class CaseNoteQuerySet(ParticipantChildQuerySet):
    def readable_by(self, user: "Staff") -> Self:
        """Notes `user` may read: through the gate, and a note naming a condition only in its author's
        office (the person works there) or for state staff."""
        notes = self.visible_to(user)
        if getattr(user, "is_state_staff", False):
            return notes
        return notes.filter(
            models.Q(names_condition=False) | models.Q(office__in=user.offices.all())
        )
