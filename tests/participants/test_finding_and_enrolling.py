"""Finding and enrolling seekers in fewer steps (seed 001): what Quick Search refuses and finds,
the offices shown for each seeker, narrowing by office, and Add Seeker to Office from the record."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import Enrollment
from participants.query import NotASearch, parse_query
from participants.selectors import Scope, quick_search
from tests.factories import OfficeFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("participants:search")


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def search(client, q, scope="worksource", url=SEARCH):
    return client.post(url, {"q": q, "scope": scope})


class TestNotAValidSSN:
    """A number meant as an SSN but not one is refused as such, not searched as a name."""

    NOT_VALID = {
        "a digit short": "987-65-432",
        "a digit short, spaces": "987 65 432",
        "a digit too many": "987-65-43210",
        "ten digits": "9876543210",
        "groups of other lengths": "9876-54-321",
        "area 000": "000-12-3456",
        "area 666": "666-12-3456",
        "group 00": "987-00-4321",
        "serial 0000": "987-65-0000",
        "area 000, no dashes": "000123456",
    }

    @pytest.mark.parametrize("typed", NOT_VALID.values(), ids=NOT_VALID.keys())
    def test_quick_search_says_that_is_not_a_valid_ssn_and_keeps_nothing(self, world, typed):
        client = signed_in(world.partner_case_manager)
        response = search(client, typed)
        page = response.content.decode()
        assert response.status_code == 400
        assert "That is not a valid SSN" in page
        # Not the zero results that send a case manager to the opt-out steps.
        assert "Total Participants" not in page and "Opt-Out Lookup on your dashboard" not in page
        # Neither the page nor the session keeps the number: it may be an SSN typed slightly wrong.
        assert typed not in page
        assert "quick_searches" not in client.session

    def test_each_rule_says_what_is_wrong(self):
        reasons = {}
        for typed in ("000-12-3456", "666-12-3456", "987-00-4321", "987-65-0000", "987-65-432"):
            with pytest.raises(NotASearch) as refused:
                parse_query(typed)
            reasons[typed] = str(refused.value)
        assert reasons == {
            "000-12-3456": "That is not a valid SSN: no SSN starts with 000.",
            "666-12-3456": "That is not a valid SSN: no SSN starts with 666.",
            "987-00-4321": "That is not a valid SSN: the middle two digits of an SSN are never 00.",
            "987-65-0000": "That is not a valid SSN: the last four digits of an SSN are never 0000.",
            "987-65-432": "That is not a valid SSN: an SSN has nine digits (###-##-####), "
            "a customer ID up to eight digits.",
        }

    def test_areas_900_to_999_are_accepted_as_ssns(self, world):
        """No seed refuses them; the demo and test data are made of them (see participants.crypto)."""
        seeker = world.seekers["other"]
        assert 900 <= int(seeker.ssn[:3]) <= 999
        assert parse_query(seeker.ssn).ssn == seeker.ssn
        response = search(signed_in(world.partner_case_manager), seeker.ssn)
        assert response.status_code == 200 and "Total Participants: 1" in response.content.decode()

    def test_a_customer_id_and_a_name_are_still_searched(self, world):
        assert parse_query("20000001").customer_id == "20000001"
        assert parse_query(" Smith, Maria ").name == "Smith, Maria"


class TestDateOfBirth:
    @pytest.fixture
    def smiths(self, world):
        born = date(1993, 11, 22)
        ParticipantFactory(first_name="Maria", last_name="Smith", date_of_birth=born)
        ParticipantFactory(first_name="Ann", last_name="Smithers", date_of_birth=born)
        ParticipantFactory(first_name="Maria", last_name="Smith", date_of_birth=date(1990, 1, 5))
        ParticipantFactory(first_name="Jo", last_name="Jones", date_of_birth=born)
        return world

    @pytest.mark.parametrize("typed", ["smith 1993-11-22", "smith 11/22/1993", "1993-11-22 Smith"])
    def test_a_last_name_with_a_date_of_birth_finds_those_born_that_day(self, smiths, typed):
        found = quick_search(user=smiths.esd_case_manager, query=typed, scope=Scope.WORKSOURCE)
        assert [(s.last_name, s.date_of_birth) for s in found[: found.count()]] == [
            ("Smith", date(1993, 11, 22)),
            ("Smithers", date(1993, 11, 22)),
        ]

    def test_both_spellings_on_the_results_page(self, smiths):
        client = signed_in(smiths.esd_case_manager)
        for typed in ("smith 1993-11-22", "smith 11/22/1993", "maria smith 11/22/1993"):
            page = search(client, typed).content.decode()
            assert "Smith, Maria" in page and "11/22/1993" in page and "01/05/1990" not in page

    def test_the_date_of_birth_also_narrows_a_first_and_last_name(self, smiths):
        found = quick_search(
            user=smiths.esd_case_manager, query="maria smith 1993-11-22", scope=Scope.WORKSOURCE
        )
        assert [s.date_of_birth for s in found[: found.count()]] == [date(1993, 11, 22)]

    def test_an_opted_out_seeker_stays_hidden_from_partners(self, world):
        hidden = world.seekers["opted_out"]
        hidden.date_of_birth = date(1988, 4, 2)
        hidden.save(update_fields=["date_of_birth"])
        query = f"{hidden.last_name} 1988-04-02"
        assert (
            quick_search(
                user=world.partner_case_manager, query=query, scope=Scope.WORKSOURCE
            ).count()
            == 0
        )
        assert (
            quick_search(user=world.esd_case_manager, query=query, scope=Scope.WORKSOURCE).count()
            == 1
        )

    REFUSED = {
        "smith 1993-02-30": "That date of birth is not a date",
        "smith 13/22/1993": "That date of birth is not a date",
        "smith 9999-01-01": "Enter a date of birth between 1900 and today",
        "smith 1850-01-01": "Enter a date of birth between 1900 and today",
        "1993-11-22": "Add the seeker&#x27;s last name to the date of birth",
        "11/22/1993": "Add the seeker&#x27;s last name to the date of birth",
        "smith 1993-11-22 1994-01-01": "Type one date of birth",
        "smith 20000001": "Search by a name (with a date of birth if you know it)",
    }

    @pytest.mark.parametrize("typed,message", REFUSED.items(), ids=REFUSED.keys())
    def test_a_date_that_is_not_one_is_refused_with_the_reason(self, world, typed, message):
        response = search(signed_in(world.esd_case_manager), typed)
        assert response.status_code == 400 and message in response.content.decode()


class TestOfficesOfEachSeeker:
    def test_names_of_the_offices_the_current_one_first_and_and_n_more_past_three(self, world):
        seeker = ParticipantFactory(first_name="Mona", last_name="Many", offices=[world.office_a])
        for name in (
            "WorkSource Delta",
            "WorkSource Echo",
            "WorkSource Foxtrot",
            "WorkSource Gamma",
        ):
            Enrollment.objects.create(participant=seeker, office=OfficeFactory(name=name))
        ParticipantFactory(first_name="Nell", last_name="Many")  # in no office
        page = search(signed_in(world.partner_case_manager), "many").content.decode()
        assert (
            "WorkSource Alpha (your office); WorkSource Delta; WorkSource Echo and 2 more" in page
        )
        assert "WorkSource Foxtrot" not in page  # counted, not listed
        assert "No office" in page and "Not enrolled in WorkSource Alpha" in page
        # The record and the services page, one click from the row.
        assert reverse("participants:detail", args=[seeker.pk]) in page
        assert reverse("dataedits:seeker", args=[seeker.pk]) in page

    def test_another_offices_seeker_says_so(self, world):
        page = search(signed_in(world.partner_case_manager), "otheroffice").content.decode()
        assert "WorkSource Beta" in page and "Not enrolled in WorkSource Alpha" in page

    def test_the_query_count_does_not_grow_with_the_results(self, world, settings):
        """One query for the offices of the whole page, not one per row (no N+1)."""
        settings.PARTICIPANTS_PER_PAGE = 50
        client = signed_in(world.partner_case_manager)
        extra = OfficeFactory(name="WorkSource Kappa")

        def queries_for(query: str) -> int:
            search(client, query)  # the session and the person warmed up alike for both
            with CaptureQueriesContext(connection) as captured:
                response = search(client, query)
            assert response.status_code == 200
            return len(captured)

        ParticipantFactory(first_name="Una", last_name="Fewrows", offices=[world.office_a])
        few = queries_for("fewrows")
        for number in range(30):
            ParticipantFactory(
                first_name=f"Row{number}", last_name="Manyrows", offices=[world.office_a, extra]
            )
        many = queries_for("manyrows")
        assert "Total Participants: 30" in search(client, "manyrows").content.decode()
        assert many == few, f"{few} queries for 1 result, {many} for 30"
        assert many <= 20

    def test_a_broad_search_says_more_match_than_are_listed(self, world, monkeypatch):
        monkeypatch.setattr("participants.search.SearchResults.LISTED", 26)
        for number in range(30):
            ParticipantFactory(
                first_name=f"Row{number}", last_name="Broadname", offices=[world.office_a]
            )
        ParticipantFactory(first_name="Solitary", last_name="Broadname", offices=[world.office_a])
        client = signed_in(world.partner_case_manager)
        page = search(client, "broadname").content.decode()
        assert "Total Participants: more than 26" in page
        assert "Only the first 26 are listed" in page
        assert "Total Participants: 1<" in search(client, "solitary broadname").content.decode()


class TestNarrowingByOffice:
    @pytest.fixture
    def riveras(self, world):
        ParticipantFactory(first_name="Alma", last_name="Rivera", offices=[world.office_a])
        ParticipantFactory(first_name="Bruno", last_name="Rivera", offices=[world.office_b])
        return world

    def narrowed(self, client, office):
        token = search(client, "rivera").context["token"]
        return client.get(SEARCH, {"s": token, "office": office})

    def test_narrowing_keeps_the_seekers_enrolled_in_that_office(self, riveras):
        riveras.partner_case_manager.offices.add(riveras.office_b)
        client = signed_in(riveras.partner_case_manager)
        response = self.narrowed(client, riveras.office_b.pk)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Total Participants: 1" in page and "Rivera, Bruno" in page
        assert "Rivera, Alma" not in page and "enrolled in WorkSource Beta" in page

    def test_the_offices_offered_are_those_of_the_areas_one_works_in(self, riveras):
        far = OfficeFactory(name="WorkSource Faraway")
        client = signed_in(riveras.partner_case_manager)
        offered = search(client, "rivera").context["narrow"].fields["office"].queryset
        assert riveras.office_a in offered and far not in offered

    @pytest.mark.parametrize("forged", ["other area", "missing", "not a number", "overlong"])
    def test_a_forged_office_is_refused_with_a_message_and_the_results_stay_whole(
        self, riveras, forged
    ):
        client = signed_in(riveras.partner_case_manager)
        office = {
            "other area": riveras.office_b.pk,  # Beta Area: not where this person works
            "missing": 987654321,
            "not a number": "beta",
            "overlong": "9" * 400,
        }[forged]
        response = self.narrowed(client, office)
        page = response.content.decode()
        assert response.status_code == 400
        assert "You can narrow the results only to an office of the workforce" in page
        assert "Total Participants: 2" in page

    def test_no_office_filter_on_results_of_the_current_office(self, riveras):
        response = search(signed_in(riveras.partner_case_manager), "rivera", scope="office")
        assert 'aria-label="Narrow the results"' not in response.content.decode()


class TestTheEnrollPage:
    URL = reverse("participants:add_to_office")

    def test_the_menu_opens_enroll_job_seekers_into_the_current_office(self, world):
        client = signed_in(world.partner_case_manager)
        dashboard = client.get(reverse("portal:dashboard")).content.decode()
        assert f'href="{self.URL}"><span>Add Seeker to Office</span>' in dashboard
        page = client.get(self.URL).content.decode()
        assert "<h1>Enroll Job Seekers into WorkSource Alpha</h1>" in page

    def test_its_search_covers_all_of_worksource_and_offers_the_checkboxes(self, world):
        client = signed_in(world.partner_case_manager)
        # Even a forged "office" scope searches all of WorkSource here.
        response = search(client, "otheroffice", scope="office", url=self.URL)
        page = response.content.decode()
        assert response.status_code == 200
        assert "<h1>Enroll Job Seekers into WorkSource Alpha</h1>" in page
        assert "Total Participants: 1" in page and 'name="participants"' in page
        assert f'data-results-address="{self.URL}?s=' in page
        enrolled = client.post(
            reverse("participants:enroll"),
            {
                "participants": [world.seekers["other"].pk],
                "s": response.context["token"],
                "back": "add_to_office",
            },
        )
        assert enrolled["Location"] == f"{self.URL}?s={response.context['token']}"
        assert world.seekers["other"].enrollments.filter(office=world.office_a).exists()

    def test_readers_who_do_not_enroll_are_refused(self, world):
        client = signed_in(world.lwdb_reviewer)
        assert client.get(self.URL).status_code == 403
        assert search(client, "otheroffice", url=self.URL).status_code == 403


class TestAddSeekerToOfficeFromTheRecord:
    def test_the_read_only_record_offers_the_button_and_it_makes_the_record_editable(self, world):
        seeker = world.seekers["other"]
        client = signed_in(world.partner_case_manager)
        record = reverse("participants:detail", args=[seeker.pk])
        page = client.get(record).content.decode()
        assert "Add this seeker to your office to edit." in page
        button = reverse("participants:enroll_seeker", args=[seeker.pk])
        assert f'action="{button}"' in page and "Add Seeker to Office</button>" in page

        response = client.post(button)
        assert response.status_code == 302 and response["Location"] == record
        page = client.get(record).content.decode()
        assert "Enrolled in WorkSource Alpha: Oscar Otheroffice." in page
        assert "Add this seeker to your office to edit." not in page
        assert 'action="' + button not in page
        enrollment = seeker.enrollments.get(office=world.office_a)
        assert enrollment.enrolled_by == world.partner_case_manager

    def test_no_button_for_a_role_that_does_not_edit_or_a_seeker_already_in_the_office(self, world):
        other = world.seekers["other"]
        reader = signed_in(world.lwdb_reviewer)
        page = reader.get(reverse("participants:detail", args=[other.pk])).content.decode()
        assert "Your role can view seekers but not edit them." in page
        assert "Add Seeker to Office</button>" not in page
        own = world.seekers["own"]
        page = (
            signed_in(world.partner_case_manager)
            .get(reverse("participants:detail", args=[own.pk]))
            .content.decode()
        )
        assert "Add Seeker to Office</button>" not in page

    @pytest.mark.parametrize("role", ["lwdb_reviewer", "auditor", "mis_admin", "access_requester"])
    def test_a_forged_post_by_another_role_is_refused_and_enrolls_nobody(self, world, role):
        seeker = world.seekers["other"]
        before = Enrollment.objects.count()
        response = signed_in(world.people[role]).post(
            reverse("participants:enroll_seeker", args=[seeker.pk])
        )
        assert response.status_code == 403
        assert Enrollment.objects.count() == before

    def test_a_seeker_the_person_may_not_see_answers_404(self, world):
        hidden = world.seekers["opted_out"]
        hidden.enrollments.all().delete()
        response = signed_in(world.partner_case_manager).post(
            reverse("participants:enroll_seeker", args=[hidden.pk])
        )
        assert response.status_code == 404 and not hidden.enrollments.exists()

    def test_the_service_refuses_a_role_that_does_not_edit(self, world):
        from participants.services import enrollment_create
        from portal.errors import PortalError

        with pytest.raises(PortalError) as refused:
            enrollment_create(actor=world.lwdb_reviewer, participants=[world.seekers["other"]])
        assert refused.value.code == "role_cannot_enroll"
        assert not world.seekers["other"].enrollments.filter(office=world.office_a).exists()


class TestOneRequestSearch:
    def test_an_ssn_search_is_one_request_and_its_pages_are_gets_with_the_token(
        self, world, settings
    ):
        settings.PARTICIPANTS_PER_PAGE = 1
        seeker = world.seekers["own"]
        client = signed_in(world.esd_case_manager)
        dashed = f"{seeker.ssn[:3]}-{seeker.ssn[3:5]}-{seeker.ssn[5:]}"
        response = search(client, dashed, scope="office")
        page = response.content.decode()
        assert response.status_code == 200 and "Total Participants: 1" in page
        token = response.context["token"]
        # The token's address: the only address the page gives, and the session holds no SSN.
        stored = client.session["quick_searches"][token]
        assert set(stored) == {"ssn_index", "ssn_masked", "scope"}
        assert seeker.ssn not in str(dict(client.session)) and dashed not in str(
            dict(client.session)
        )
        assert seeker.ssn not in page and dashed not in page
        # The office switcher goes back to the token's address, not to the POST's.
        assert f'name="next" value="/participants/search/?s={token}"' in page

    def test_an_expired_token_asks_to_search_again_on_the_same_page(self, world):
        client = signed_in(world.partner_case_manager)
        url = reverse("participants:add_to_office")
        response = client.get(url, {"s": "gone"})
        assert response.status_code == 302 and response["Location"] == url
