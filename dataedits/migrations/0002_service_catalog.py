"""The service catalog's first entries (issue: "at least these codes").

Kept here as a frozen copy: later changes to the catalog are data, made through the admin
of the catalog or another migration, never by editing this one.
"""

from django.db import migrations

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


def seed_catalog(apps, schema_editor):
    ServiceType = apps.get_model("dataedits", "ServiceType")
    for code, name, counts in CATALOG:
        ServiceType.objects.update_or_create(
            code=code,
            defaults={"name": name, "counts_toward_participation": counts, "is_active": True},
        )


def unseed_catalog(apps, schema_editor):
    ServiceType = apps.get_model("dataedits", "ServiceType")
    ServiceType.objects.filter(
        code__in=[code for code, _, _ in CATALOG], services__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("dataedits", "0001_initial")]

    operations = [migrations.RunPython(seed_catalog, unseed_catalog)]
