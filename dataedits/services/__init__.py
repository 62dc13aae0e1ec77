"""Every write of the data-edit app: keyword-only, atomic, audited.

records: services and case notes; drafts: data-edit tickets and their documents before they are
submitted; workflow: the tickets' state machine, the applied change and the filer's notifications.
"""

from .drafts import (
    document_add,
    document_kind,
    service_snapshot,
    ticket_create,
    ticket_delete,
    ticket_update,
)
from .records import (
    case_note_correct,
    case_note_create,
    case_note_remove,
    service_correct,
    service_create,
    service_remove,
)
from .workflow import (
    ticket_acknowledge,
    ticket_decide,
    ticket_local_review,
    ticket_submit,
    ticket_withdraw,
    tickets_route_for_opted_out,
)

__all__ = [
    "case_note_correct",
    "case_note_create",
    "case_note_remove",
    "document_add",
    "document_kind",
    "service_correct",
    "service_create",
    "service_remove",
    "service_snapshot",
    "ticket_acknowledge",
    "ticket_create",
    "ticket_decide",
    "ticket_delete",
    "ticket_local_review",
    "ticket_submit",
    "ticket_update",
    "ticket_withdraw",
    "tickets_route_for_opted_out",
]
