"""The Opt-Out Lookup (seed 001): validation, the answer, the audit trail, the hourly limit."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from optout.models import OptOutLookup
from optout.services import opt_out_lookup
from participants.crypto import blind_index
from portal.errors import PortalError

from .conftest import assert_no_ssn

pytestmark = pytest.mark.django_db


def lookup_entries():
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(OptOutLookup))


class TestAnswer:
    def test_an_opted_out_seeker_answers_client_opted_out_with_the_name(self, world):
        seeker = world.seekers["opted_out"]
        lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=seeker.ssn)
        assert lookup.result == OptOutLookup.Result.OPTED_OUT
        assert lookup.participant == seeker
        assert lookup.get_result_display() == "CLIENT OPTED OUT"

    @pytest.mark.parametrize("typed", ["dashes", "digits"])
    def test_with_or_without_dashes(self, world, typed):
        seeker = world.seekers["opted_out"]
        ssn = (
            seeker.ssn
            if typed == "digits"
            else f"{seeker.ssn[:3]}-{seeker.ssn[3:5]}-{seeker.ssn[5:]}"
        )
        assert opt_out_lookup(actor=world.partner_case_manager, ssn=ssn).found_opted_out

    def test_a_seeker_who_shares_data_and_an_unknown_ssn_answer_alike(self, world):
        shares = opt_out_lookup(actor=world.partner_case_manager, ssn=world.seekers["own"].ssn)
        unknown = opt_out_lookup(actor=world.partner_case_manager, ssn="987-65-4320")
        for lookup in (shares, unknown):
            assert lookup.result == OptOutLookup.Result.NO_OPT_OUT
            assert lookup.participant is None

    def test_bad_input_says_so_and_records_nothing(self, world):
        for typed in (
            "",
            "98765432",
            "987-65-43210",
            "987 65 4321x",
            "nine digits",
            "９８７６５４３２１",
        ):
            with pytest.raises(PortalError, match="nine digits"):
                opt_out_lookup(actor=world.partner_case_manager, ssn=typed)
        assert not OptOutLookup.objects.exists()
        assert not lookup_entries().exists()

    def test_refused_to_state_staff_and_roles_without_seekers(self, world):
        for role in (
            "esd_case_manager",
            "esd_supervisor",
            "esd_restricted",
            "auditor",
            "access_requester",
        ):
            with pytest.raises(PortalError) as refused:
                opt_out_lookup(actor=world.people[role], ssn=world.seekers["opted_out"].ssn)
            assert refused.value.code == "not_partner_staff"
        assert not OptOutLookup.objects.exists()

    def test_local_board_reviewers_may_look_up(self, world):
        assert opt_out_lookup(
            actor=world.lwdb_reviewer, ssn=world.seekers["opted_out"].ssn
        ).found_opted_out


class TestAuditTrail:
    def test_each_lookup_is_audited_with_the_blind_index_and_never_the_ssn(self, world):
        seeker = world.seekers["opted_out"]
        with time_machine.travel(
            datetime(2026, 3, 2, 10, 15, tzinfo=timezone.get_current_timezone()), tick=False
        ):
            lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=seeker.ssn)
        entry = lookup_entries().get(object_pk=str(lookup.pk))
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.actor == world.partner_case_manager
        assert entry.timestamp == lookup.looked_up_at
        assert entry.additional_data["reason"] == "Opt-Out Lookup"
        assert entry.participant == seeker  # found by the seeker filter
        assert entry.changes_dict["ssn_index"][1] == blind_index(seeker.ssn)
        assert entry.changes_dict["result"][1] == "opted_out"
        row = json.dumps(list(AuditEntry.objects.values()), default=str)
        assert_no_ssn(row, seeker.ssn)
        assert_no_ssn(json.dumps(list(OptOutLookup.objects.values()), default=str), seeker.ssn)

    def test_the_lookup_page_keeps_the_ssn_out_of_urls_and_pages(self, world):
        seeker = world.seekers["opted_out"]
        client = Client()
        client.force_login(world.partner_case_manager)
        response = client.post(reverse("optout:lookup"), {"ssn": seeker.ssn})
        assert response.status_code == 302
        assert_no_ssn(response["Location"], seeker.ssn)
        page = client.get(response["Location"]).content.decode()
        assert "CLIENT OPTED OUT" in page and f"{seeker.last_name}, {seeker.first_name}" in page
        assert_no_ssn(page, seeker.ssn)
        refused = client.post(reverse("optout:lookup"), {"ssn": seeker.ssn[:8]})
        assert refused.status_code == 400
        assert "nine digits" in refused.content.decode()
        assert seeker.ssn[:8] not in refused.content.decode()  # the box is not refilled


class TestHourlyLimit:
    def test_the_limit_refuses_with_a_clear_message_until_the_next_hour(self, world, settings):
        settings.OPTOUT_LOOKUPS_PER_HOUR = 3
        partner, seeker = world.partner_case_manager, world.seekers["opted_out"]
        start = datetime(2026, 3, 2, 14, 5, tzinfo=timezone.get_current_timezone())
        with time_machine.travel(start, tick=False) as clock:
            for _ in range(3):
                assert opt_out_lookup(actor=partner, ssn=seeker.ssn).found_opted_out
            clock.shift(timedelta(minutes=50))
            with pytest.raises(PortalError) as refused:
                opt_out_lookup(actor=partner, ssn=seeker.ssn)
            assert refused.value.code == "rate_limited"
            assert refused.value.message == (
                "You have reached the limit of 3 Opt-Out Lookups an hour. You can look up again at 3:00 PM."
            )
            # Another person's lookups are counted apart.
            assert opt_out_lookup(actor=world.lwdb_reviewer, ssn=seeker.ssn).found_opted_out
            clock.shift(timedelta(minutes=6))  # 3:01 PM: a new hour
            assert opt_out_lookup(actor=partner, ssn=seeker.ssn).found_opted_out
        results = list(
            OptOutLookup.objects.filter(staff=partner)
            .order_by("pk")
            .values_list("result", flat=True)
        )
        assert results == ["opted_out"] * 3 + ["rate_limited", "opted_out"]
        refused_entry = lookup_entries().get(
            object_pk=str(OptOutLookup.objects.get(result="rate_limited").pk)
        )
        assert refused_entry.additional_data == {
            "reason": "Opt-Out Lookup refused: hourly limit reached"
        }

    def test_the_limit_is_shown_on_the_page(self, world, settings):
        settings.OPTOUT_LOOKUPS_PER_HOUR = 1
        client = Client()
        client.force_login(world.partner_case_manager)
        ssn = world.seekers["own"].ssn
        assert client.post(reverse("optout:lookup"), {"ssn": ssn}).status_code == 302
        refused = client.post(reverse("optout:lookup"), {"ssn": ssn})
        assert refused.status_code == 400
        assert (
            "You have reached the limit of 1 Opt-Out Lookups an hour." in refused.content.decode()
        )

    def test_bad_input_is_not_counted(self, world, settings):
        settings.OPTOUT_LOOKUPS_PER_HOUR = 1
        for _ in range(3):
            with pytest.raises(PortalError):
                opt_out_lookup(actor=world.partner_case_manager, ssn="12345")
        # The refused inputs counted nothing: the one lookup of the hour is still there, and answers.
        lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=world.seekers["own"].ssn)
        assert lookup.result == OptOutLookup.Result.NO_OPT_OUT
        assert list(OptOutLookup.objects.values_list("result", flat=True)) == [
            OptOutLookup.Result.NO_OPT_OUT
        ]

    NEVER_ISSUED = {
        "000-12-3456": "no SSN starts with 000",
        "666-12-3456": "no SSN starts with 666",
        "987-00-4321": "the middle two digits of an SSN are never 00",
        "987-65-0000": "the last four digits of an SSN are never 0000",
        "987-65-432": "an SSN has nine digits",
    }

    def test_a_number_that_is_not_a_valid_ssn_is_refused_before_it_is_counted(
        self, world, settings
    ):
        settings.OPTOUT_LOOKUPS_PER_HOUR = 1
        for typed, why in self.NEVER_ISSUED.items():
            with pytest.raises(PortalError) as refused:
                opt_out_lookup(actor=world.partner_case_manager, ssn=typed)
            assert refused.value.code == "invalid_ssn"
            assert refused.value.message.startswith(f"That is not a valid SSN: {why}")
        assert not OptOutLookup.objects.exists() and not lookup_entries().exists()
        # The hour's one lookup is still there.
        lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=world.seekers["own"].ssn)
        assert lookup.result == OptOutLookup.Result.NO_OPT_OUT

    @pytest.mark.parametrize("typed", list(NEVER_ISSUED))
    def test_the_lookup_page_says_that_is_not_a_valid_ssn(self, world, settings, typed):
        settings.OPTOUT_LOOKUPS_PER_HOUR = 1
        client = Client()
        client.force_login(world.partner_case_manager)
        refused = client.post(reverse("optout:lookup"), {"ssn": typed})
        page = refused.content.decode()
        assert refused.status_code == 400
        assert "That is not a valid SSN" in page and self.NEVER_ISSUED[typed] in page
        assert typed not in page  # the box is not refilled
        ssn = world.seekers["own"].ssn
        assert client.post(reverse("optout:lookup"), {"ssn": ssn}).status_code == 302


def test_a_lookup_answer_is_shown_only_to_the_person_who_looked_up(world):
    lookup = opt_out_lookup(actor=world.partner_case_manager, ssn=world.seekers["opted_out"].ssn)
    colleague_client = Client()
    colleague_client.force_login(world.lwdb_reviewer)
    assert (
        colleague_client.get(reverse("optout:lookup_result", args=[lookup.pk])).status_code == 404
    )


def test_no_opt_out_points_to_quick_search_in_worksource(world):
    client = Client()
    client.force_login(world.partner_case_manager)
    response = client.post(
        reverse("optout:lookup"), {"ssn": "987-65-4329"}, follow=True
    )  # nobody's SSN
    page = response.content.decode()
    assert "No opt-out on file" in page and "Quick Search in WorkSource" in page
    assert "File an opt-in request" not in page


def test_no_ssn_in_logs_urls_emails_or_the_audit_trail(
    world, settings, django_capture_on_commit_callbacks, mailoutbox
):
    """The whole chain at DEBUG, SQL included: a bad lookup, a refused one, a good one, filing, deciding."""
    from tests.participants.test_no_clear_ssn import every_log_record

    settings.OPTOUT_LOOKUPS_PER_HOUR = 2
    seeker = world.seekers["opted_out"]
    partner, supervisor = Client(), Client()
    partner.force_login(world.partner_case_manager)
    supervisor.force_login(world.esd_supervisor)
    urls = []
    with every_log_record() as logs, django_capture_on_commit_callbacks(execute=True):
        typo = seeker.ssn[:8]
        assert partner.post(reverse("optout:lookup"), {"ssn": typo}).status_code == 400
        assert (
            partner.post(reverse("optout:lookup"), {"ssn": world.seekers["own"].ssn}).status_code
            == 302
        )
        found = partner.post(reverse("optout:lookup"), {"ssn": seeker.ssn})
        assert (
            partner.post(reverse("optout:lookup"), {"ssn": seeker.ssn}).status_code == 400
        )  # over the limit
        urls.append(found["Location"])
        filing_url = reverse(
            "optout:request_file", args=[OptOutLookup.objects.get(result="opted_out").pk]
        )
        filed = partner.post(
            filing_url,
            {
                "client_name": "Ophelia Optedout",
                "client_phone": "(360) 555-0100",
                "client_reason": "Wants WIOA services.",
            },
        )
        urls += [filing_url, filed["Location"]]
        decided = supervisor.post(
            filed["Location"] + "decide/",
            {"decision": "opt_in", "client_contacted_on": timezone.localdate().isoformat()},
        )
        urls.append(decided["Location"])
    assert decided.status_code == 302 and len(mailoutbox) == 2
    log_text = "\n".join(logs.lines)
    assert blind_index(seeker.ssn) in log_text  # the SQL was recorded
    assert_no_ssn(log_text, seeker.ssn, world.seekers["own"].ssn)
    assert typo not in log_text
    assert_no_ssn("\n".join(urls), seeker.ssn)
    assert_no_ssn("\n".join(m.subject + m.body for m in mailoutbox), seeker.ssn)
    assert_no_ssn(
        json.dumps(list(AuditEntry.objects.values()), default=str),
        seeker.ssn,
        world.seekers["own"].ssn,
    )
