"""Property: whatever the population, every search path shows each viewer exactly what the gate lets through.

Both sides are asserted against an oracle written here, apart from the code it checks: no seeker
the viewer may not see is returned, and every visible seeker that matches is. The paths: a name
(one word, two words, "Last, First"), a customer ID, an SSN through its blind index, and the
remembered SSN search of the results pages (the blind index alone).
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.crypto import blind_index
from participants.models import Enrollment, Participant
from participants.selectors import Scope, quick_search
from tests.authz import READERS
from tests.factories import ssn_for

LAST_NAMES = ["Smith", "Smithers", "Nguyen", "Ngu", "Garcia"]
FIRST_NAMES = ["Ana", "Anil", "Bo", "Smitty"]

seeker = st.fixed_dictionaries(
    {
        "first_name": st.sampled_from(FIRST_NAMES),
        "last_name": st.sampled_from(LAST_NAMES),
        "opted_out": st.booleans(),
        "offices": st.sets(st.sampled_from(["a", "b"])),
    }
)
NAME_QUERIES = [
    "smi",
    "Smith",
    "ngu",
    "ana smith",
    "Smith, Ana",
    "garcia",
    "bo",
    "smitty smith",
    "Nguyen, ",
]


def name_matches(first: str, last: str, text: str) -> bool:
    """The oracle of participants.search: case-insensitive prefixes, either order for two words."""
    if "," in text:
        surname, _, given_name = text.partition(",")
        words = [given_name.strip(), surname.strip()] if given_name.strip() else [surname.strip()]
    else:
        words = text.split()
    words = [word.upper() for word in words if word]
    first, last = first.upper(), last.upper()
    if len(words) == 1:
        return last.startswith(words[0]) or first.startswith(words[0])
    a, b = words[0], words[-1]
    return (first.startswith(a) and last.startswith(b)) or (
        first.startswith(b) and last.startswith(a)
    )


def may_see(user, participant) -> bool:
    return user.is_state_staff or not participant.opted_out


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(population=st.lists(seeker, min_size=1, max_size=12), viewer=st.sampled_from(READERS))
def test_every_search_path_returns_exactly_the_visible_matches(world, population, viewer):
    user = world.people[viewer]
    offices = {"a": world.office_a, "b": world.office_b}
    with transaction.atomic():
        for number, spec in enumerate(population):
            participant = Participant(
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                opted_out=spec["opted_out"],
                customer_id=str(30_000_000 + number),
            )
            participant.ssn = ssn_for(5000 + number)
            participant.save()
            Enrollment.objects.bulk_create(
                Enrollment(participant=participant, office=offices[o]) for o in spec["offices"]
            )
        everyone = list(Participant.objects.prefetch_related("enrollments"))

        def expected(scope, matches) -> set[int]:
            in_scope = (
                (lambda p: True)
                if scope == Scope.WORKSOURCE
                else (
                    lambda p: any(
                        e.office_id == user.current_office_id for e in p.enrollments.all()
                    )
                )
            )
            return {p.pk for p in everyone if may_see(user, p) and in_scope(p) and matches(p)}

        def check(found, scope, matches, what):
            ids = [seeker.pk for seeker in found]
            assert set(ids) == expected(scope, matches), f"{viewer}, {what}, {scope}"
            assert found.count() == len(ids) == len(set(ids)), (
                f"{viewer}, {what}, {scope}: counted wrong"
            )

        for scope in Scope:
            for text in NAME_QUERIES:
                check(
                    quick_search(user=user, query=text, scope=scope),
                    scope,
                    lambda p, text=text: name_matches(p.first_name, p.last_name, text),
                    f"name {text!r}",
                )
            for target in everyone:
                same = lambda p, target=target: p.pk == target.pk  # noqa: E731
                check(
                    quick_search(user=user, query=target.customer_id, scope=scope),
                    scope,
                    same,
                    "customer ID",
                )
                check(quick_search(user=user, query=target.ssn, scope=scope), scope, same, "SSN")
                check(
                    quick_search(user=user, ssn_index=blind_index(target.ssn), scope=scope),
                    scope,
                    same,
                    "remembered SSN search",
                )
        assert set(Participant.objects.visible_to(user).values_list("pk", flat=True)) == {
            p.pk for p in everyone if may_see(user, p)
        }
        transaction.set_rollback(True)
