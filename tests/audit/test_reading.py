"""The trail read as a person reads it, its export streamed and audited, sign-ins in it."""

from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from access.models import Staff
from access.services import sign_in_complete
from audit.export import cell
from audit.models import AuditEntry, Kind
from audit.render import Change, readable_changes
from audit.views import TRAIL_HEADER
from participants.services import participant_update

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def entry_about(instance, changes, **fields) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance),
        action=AuditEntry.Action.UPDATE,
        changes=changes,
        **fields,
    )


class TestValues:
    def test_false_is_no_and_true_is_yes(self, world):
        seeker = world.seekers["own"]
        rows = readable_changes(entry_about(seeker, {"opted_out": [True, False]}))
        assert rows == [Change("Opted out of data sharing", "Yes", "No")]

    def test_an_empty_many_to_many_change_and_added_offices_by_name(self, world):
        person = world.partner_case_manager
        person.offices.add(world.office_b)
        entry = AuditEntry.objects.filter(
            object_pk=str(person.pk), changes__has_key="offices"
        ).latest("pk")
        assert readable_changes(entry) == [Change("Offices", note="added: WorkSource Beta")]
        empty = entry_about(
            person, {"offices": {"type": "m2m", "operation": "delete", "objects": []}}
        )
        assert readable_changes(empty) == [Change("Offices", note="removed: none")]

    def test_a_foreign_key_reads_as_the_name_it_had_when_written(self, world):
        person = world.partner_case_manager
        person.offices.add(world.office_b)
        person.current_office = world.office_b
        person.save()
        entry = AuditEntry.objects.filter(
            object_pk=str(person.pk), changes__has_key="current_office"
        ).latest("pk")
        world.office_b.name = "WorkSource Renamed"
        world.office_b.save()
        assert Change("Current office", "WorkSource Alpha", "WorkSource Beta") in (
            readable_changes(entry)
        )

    def test_a_choice_reads_as_its_label(self, world):
        person = world.partner_case_manager
        rows = readable_changes(entry_about(person, {"role": ["case_manager", "supervisor"]}))
        assert rows == [Change("Role", "Case manager", "ESD WIOA supervisor")]

    def test_a_time_reads_in_the_state_time_zone(self, world, settings):
        settings.TIME_ZONE = "America/Los_Angeles"
        person = world.partner_case_manager
        entry = entry_about(person, {"nda_signed_at": ["None", "2026-07-01 17:30:00"]})
        assert readable_changes(entry) == [
            Change("Confidentiality agreement signed", "—", "07/01/2026 10:30:00 AM")
        ]

    def test_the_ssn_is_only_said_to_have_changed(self, world):
        seeker = world.seekers["own"]
        seeker.ssn, seeker.city = "900-55-1234", "Forks"
        seeker.save()
        entry = AuditEntry.objects.filter(participant=seeker).latest("pk")
        assert Change("SSN", note="changed") in readable_changes(entry)
        page = signed_in(world.auditor).get(reverse("audit:trail"), {"participant": seeker.pk})
        text = page.content.decode()
        assert (
            "SSN" in text and "900-55-1234" not in text and "1234" not in text.split("SSN")[1][:40]
        )

    def test_new_records_have_no_reverse_relation_changes(self, world):
        seeker = world.seekers["own"]
        from optout.services import participant_set_opt_out

        participant_set_opt_out(actor=world.esd_case_manager, participant=seeker, opted_out=True)
        page = signed_in(world.auditor).get(reverse("audit:trail")).content.decode()
        assert ".None" not in page


