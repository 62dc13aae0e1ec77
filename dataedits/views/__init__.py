"""The data-edit pages: thin views over the gate, the forms and the services."""

from .records import (
    CaseNoteCorrectView,
    CaseNoteCreateView,
    CaseNoteRemoveView,
    IndexView,
    SeekerView,
    ServiceCorrectView,
    ServiceCreateView,
    ServiceRemoveView,
)
from .reports import DataIntegrityView, QuarterlyCountsCsvView, QuarterlyCountsView
from .tickets import (
    DecideView,
    LocalQueueView,
    LocalReviewView,
    StateQueueView,
    TicketCreateView,
    TicketDetailView,
    document_add_view,
    document_download,
    ticket_acknowledge_view,
    ticket_precheck_view,
    ticket_submit_view,
)

__all__ = [
    "CaseNoteCorrectView",
    "CaseNoteCreateView",
    "CaseNoteRemoveView",
    "ServiceCorrectView",
    "ServiceRemoveView",
    "DataIntegrityView",
    "DecideView",
    "IndexView",
    "LocalQueueView",
    "LocalReviewView",
    "QuarterlyCountsCsvView",
    "QuarterlyCountsView",
    "SeekerView",
    "ServiceCreateView",
    "StateQueueView",
    "TicketCreateView",
    "TicketDetailView",
    "document_add_view",
    "document_download",
    "ticket_acknowledge_view",
    "ticket_precheck_view",
    "ticket_submit_view",
]
