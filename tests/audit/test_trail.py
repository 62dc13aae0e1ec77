import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from participants.services import participant_update


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_opening_a_record_is_an_access_event_with_who_and_why(world):
    seeker = world.seekers["other"]
    signed_in(world.partner_case_manager).get(reverse("participants:detail", args=[seeker.pk]))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS, object_pk=str(seeker.pk))
    assert entry.actor == world.partner_case_manager
    assert entry.participant == seeker
    # Where the reader worked then, kept for the accounting of disclosures.
    assert entry.additional_data == {
        "reason": "seeker record opened",
        "organization": str(world.partner_case_manager.organization),
        "office": str(world.partner_case_manager.current_office),
    }


@pytest.mark.django_db
def test_a_hidden_seeker_leaves_no_access_event(world):
    hidden = world.seekers["opted_out"]
    assert (
        signed_in(world.partner_case_manager)
        .get(reverse("participants:detail", args=[hidden.pk]))
        .status_code
        == 404
    )
    assert not AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, object_pk=str(hidden.pk)
    ).exists()


@pytest.mark.django_db
class TestAuditorPage:
    def test_filters_by_seeker_user_and_date(self, world):
        own, other = world.seekers["own"], world.seekers["other"]
        participant_update(actor=world.esd_case_manager, participant=own, changes={"city": "Forks"})
        participant_update(actor=world.esd_supervisor, participant=own, changes={"city": "Sequim"})
        client = signed_in(world.auditor)
        trail = reverse("audit:trail")
        # The identifiers are POSTed; the page the filter leads to names database ids only.
        filtered = client.post(trail, {"customer_id": own.customer_id})
        assert (
            filtered["Location"] == f"{trail}?participant={own.pk}"
            and own.customer_id not in filtered["Location"]
        )
        by_seeker = client.get(filtered["Location"]).content.decode()
        assert "Forks" in by_seeker and "Sequim" in by_seeker and other.last_name not in by_seeker
        assert f'value="{own.customer_id}"' in by_seeker  # the box is refilled
        by_user = client.post(
            trail, {"customer_id": own.customer_id, "username": "esd.supervisor"}, follow=True
        ).content.decode()
        assert "Sequim" in by_user and "→ Forks" not in by_user.replace("Forks →", "")
        past = client.post(trail, {"date_to": "2020-01-01"}, follow=True).content.decode()
        assert "No audit entry matches" in past
        assert client.get(trail, {"participant": "not-a-number"}).status_code == 400

    def test_bad_filters_say_why(self, world):
        page = (
            signed_in(world.auditor)
            .post(
                reverse("audit:trail"),
                {
                    "customer_id": "00000000",
                    "username": "nobody",
                    "date_from": "2026-02-01",
                    "date_to": "2026-01-01",
                },
            )
            .content.decode()
        )
        assert (
            "Remove the Social Security number"
            in signed_in(world.auditor)
            .post(reverse("audit:trail"), {"customer_id": "917 43 8265"})
            .content.decode()
        )
        assert "No seeker has this customer ID." in page
        assert "No staff member has this username." in page
        assert "The end date is before the start date." in page
