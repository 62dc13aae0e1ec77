"""Property: whatever the population, no search scope or count ever shows a non-state user an opted-out seeker."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.models import Enrollment, Participant
from participants.selectors import Scope, quick_search
from tests.factories import ssn_for

LAST_NAMES = ["Smith", "Smithers", "Nguyen", "Ngu", "Garcia"]
FIRST_NAMES = ["Ana", "Anil", "Bo", "Smitty"]

seeker = st.fixed_dictionaries({
    "first_name": st.sampled_from(FIRST_NAMES),
    "last_name": st.sampled_from(LAST_NAMES),
    "opted_out": st.booleans(),
    "offices": st.sets(st.sampled_from(["a", "b"])),
})
QUERIES = st.sampled_from(["smi", "Smith", "ngu", "ana smith", "Smith, Ana", "garcia", "bo"])


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=st.lists(seeker, min_size=1, max_size=12), query=QUERIES,
       viewer=st.sampled_from(["partner_case_manager", "lwdb_reviewer", "esd_case_manager", "esd_restricted"]))
def test_non_state_staff_never_find_opted_out_seekers(world, population, query, viewer):
    user = world.people[viewer]
    offices = {"a": world.office_a, "b": world.office_b}
    with transaction.atomic():
        created = []
        for number, spec in enumerate(population):
            participant = Participant(first_name=spec["first_name"], last_name=spec["last_name"],
                                      opted_out=spec["opted_out"], customer_id=str(30_000_000 + number))
            participant.ssn = ssn_for(5000 + number)
            participant.save()
            Enrollment.objects.bulk_create(Enrollment(participant=participant, office=offices[o]) for o in spec["offices"])
            created.append((participant, spec))
        opted_out_ids = {p.pk for p, spec in created if spec["opted_out"]} | {world.seekers["opted_out"].pk}

        for scope in Scope:
            found = quick_search(user=user, query=query, scope=scope)
            ids = {seeker.pk for seeker in found}
            if user.is_state_staff:
                continue
            assert not ids & opted_out_ids
            assert found.count() == len(ids)
        # Searching an opted-out seeker's SSN or customer ID finds nobody for partner staff.
        for participant, spec in created:
            for text in (participant.ssn, participant.customer_id):
                for scope in Scope:
                    hits = quick_search(user=user, query=text, scope=scope)
                    expected_visible = user.is_state_staff or not spec["opted_out"]
                    in_scope = scope == Scope.WORKSOURCE or "a" in spec["offices"]
                    assert hits.count() == (1 if expected_visible and in_scope else 0)
        visible = Participant.objects.visible_to(user)
        assert visible.count() == (Participant.objects.count() if user.is_state_staff
                                   else Participant.objects.count() - len(opted_out_ids))
        transaction.set_rollback(True)