class TestPage:
    def test_one_line_per_entry_with_details_folded(self, world):
        seeker = world.seekers["own"]
        participant_update(
            actor=world.esd_case_manager, participant=seeker, changes={"city": "Forks"}
        )
        page = signed_in(world.auditor).get(reverse("audit:trail"), {"participant": seeker.pk})
        text = page.content.decode()
        assert "<details>" in text and "seeker record edited (1 change)" in text
        assert "City</dt><dd>— → Forks" in text

    def test_filters_by_action_office_and_dates(self, world):
        seeker = world.seekers["own"]
        participant_update(
            actor=world.esd_case_manager, participant=seeker, changes={"city": "Forks"}
        )
        signed_in(world.partner_case_manager_b).get(
            reverse("participants:detail", args=[world.seekers["other"].pk])
        )
        client = signed_in(world.auditor)
        accesses = client.post(reverse("audit:trail"), {"kind": "access"}, follow=True)
        entries = accesses.context["page"].paginator.object_list
        assert entries.exists() and set(entries.values_list("kind", flat=True)) == {Kind.ACCESS}
        office_b = client.post(reverse("audit:trail"), {"office": world.office_b.pk}, follow=True)
        actors = set(office_b.context["page"].paginator.object_list.values_list("actor", flat=True))
        assert actors == {world.partner_case_manager_b.pk}
        refused = client.post(reverse("audit:trail"), {"date_from": "9999-01-01"})
        assert refused.status_code == 400


class TestExport:
    def test_streams_the_filtered_rows_and_is_audited(self, world):
        seeker = world.seekers["own"]
        participant_update(
            actor=world.esd_case_manager, participant=seeker, changes={"city": "Forks"}
        )
        participant_update(
            actor=world.esd_case_manager, participant=seeker, changes={"city": "Sequim"}
        )
        client = signed_in(world.auditor)
        response = client.get(reverse("audit:trail_csv"), {"participant": seeker.pk})
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"].startswith("text/csv")
        assert "no-store" in response["Cache-Control"]
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert lines[0] == ",".join(TRAIL_HEADER)
        assert (
            len(lines) == 3
        )  # the header and the two changes (the export's own entry follows them)
        assert "City: Forks → Sequim" in lines[1] and seeker.customer_id in lines[1]
        export = AuditEntry.objects.get(additional_data__reason="audit trail exported")
        assert (export.actor, export.participant, export.kind) == (
            world.auditor,
            seeker,
            Kind.ACCESS,
        )
        assert export.additional_data["rows"] == 2

    def test_a_cell_that_would_be_a_formula_is_text(self):
        assert [cell(value) for value in ("=1+1", "@SUM(A1)", "-2", "Forks", None)] == [
            "'=1+1",
            "'@SUM(A1)",
            "'-2",
            "Forks",
            "",
        ]

    def test_refused_to_others_and_for_bad_filters(self, world):
        assert signed_in(world.esd_supervisor).get(reverse("audit:trail_csv")).status_code == 403
        bad = signed_in(world.auditor).get(reverse("audit:trail_csv"), {"participant": "x"})
        assert bad.status_code == 400
        assert not AuditEntry.objects.filter(
            additional_data__reason="audit trail exported"
        ).exists()


class TestSignIns:
    def test_sign_ins_and_failures_are_in_the_trail_filtered_by_sign_in(self, world, settings):
        person = world.partner_case_manager
        client = Client()
        client.post(reverse("login"), {"username": person.username, "password": "wrong"})
        sign_in_complete(staff=Staff.objects.get(pk=person.pk))
        auditor = signed_in(world.auditor)
        page = auditor.post(
            reverse("audit:trail"), {"kind": "sign_in", "username": person.username}, follow=True
        )
        reasons = list(
            page.context["page"].paginator.object_list.values_list(
                "additional_data__reason", flat=True
            )
        )
        assert reasons == ["signed in", "sign-in refused: wrong password"]
        assert "sign-in refused: wrong password" in page.content.decode()

    def test_a_username_no_one_has_leaves_no_entry(self, world):
        before = AuditEntry.objects.count()
        Client().post(reverse("login"), {"username": "nobody", "password": "wrong"})
        assert AuditEntry.objects.count() == before


def test_the_when_column_is_the_state_time(world, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    seeker = world.seekers["own"]
    entry_about(
        seeker,
        {"city": ["", "Forks"]},
        participant=seeker,
        timestamp=datetime(2026, 7, 1, 17, 30, tzinfo=UTC),
    )
    page = signed_in(world.auditor).get(reverse("audit:trail"), {"participant": seeker.pk})
    assert "07/01/2026 10:30:00" in page.content.decode()
