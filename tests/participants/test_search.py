import pytest
from django.test import Client
from django.urls import reverse

from participants.selectors import Scope, quick_search
from tests.factories import ParticipantFactory


def found(user, query, scope=Scope.WORKSOURCE):
    return set(quick_search(user=user, query=query, scope=scope).values_list("last_name", flat=True))


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
        assert found(people.esd_case_manager, "jo smi") == {"Smithers", "Jones"}  # Smitty Jones, reversed

    def test_office_scope_is_the_current_office_only(self, people):
        assert found(people.esd_case_manager, "smi", Scope.OFFICE) == {"Smith"}

    def test_ssn_with_or_without_dashes_and_customer_id_match_exactly(self, world):
        seeker = world.seekers["other"]
        assert found(world.partner_case_manager, seeker.ssn) == {seeker.last_name}
        assert found(world.partner_case_manager, f"{seeker.ssn[:3]}-{seeker.ssn[3:5]}-{seeker.ssn[5:]}") == {seeker.last_name}
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

    def test_results_page_counts_and_masks_and_keeps_the_ssn_out_of_urls(self, world):
        seeker = world.seekers["other"]
        client = self.client_for(world.partner_case_manager)
        response = client.post(reverse("participants:search"), {"q": seeker.ssn, "scope": "worksource"})
        assert response.status_code == 302 and seeker.ssn not in response["Location"]
        page = client.get(response["Location"])
        html = page.content.decode()
        assert "Total Participants: 1" in html
        assert f"***-**-{seeker.ssn[-4:]}" in html
        assert seeker.ssn not in html and f"{seeker.ssn[:3]}-{seeker.ssn[3:5]}" not in html
        # Not even the session keeps the SSN: only its blind index.
        assert seeker.ssn not in str(client.session.get("quick_searches"))

    def test_results_are_paginated(self, world, settings):
        settings.PARTICIPANTS_PER_PAGE = 2
        for number in range(5):
            ParticipantFactory(first_name="Pat", last_name=f"Pager{number}")
        client = self.client_for(world.esd_case_manager)
        location = client.post(reverse("participants:search"), {"q": "pager", "scope": "worksource"})["Location"]
        first, last = client.get(location), client.get(location + "&page=3")
        assert "Total Participants: 5" in first.content.decode()
        assert "Page 1 of 3" in first.content.decode() and "Page 3 of 3" in last.content.decode()
        assert "Pager4" in last.content.decode() and "Pager0" not in last.content.decode()

    def test_bad_input_says_why(self, world):
        response = self.client_for(world.esd_case_manager).post(reverse("participants:search"), {"q": " ", "scope": "worksource"})
        assert response.status_code == 400
        assert "Type a name, a full SSN or a customer ID" in response.content.decode()

    def test_an_expired_search_token_asks_to_search_again(self, world):
        response = self.client_for(world.esd_case_manager).get(reverse("participants:search") + "?s=unknown", follow=True)
        assert "That search has expired" in response.content.decode()

    def test_enrolling_from_results_confirms_and_refuses_invisible_seekers(self, world):
        client = self.client_for(world.partner_case_manager)
        response = client.post(reverse("participants:enroll"), {"participants": [world.seekers["other"].pk]}, follow=True)
        assert "Enrolled in WorkSource Alpha: Oscar Otheroffice." in response.content.decode()
        hidden = world.seekers["opted_out"]
        hidden.enrollments.all().delete()
        response = client.post(reverse("participants:enroll"), {"participants": [hidden.pk]}, follow=True)
        assert "could not be found" in response.content.decode()
        assert not hidden.enrollments.exists()


@pytest.mark.django_db
def test_name_search_can_use_the_prefix_indexes(world):
    """The plan, not the time: with sequential scans ruled out, both name indexes serve the query."""
    from django.db import connection

    query = quick_search(user=world.partner_case_manager, query="smi", scope=Scope.WORKSOURCE)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "participant_last_name_prefix" in plan and "participant_first_name_prefix" in plan
