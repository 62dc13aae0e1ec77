import pytest

from dataedits.rules import filing_deadline
from demo.seed import seed_demo
from reporting.demo import seed_reporting_demo
from reporting.models import QuarterClose

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_quarter_to_extract():
    people = seed_demo(seekers=40, opted_out_share=0.2)
    close = QuarterClose.objects.get()
    assert close.closed_by == people["state.dataedits"]
    # The latest quarter past its data-edit deadline, with the demo's services in it.
    assert filing_deadline(close.quarter.end) < close.as_of
    assert filing_deadline(close.quarter.next().end) >= close.as_of
    assert close.rows == close.figures.count() > 0
    assert seed_reporting_demo(people) is None and QuarterClose.objects.count() == 1
