"""The demo's closed quarter: the latest whose data-edit deadline has passed, closed by
`state.dataedits`, so that its federal extract and reconciliation can be opened at once."""

from .models import QuarterClose
from .selectors import quarter_rows
from .services import quarter_close


def seed_reporting_demo(people: dict) -> QuarterClose | None:
    if QuarterClose.objects.exists():
        return None
    closeable = next((row for row in quarter_rows() if row.closeable), None)
    if closeable is None:  # not in the demo's first weeks: one of eight quarters is closeable
        return None
    return quarter_close(actor=people["state.dataedits"], quarter=closeable.quarter)
