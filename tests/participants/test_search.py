import pytest
from django.test import Client
from django.urls import reverse

from participants.selectors import Scope, quick_search
from tests.factories import ParticipantFactory


def found(user, query, scope=Scope.WORKSOURCE):
    return {seeker.last_name for seeker in quick_search(user=user, query=query, scope=scope)}


def listed(user, query, scope=Scope.WORKSOURCE):
    """The results in the order the results page lists them, as "First Last"."""
    results = quick_search(user=user, query=query, scope=scope)
    return [f"{seeker.first_name} {seeker.last_name}" for seeker in results[: results.count()]]


@pytest.mark.django_db
class TestQuickSearch:
    @pytest.fixture
    def people(self, world):
        ParticipantFactory(first_name="Maria", last_name="Smith", offices=[world.office_a])
        ParticipantFactory(first_name="John", last_name="Smithers", offices=[world.office_b])
        ParticipantFactory(first_name="Smitty", last_name="Jones", offices=[world.office_b])
        return world

    def test_one_word_is_a_case_insensitive_prefix_of_a_first_or_last_name(self, people):
        assert found(people.esd_case_manager, "smi") == {"Smith", "Smithers", "Jones"}
        assert found(people.esd_case_manager, "SMITHE") == {"Smithers"}

    def test_two_words_are_first_and_last_name_in_either_order(self, people):
        assert found(people.esd_case_manager, "maria smith") == {"Smith"}
        assert found(people.esd_case_manager, "Smith Maria") == {"Smith"}
        assert found(people.esd_case_manager, "Smith, Ma") == {"Smith"}
        assert found(people.esd_case_manager, "jo smi") == {
            "Smithers",
            "Jones",
        }  # Smitty Jones, reversed

    def test_last_name_matches_come_first_then_first_name_matches(self, people):
        ParticipantFactory(
            first_name="Ann", last_name="smith"
        )  # capitals make no difference to the order
        assert listed(people.esd_case_manager, "smi") == [
            "Ann smith",
            "Maria Smith",
            "John Smithers",
            "Smitty Jones",
        ]

    def test_full_name_as_typed_comes_before_the_reverse(self, people):
        ParticipantFactory(first_name="Jones", last_name="Smitty")
        assert listed(people.esd_case_manager, "smitty jones") == ["Smitty Jones", "Jones Smitty"]

    def test_names_with_accents_and_wildcard_characters_match_literally(self, people):
        ParticipantFactory(first_name="José", last_name="Núñez")
        ParticipantFactory(first_name="Under", last_name="Score_Ward")
        ParticipantFactory(first_name="Under", last_name="ScoreXWard")
        assert found(people.esd_case_manager, "núñ") == {"Núñez"}
        assert found(people.esd_case_manager, "NÚÑEZ") == {"Núñez"}
        assert found(people.esd_case_manager, "score_") == {"Score_Ward"}
        assert found(people.esd_case_manager, "%") == set()

    def test_office_scope_is_the_current_office_only(self, people):
        assert found(people.esd_case_manager, "smi", Scope.OFFICE) == {"Smith"}

    def test_ssn_with_or_without_dashes_and_customer_id_match_exactly(self, world):
        seeker = world.seekers["other"]
        assert found(world.partner_case_manager, seeker.ssn) == {seeker.last_name}
        assert found(
            world.partner_case_manager, f"{seeker.ssn[:3]}-{seeker.ssn[3:5]}-{seeker.ssn[5:]}"
        ) == {seeker.last_name}
        assert found(world.partner_case_manager, seeker.customer_id) == {seeker.last_name}
        assert found(world.partner_case_manager, seeker.customer_id[:-1]) == set()

    def test_an_opted_out_seeker_is_found_by_state_staff_only(self, world):
        hidden = world.seekers["opted_out"]
        for query in (hidden.last_name, hidden.ssn, hidden.customer_id):
            assert found(world.esd_case_manager, query) == {hidden.last_name}
            assert found(world.esd_restricted, query) == {hidden.last_name}
            assert found(world.partner_case_manager, query) == set()


