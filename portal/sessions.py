"""Django's database sessions, read on every request with a query compiled once (portal.prepared).

The session is the first query of every signed-in page: building it with the ORM cost more than
the database's answer. Everything else (saving, expiry, the keys' bookkeeping of access.signals)
is Django's own.
"""

from datetime import UTC, datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import PreparedQuery


def _live_session(session_key: str, now: datetime):
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_LIVE_SESSION = PreparedQuery(
    _live_session,
    session_key="stand-in-no-session-key-is-this",
    now=datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=UTC),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        session = _LIVE_SESSION.first(session_key=self.session_key, now=timezone.now())
        if session is None:
            self._session_key = None  # as Django's: a new session gets a new key
        return session
