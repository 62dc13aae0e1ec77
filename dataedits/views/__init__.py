"""The data-edit pages: thin views over the gate, the forms and the services."""

from .records import CaseNoteCreateView, IndexView, SeekerView, ServiceCreateView
from .reports import DataIntegrityView, QuarterlyCountsCsvView, QuarterlyCountsView
from .tickets import (
    DecideView,
    LocalQueueView,
    LocalReviewView,
    NotificationsView,
    StateQueueView,
    TicketCreateView,
    TicketDetailView,
    document_add_view,
    document_download,
    ticket_precheck_view,
    ticket_submit_view,
)

__all__ = [
    "CaseNoteCreateView", "DataIntegrityView", "DecideView", "IndexView", "LocalQueueView", "LocalReviewView",
    "NotificationsView", "QuarterlyCountsCsvView", "QuarterlyCountsView", "SeekerView", "ServiceCreateView",
    "StateQueueView", "TicketCreateView", "TicketDetailView", "document_add_view", "document_download",
    "ticket_precheck_view", "ticket_submit_view",
]