@pytest.mark.django_db
class TestQuickSearchPages:
    def client_for(self, user):
        client = Client()
        client.force_login(user)
        return client

    def test_the_search_is_answered_with_its_results_and_the_ssn_stays_out_of_urls(self, world):
        seeker = world.seekers["other"]
        client = self.client_for(world.partner_case_manager)
        response = client.post(
            reverse("participants:search"), {"q": seeker.ssn, "scope": "worksource"}
        )
        # One request: the POST's answer is the results page, at the token's address.
        assert response.status_code == 200
        html = response.content.decode()
        assert "Total Participants: 1" in html
        assert f"***-**-{seeker.ssn[-4:]}" in html
        assert seeker.ssn not in html and f"{seeker.ssn[:3]}-{seeker.ssn[3:5]}" not in html
        token = response.context["token"]
        assert f'data-results-address="/participants/search/?s={token}"' in html
        # Not even the session keeps the SSN: only its blind index.
        assert seeker.ssn not in str(client.session.get("quick_searches"))
        # The token's address shows the same results by GET (Back, Reload, the next pages).
        again = client.get(reverse("participants:search"), {"s": token}).content.decode()
        assert "Total Participants: 1" in again and "Otheroffice, Oscar" in again
        assert "data-results-address" not in again

    def test_results_are_paginated_by_the_token(self, world, settings):
        settings.PARTICIPANTS_PER_PAGE = 2
        for number in range(5):
            ParticipantFactory(first_name="Pat", last_name=f"Pager{number}")
        client = self.client_for(world.esd_case_manager)
        first = client.post(reverse("participants:search"), {"q": "pager", "scope": "worksource"})
        html = first.content.decode()
        token = first.context["token"]
        assert "Total Participants: 5" in html and "Page 1 of 3" in html
        # The next page's link holds the token, not the query.
        assert (
            f'href="?s={token}&amp;page=2"' in html and "pager" not in html.split("Page 1 of 3")[1]
        )
        last = client.get(reverse("participants:search"), {"s": token, "page": 3}).content.decode()
        assert "Page 3 of 3" in last
        assert "Pager4" in last and "Pager0" not in last

    def test_bad_input_says_why(self, world):
        response = self.client_for(world.esd_case_manager).post(
            reverse("participants:search"), {"q": " ", "scope": "worksource"}
        )
        assert response.status_code == 400
        assert "Type a name, a full SSN or a customer ID" in response.content.decode()

    def test_an_expired_search_token_asks_to_search_again(self, world):
        response = self.client_for(world.esd_case_manager).get(
            reverse("participants:search") + "?s=unknown", follow=True
        )
        assert "That search has expired" in response.content.decode()

    def test_enrolling_from_results_confirms_and_refuses_invisible_seekers(self, world):
        client = self.client_for(world.partner_case_manager)
        response = client.post(
            reverse("participants:enroll"),
            {"participants": [world.seekers["other"].pk]},
            follow=True,
        )
        assert "Enrolled in WorkSource Alpha: Oscar Otheroffice." in response.content.decode()
        hidden = world.seekers["opted_out"]
        hidden.enrollments.all().delete()
        response = client.post(
            reverse("participants:enroll"), {"participants": [hidden.pk]}, follow=True
        )
        assert "could not be found" in response.content.decode()
        assert not hidden.enrollments.exists()

    @pytest.mark.parametrize(
        "chosen, message",
        [
            ([], "Tick at least one seeker to enroll."),
            (["abc"], "One or more of the chosen seekers could not be found."),
            (["-4"], "One or more of the chosen seekers could not be found."),
            (["99999999999999999999999"], "One or more of the chosen seekers could not be found."),
            (["1\x00"], "One or more of the chosen seekers could not be found."),
            ([str(n) for n in range(1, 102)], "Tick at most 100 seekers at a time."),
        ],
    )
    def test_garbled_or_overlong_choices_are_refused_with_a_message(self, world, chosen, message):
        from participants.models import Enrollment

        before = Enrollment.objects.count()
        response = self.client_for(world.partner_case_manager).post(
            reverse("participants:enroll"), {"participants": chosen}, follow=True
        )
        assert response.status_code == 200 and message in response.content.decode()
        assert Enrollment.objects.count() == before


