from django.contrib.auth.models import AbstractUser
from django.db import models

from portal.audit import AuditedModel

from .roles import AUDIT_READERS, SEEKER_EDITORS, SEEKER_READERS, Role


class WorkforceDevelopmentArea(AuditedModel, models.Model):
    """A workforce development area (WDA), served by a local workforce development board."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"WDA {self.number}: {self.name}"


class Organization(AuditedModel, models.Model):
    """An organization whose staff use the portal: the state agency (ESD), a partner or a local board.

    Staff of the state agency see every seeker; everyone else sees only seekers who share data.
    """

    name = models.CharField(max_length=200, unique=True)
    is_state_agency = models.BooleanField(
        default=False, help_text="The state agency (ESD): its staff see seekers who opted out."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Office(AuditedModel, models.Model):
    """A WorkSource office (one-stop center or affiliate) in a workforce development area."""

    name = models.CharField(max_length=200, unique=True)
    area = models.ForeignKey(WorkforceDevelopmentArea, on_delete=models.PROTECT, related_name="offices")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Staff(AuditedModel, AbstractUser):
    """A person who signs in: one organization, one role, assigned offices and a current office.

    The current office is the office the person is "logged into": searches "in" it, Add Seeker
    to Office and editing a seeker's record all act on it. It is always one of the assigned offices.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CASE_MANAGER)
    is_restricted = models.BooleanField(
        default=False, help_text="Restricted users can never change a seeker's opt-out."
    )
    offices = models.ManyToManyField(Office, related_name="staff", blank=True)
    current_office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "staff member"
        verbose_name_plural = "staff"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_state_staff(self) -> bool:
        """Staff of the state agency (ESD), the only ones who see seekers who opted out."""
        return self.organization_id is not None and self.organization.is_state_agency

    @property
    def can_read_seekers(self) -> bool:
        return self.role in SEEKER_READERS

    @property
    def can_edit_seekers(self) -> bool:
        return self.role in SEEKER_EDITORS

    @property
    def can_read_audit_trail(self) -> bool:
        return self.role in AUDIT_READERS and self.is_state_staff
