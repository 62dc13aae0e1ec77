import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.models import Staff
from audit.demo import demo_seeker
from audit.models import AuditEntry, Kind
from demo.seed import seed_demo


@pytest.mark.django_db
def test_the_auditor_sees_the_demo_seekers_whole_history_from_one_filter():
    seed_demo(seekers=40, opted_out_share=0.1)
    seeker = demo_seeker()
    auditor = Client()
    auditor.force_login(Staff.objects.get(username="auditor"))
    filtered = auditor.post(reverse("audit:trail"), {"customer_id": seeker.customer_id})
    entries = auditor.get(filtered["Location"]).context["page"].paginator.object_list
    kinds = {entry.content_type.model for entry in entries}
    assert {"participant", "enrollment", "service", "dataeditticket"} <= kinds
    assert entries.filter(kind=Kind.ACCESS, actor__username="partner.casemanager").exists()
    today = timezone.localdate().isoformat()
    browsing = auditor.get(reverse("audit:browsing"), {"date_from": today, "date_to": today})
    assert browsing.context["page"].object_list[0]["actor__username"] == "partner2.casemanager"
    reads = AuditEntry.objects.filter(kind=Kind.ACCESS).count()

    seed_demo(seekers=40, opted_out_share=0.1)
    assert AuditEntry.objects.filter(kind=Kind.ACCESS).count() == reads
