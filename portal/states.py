"""One idiom for every workflow's state machine: a transition table and one way to read it.

Each workflow (access requests, reports, opt-in requests, data-edit tickets) keeps its table beside
its model: a `Machine` keyed by (status, action), both TextChoices, naming every move there is.
Its services all take the same shape: lock the row, ask `next_state(...)`, write, audit. A move the
table does not list is refused with one code, `BAD_TRANSITION`, and one message shape, before
anything is written.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models

from .errors import PortalError

BAD_TRANSITION = "bad_transition"


@dataclass(frozen=True)
class Machine[S: models.TextChoices, A: models.TextChoices]:
    """The moves of one workflow. `noun` names its rows in the refusal ("opt-in request").

    Action labels are past participles ("withdrawn", "approved by the state") so that the refusal
    reads as a sentence; status labels are what the pages show.
    """

    noun: str
    statuses: type[S]
    actions: type[A]
    table: Mapping[tuple[S, A], S]

    def next_state(self, current: str, action: str) -> S:
        """The status `action` moves a row in `current` to; PortalError if the table has no such move."""
        status, move = self._members(current, action)
        if status is None or move is None or (status, move) not in self.table:
            raise PortalError(self.refusal(current, action), code=BAD_TRANSITION)
        return self.table[status, move]

    def allows(self, current: str, action: str) -> bool:
        """Whether the table has this move: what pages ask before they offer its button."""
        status, move = self._members(current, action)
        return status is not None and move is not None and (status, move) in self.table

    def refusal(self, current: str, action: str) -> str:
        """The one message shape of a move the table does not list, in the workflow's words."""
        status, move = self._members(current, action)
        doing = move.label if move is not None else "changed that way"
        being = status.label if status is not None else current
        return f"This {self.noun} cannot be {doing} now: its status is “{being}”."

    def _members(self, current: str, action: str) -> tuple[S | None, A | None]:
        # An action or status outside the choices (a forged POST, a stale form) is simply not a
        # move of this table: refused like any other, never a 500.
        status = self.statuses(current) if current in self.statuses.values else None
        move = self.actions(action) if action in self.actions.values else None
        return status, move
