from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # SSN columns never enter the trail; get_additional_data() records "ssn_changed" instead.
        # The search keys are the names again, in capitals.
        auditlog.register(
            models.Participant,
            exclude_fields=["ssn_ciphertext", "ssn_index", "last_name_key", "first_name_key"],
        )
        auditlog.register(models.Enrollment)
