"""The accounting of disclosures on a seeker's record, and the browsing report."""

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry, Kind

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened(user, seeker) -> None:
    assert signed_in(user).get(reverse("participants:detail", args=[seeker.pk])).status_code == 200


class TestWhoHasSeenThisRecord:
    def test_every_reader_with_organization_office_and_what_newest_first(self, world):
        seeker = world.seekers["own"]
        opened(world.partner_case_manager, seeker)
        signed_in(world.esd_case_manager).get(reverse("dataedits:seeker", args=[seeker.pk]))
        opened(world.partner_case_manager, world.seekers["other"])  # another seeker: not listed
        page = signed_in(world.esd_supervisor).get(reverse("audit:disclosures", args=[seeker.pk]))
        assert page.status_code == 200
        readers = [
            (entry.actor, entry.additional_data["reason"])
            for entry in page.context["page"].object_list
        ]
        # Newest first: the supervisor's own reading of the accounting is the newest disclosure.
        assert readers == [
            (world.esd_supervisor, "accounting of disclosures read"),
            (world.esd_case_manager, "services and case notes opened"),
            (world.partner_case_manager, "seeker record opened"),
        ]
        text = page.content.decode()
        assert "Partner Services" in text and "WorkSource Alpha" in text
        assert "Services and case notes opened" in text

    def test_the_office_is_the_one_worked_in_then(self, world):
        seeker = world.seekers["own"]
        reader = world.partner_case_manager
        opened(reader, seeker)
        reader.offices.add(world.office_b)
        reader.current_office = world.office_b
        reader.save()
        page = signed_in(world.auditor).get(reverse("audit:disclosures", args=[seeker.pk]))
        entry = [e for e in page.context["page"].object_list if e.actor == reader][0]
        assert entry.additional_data["office"] == "WorkSource Alpha"

    def test_the_record_offers_it_to_state_staff_only(self, world):
        seeker = world.seekers["own"]
        link = reverse("audit:disclosures", args=[seeker.pk])
        for person in (world.esd_case_manager, world.auditor):
            page = signed_in(person).get(reverse("participants:detail", args=[seeker.pk]))
            assert link in page.content.decode()
        partner = signed_in(world.partner_case_manager)
        page = partner.get(reverse("participants:detail", args=[seeker.pk]))
        assert link not in page.content.decode()

    def test_a_partner_is_refused_and_a_hidden_seeker_is_not_found(self, world):
        seeker = world.seekers["own"]
        for name in ("audit:disclosures", "audit:disclosures_print", "audit:disclosures_csv"):
            url = reverse(name, args=[seeker.pk])
            assert signed_in(world.partner_case_manager).get(url).status_code == 403
            assert signed_in(world.lwdb_reviewer).get(url).status_code == 403
        missing = reverse("audit:disclosures", args=[999_999])
        assert signed_in(world.auditor).get(missing).status_code == 404
        assert not AuditEntry.objects.filter(
            additional_data__reason__startswith="accounting of disclosures"
        ).exists()

    def test_printable_and_csv_for_the_seeker_each_audited(self, world):
        seeker = world.seekers["opted_out"]
        opened(world.esd_case_manager, seeker)
        client = signed_in(world.auditor)
        printed = client.get(reverse("audit:disclosures_print", args=[seeker.pk]))
        assert "Accounting of disclosures" in printed.content.decode()
        assert "esd.casemanager" in printed.content.decode()
        export = client.get(reverse("audit:disclosures_csv", args=[seeker.pk]))
        assert isinstance(export, StreamingHttpResponse)
        rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
        assert rows[0] == [
            "when (state time)",
            "staff member",
            "organization",
            "office",
            "what they saw",
        ]
        seen = [row[4] for row in rows[1:]]
        assert seen == [
            "Accounting of disclosures exported",
            "Accounting of disclosures printed",
            "Seeker record opened",
        ]
        assert (
            seeker.ssn
            not in b"".join(
                client.get(reverse("audit:disclosures_csv", args=[seeker.pk])).streaming_content
            ).decode()
        )
        assert (
            AuditEntry.objects.filter(
                participant=seeker, kind=Kind.ACCESS, actor=world.auditor
            ).count()
            == 3
        )


class TestBrowsingReport:
    def test_ranks_staff_who_opened_seekers_outside_their_offices(self, world):
        own, other = world.seekers["own"], world.seekers["other"]  # office A, office B
        opened(world.partner_case_manager, own)  # in their office: not browsing
        opened(world.partner_case_manager, other)
        opened(world.esd_case_manager, other)
        opened(world.esd_case_manager, other)
        opened(world.esd_case_manager, world.seekers["opted_out"])  # office A: theirs
        opened(world.esd_supervisor_b, own)
        opened(world.esd_supervisor_b, world.seekers["opted_out"])
        today = timezone.localdate()
        page = signed_in(world.mis_admin).get(
            reverse("audit:browsing"),
            {"date_from": today.isoformat(), "date_to": today.isoformat()},
        )
        assert page.status_code == 200
        rows = [
            (row["actor__username"], row["seekers"], row["openings"])
            for row in page.context["page"].object_list
        ]
        assert rows == [
            ("esd.supervisor.b", 2, 2),
            ("esd.casemanager", 1, 2),
            ("partner.casemanager", 1, 1),
        ]

    def test_an_earlier_range_lists_no_one_and_bad_dates_say_why(self, world):
        opened(world.partner_case_manager, world.seekers["other"])
        client = signed_in(world.auditor)
        earlier = timezone.localdate() - timedelta(days=10)
        page = client.get(
            reverse("audit:browsing"),
            {"date_from": earlier.isoformat(), "date_to": earlier.isoformat()},
        )
        assert "No one opened a record" in page.content.decode()
        bad = client.get(
            reverse("audit:browsing"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
        )
        assert (
            bad.status_code == 400
            and "The end date is before the start date." in bad.content.decode()
        )
        assert client.get(reverse("audit:browsing"), {"date_from": "9999-01-01"}).status_code == 400

    def test_refused_to_a_partner_and_to_state_staff_who_do_not_read_the_trail(self, world):
        for person in (world.partner_case_manager, world.esd_supervisor):
            assert signed_in(person).get(reverse("audit:browsing")).status_code == 403
