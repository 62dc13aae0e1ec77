from django.db import models


class ParticipantChildQuerySet(models.QuerySet):
    """Rows that belong to a seeker: seen only through the visibility gate of their seeker."""

    participant_path = "participant"

    def visible_to(self, user) -> "ParticipantChildQuerySet":
        from participants.models import Participant

        return self.filter(**{f"{self.participant_path}__in": Participant.objects.visible_to(user)})


class DocumentQuerySet(ParticipantChildQuerySet):
    participant_path = "ticket__participant"
