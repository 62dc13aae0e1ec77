from django.http import Http404


class PortalError(Exception):
    """A rule of the portal refused an action; the message is shown to the person as it is.

    Services raise it; the shared base views turn it into a form error or a message, and
    nothing is changed (services raise it before writing, or inside a transaction that rolls back).
    """

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


class NotFound(PortalError, Http404):
    """A gated row the person may not reach: one that does not exist and one hidden from them
    answer the same, a 404 page when a view fetches it, a refusal when a service re-reads it."""

    def __init__(self, message: str):
        super().__init__(message, code="not_found")
