import pytest

from demo.seed import seed_demo
from optout.models import OptInRequest, OptOutChange, Status


@pytest.mark.django_db
def test_the_demo_shows_the_whole_chain_and_seeding_twice_changes_nothing():
    seed_demo(seekers=40, opted_out_share=0.3)
    requests = list(OptInRequest.objects.order_by("pk"))
    assert [r.status for r in requests] == [
        Status.FILED,
        Status.FILED,
        Status.OPTED_IN,
        Status.REMAINED_OPTED_OUT,
    ]
    assert [r.is_overdue for r in requests] == [False, True, False, False]
    waiting = requests[0]
    assert waiting.participant.opted_out and waiting.filed_by.username == "partner.casemanager"
    assert not requests[2].participant.opted_out
    # The intake demo's opt-out selection is a change too, of no request.
    assert OptOutChange.objects.get(opt_in_request__isnull=False).opt_in_request == requests[2]
    # Both supervisors' and case managers' views have something to show.
    assert OptInRequest.objects.in_queue_of(requests[2].decided_by).open().count() == 2
    changes = OptOutChange.objects.count()

    seed_demo(seekers=40, opted_out_share=0.3)
    assert OptInRequest.objects.count() == 4 and OptOutChange.objects.count() == changes
