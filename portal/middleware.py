"""The idle session timeout, without a database write on every request."""

import time

from django.conf import settings

TOUCHED = "portal_touched_at"


class SessionIdleMiddleware:
    """Pushes a signed-in session's expiry forward at most once every `SESSION_TOUCH_SECONDS`.

    Saving the session on every request would renew its expiry each time, at the price of an
    UPDATE and a commit per request. Renewing it only when the last renewal is a minute old lets
    an idle session end at most that minute early, and never late. Placed just after Django's
    SessionMiddleware, whose response step then saves the renewed session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now
        return response
