"""The service catalog the portal starts with (the issue's codes; seed 004's services).

Migration 0002 loads a frozen copy of this list; `catalog_ensure` puts back any entry that is
missing (the demo loader calls it, so a database emptied by hand gets its catalog back).
"""

from django.db import transaction

from portal.audit import audit_reason

from .models import ServiceType

CATALOG = [
    # code, name, counts toward participation
    ("initial_assessment", "Initial Assessment", True),
    ("career_guidance", "Career Guidance", True),
    ("occupational_skills_training", "Occupational Skills Training", True),
    ("workforce_preparation", "Workforce Preparation Assistance", True),
    ("work_experience", "Work Experience", True),
    ("supportive_service", "Supportive Service", True),
    ("follow_up", "Follow-up Service", False),
    ("self_service", "Self-Service", False),
    ("information_only", "Information Only", False),
]


def catalog_ensure(*, actor=None) -> int:
    """Adds the catalog entries that are missing; existing ones are left as they are. Returns how many."""
    existing = set(ServiceType.objects.values_list("code", flat=True))
    missing = [
        ServiceType(code=code, name=name, counts_toward_participation=counts)
        for code, name, counts in CATALOG
        if code not in existing
    ]
    if missing:
        with transaction.atomic(), audit_reason("service catalog loaded", actor=actor):
            for service_type in missing:
                service_type.save()
    return len(missing)
