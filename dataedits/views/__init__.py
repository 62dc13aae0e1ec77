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
    DocumentAddView,
    DocumentDownloadView,
    LocalQueueView,
    LocalReviewView,
    StateQueueView,
    TicketAcknowledgeView,
    TicketCreateView,
    TicketDetailView,
    TicketPrecheckView,
    TicketSubmitView,
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
    "DocumentAddView",
    "DocumentDownloadView",
    "TicketAcknowledgeView",
    "TicketPrecheckView",
    "TicketSubmitView",
]
