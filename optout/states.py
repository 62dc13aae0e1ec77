"""The opt-in request's statuses, actions and transition table (seed 000, steps 4-8 and a-h).

Kept apart from models.py so that policies and querysets, which models.py needs, read the table
without importing the models. A request is filed (created) in FILED; the table lists the only
moves out of a status, each made by one service in `optout.services`.
"""

from django.db import models

from portal.states import Machine


class Status(models.TextChoices):
    FILED = "filed", "Waiting for the ESD WIOA supervisor"
    OPTED_IN = "opted_in", "Decided: the client opted in"
    REMAINED_OPTED_OUT = "remained_opted_out", "Decided: the client remains opted out"
    WITHDRAWN = "withdrawn", "Withdrawn by the case manager"


class Action(models.TextChoices):
    OPT_IN = "opt_in", "answered “opt in”"
    REMAIN_OPTED_OUT = "remain_opted_out", "answered “remain opted out”"
    WITHDRAW = "withdraw", "withdrawn"


OPT_IN_REQUESTS = Machine(
    noun="opt-in request",
    statuses=Status,
    actions=Action,
    table={
        (Status.FILED, Action.OPT_IN): Status.OPTED_IN,
        (Status.FILED, Action.REMAIN_OPTED_OUT): Status.REMAINED_OPTED_OUT,
        (Status.FILED, Action.WITHDRAW): Status.WITHDRAWN,
    },
)

# The client's decision as the supervisor chooses it, and as the audit trail records it.
DECISIONS = {
    Action.OPT_IN: "Opt in: clear the seeker's opt-out",
    Action.REMAIN_OPTED_OUT: "Remain opted out",
}
