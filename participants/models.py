from django.db import models
from django.db.models.functions import Upper

from portal.audit import AuditedModel

from .crypto import EncryptedSSN
from .querysets import ParticipantQuerySet


class SearchKeyField(models.CharField):
    """A name in capitals, compared byte by byte ("C" collation) on PostgreSQL.

    Under the "C" collation one plain B-tree index both finds a prefix (LIKE 'SMI%') and hands
    back the matches already in order, so a page of "Smith" is read off the index, not sorted.
    """

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


def search_key(field: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=Upper(field),
        output_field=SearchKeyField(max_length=100),
        db_persist=True,
        editable=False,
    )


class Participant(AuditedModel, models.Model):
    """A job seeker (participant) of the WorkSource system.

    Seekers are opted in to data sharing by default; one who opted out (`opted_out`) is seen by
    state (ESD) staff only (seed 002), everywhere, through `Participant.objects.visible_to(user)`.
    The SSN is kept encrypted with a blind index (see `participants.crypto`), never in clear.
    """

    customer_id = models.CharField("customer ID", max_length=12, unique=True)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField("ZIP code", max_length=10, blank=True)
    opted_out = models.BooleanField(
        "opted out of data sharing",
        default=False,
        help_text="Seen only by state (ESD) staff while set; changed only by non-restricted ESD staff.",
    )
    ssn_ciphertext = models.BinaryField(null=True, editable=False)
    ssn_index = models.CharField(  # noqa: DJ001 (NULL: unique, but any number may lack an SSN)
        max_length=64, null=True, editable=False, unique=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Quick Search's keys (see participants.search), kept by the database itself.
    last_name_key = search_key("last_name")
    first_name_key = search_key("first_name")

    ssn = EncryptedSSN()

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "customer_id"]
        indexes = [
            # Quick Search by name: each index serves one part of the results (participants.search),
            # its order is the part's order, and with `opted_out` and `id` it counts and pages
            # partners' matches without reading the table.
            models.Index(
                fields=["last_name_key", "first_name_key", "customer_id"],
                include=["opted_out", "id"],
                name="participant_last_name_search",
            ),
            models.Index(
                fields=["first_name_key", "last_name_key", "customer_id"],
                include=["opted_out", "id"],
                name="participant_first_name_search",
            ),
            # A name with a date of birth ("smith 1993-11-22"): the few seekers born that day.
            models.Index(
                fields=["date_of_birth", "last_name_key"], name="participant_birth_search"
            ),
        ]

    def __str__(self):
        return f"{self.last_name}, {self.first_name} ({self.customer_id})"

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_ssn_index = instance.__dict__.get("ssn_index")
        return instance

    def get_additional_data(self) -> dict:
        # The audit trail never holds the SSN, not even encrypted: it only says that it changed.
        data = super().get_additional_data()
        if getattr(self, "_loaded_ssn_index", None) != self.ssn_index:
            data["ssn_changed"] = True
        return data


class Enrollment(AuditedModel, models.Model):
    """A seeker enrolled in an office ("Add Seeker to Office"): that office's staff may edit the record."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrollments"
    )
    office = models.ForeignKey(
        "access.Office", on_delete=models.PROTECT, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    enrolled_by = models.ForeignKey(
        "access.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "office"], name="one_enrollment_per_office"
            )
        ]
        indexes = [models.Index(fields=["office", "participant"], name="enrollment_office")]

    def __str__(self):
        return f"{self.participant} in {self.office}"
