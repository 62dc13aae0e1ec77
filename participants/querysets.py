from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef

from .crypto import blind_index, normalize_ssn

if TYPE_CHECKING:
    from access.models import Office


class ParticipantQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> "ParticipantQuerySet":
        """The seekers `user` may see: the one gate every read of seekers starts from.

        State (ESD) staff see every seeker; everyone else sees only seekers who share data
        (`opted_out` false). Staff whose role has no work with seekers, and anyone signed out
        or deactivated, see none, and so does anyone who has not signed the confidentiality agreement.
        Restricted users see what their organization's staff see.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.can_read_seekers:
            return self.none()
        # No seeker before the confidentiality agreement is signed (policy 1021 g.iv, h.v).
        if getattr(user, "nda_signed_at", None) is None:
            return self.none()
        if user.is_state_staff:
            return self.all()
        return self.filter(opted_out=False)

    def enrolled_in(self, office: "Office | int") -> "ParticipantQuerySet":
        # From the app registry: models.py builds its manager from this module.
        Enrollment = apps.get_model("participants", "Enrollment")
        return self.filter(
            Exists(Enrollment.objects.filter(participant=OuterRef("pk"), office=office))
        )

    def with_ssn(self, ssn: str) -> "ParticipantQuerySet":
        """Exact SSN match through the blind index (the SSN itself is never compared)."""
        digits = normalize_ssn(ssn)
        return self.filter(ssn_index=blind_index(digits)) if digits else self.none()