@pytest.mark.django_db
def test_each_part_of_a_name_search_is_read_in_order_off_its_index(world):
    """The plan, not the time: a page of each part comes off its index already in order, unsorted."""
    from django.db import connection

    results = quick_search(user=world.partner_case_manager, query="smi", scope=Scope.WORKSOURCE)
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for part in results.parts:
            sql, params = part.values_list("pk", flat=True)[:25].query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    last_name_part, first_name_part = plans
    assert "Index Only Scan using participant_last_name_search" in last_name_part
    assert "Index Only Scan using participant_first_name_search" in first_name_part
    assert "Sort" not in last_name_part and "Sort" not in first_name_part


@pytest.mark.django_db
class TestSearchResultsPaging:
    """Pages that run across the parts of the results, whether a part is held whole or counted."""

    @pytest.fixture
    def results(self, world):
        for number in range(4):
            ParticipantFactory(first_name=f"First{number}", last_name=f"Mora{number}")
        for number in range(3):
            ParticipantFactory(first_name=f"Morgan{number}", last_name=f"Last{number}")
        return lambda: quick_search(
            user=world.esd_case_manager, query="mor", scope=Scope.WORKSOURCE
        )

    EXPECTED = ["Mora0", "Mora1", "Mora2", "Mora3", "Last0", "Last1", "Last2"]

    @pytest.mark.parametrize(
        "held_ids", [500, 2], ids=["parts held whole", "parts counted and sliced"]
    )
    def test_any_slice_is_the_same_list(self, results, monkeypatch, held_ids):
        monkeypatch.setattr("participants.search.SearchResults.HELD_IDS", held_ids)
        listing = results()
        assert listing.count() == 7 and len(listing) == 7
        for start in range(8):
            for stop in range(start, 9):
                assert [s.last_name for s in results()[start:stop]] == self.EXPECTED[start:stop]
        assert results()[4].last_name == "Last0"

    def test_the_paginator_pages_across_the_parts(self, results):
        from django.core.paginator import Paginator

        pages = Paginator(results(), 3)
        assert pages.num_pages == 3
        assert [[s.last_name for s in pages.page(n)] for n in (1, 2, 3)] == [
            self.EXPECTED[0:3],
            self.EXPECTED[3:6],
            self.EXPECTED[6:],
        ]

    @pytest.mark.parametrize(
        ("held_ids", "listed"),
        [(500, 5), (2, 5), (2, 4), (3, 3)],
        ids=["held whole", "counted", "cap inside the first part", "cap at the first part"],
    )
    def test_a_broad_search_lists_and_counts_no_more_than_listed(
        self, results, monkeypatch, held_ids, listed
    ):
        monkeypatch.setattr("participants.search.SearchResults.HELD_IDS", held_ids)
        monkeypatch.setattr("participants.search.SearchResults.LISTED", listed)
        listing = results()
        assert listing.count() == listed and listing.more
        assert [s.last_name for s in listing[0:10]] == self.EXPECTED[:listed]
        assert [s.last_name for s in results()[listed - 1 : listed + 3]] == [
            self.EXPECTED[listed - 1]
        ]

    def test_a_search_within_the_cap_is_counted_exactly(self, results, monkeypatch):
        monkeypatch.setattr("participants.search.SearchResults.LISTED", 7)
        listing = results()
        assert listing.count() == 7 and not listing.more

    def test_the_first_pages_are_served_from_the_ids_fetched_to_count(
        self, results, monkeypatch, django_assert_num_queries
    ):
        """A long part's first ids are fetched anyway: its first page needs no query of its own."""
        monkeypatch.setattr("participants.search.SearchResults.HELD_IDS", 2)
        listing = results()
        with django_assert_num_queries(4):  # part 1: ids, count; part 2: ids, count; no page ids
            listing.count()
        with django_assert_num_queries(1):  # the page's rows
            assert [s.last_name for s in listing[0:2]] == self.EXPECTED[0:2]
        with django_assert_num_queries(2):  # past the fetched ids: the page's ids, then its rows
            assert [s.last_name for s in listing[2:4]] == self.EXPECTED[2:4]


@pytest.mark.django_db
def test_quick_search_reads_the_search_database(world, settings):
    """With a replica configured, searches are read from it (the queries are built, not run here)."""
    settings.QUICK_SEARCH_DATABASE = "replica"
    for query in (
        "smi",
        "maria smith",
        world.seekers["other"].customer_id,
        world.seekers["other"].ssn,
    ):
        results = quick_search(user=world.partner_case_manager, query=query, scope=Scope.OFFICE)
        assert results.parts and {part.db for part in results.parts} == {"replica"}
