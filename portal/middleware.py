"""Request plumbing: the idle session timeout, the client's address, the audit context, no caching.

The client's address is taken from a trusted source only: the socket, or, behind the TLS proxy
(DJANGO_BEHIND_TLS_PROXY), the X-Forwarded-For entry written by the outermost of the
DJANGO_TRUSTED_PROXIES proxies. Entries a client wrote itself are ignored, and a malformed header
is ignored, never an error: audit entries and sign-in lockouts use this one answer.
"""

import ipaddress
import time

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.utils.cache import add_never_cache_headers

from .audit import correlation, correlation_id_from

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


def _address(value: str | None) -> str | None:
    """`value` as an IP address (a port, or IPv6 brackets, taken off), or None if it is not one."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address, from the socket or from the trusted proxies (see the module)."""
    if settings.BEHIND_TLS_PROXY:
        hops = [
            hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()
        ]
        # Each proxy appends the address it was reached from: the client is as many from the end
        # as there are trusted proxies. Fewer entries than proxies means the chain is not ours.
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            forwarded = _address(hops[-settings.TRUSTED_PROXY_COUNT])
            if forwarded:
                return forwarded
    return _address(request.META.get("REMOTE_ADDR"))


def client_port(request) -> int | None:
    """The port the client connected from, when the socket is the client's (behind the proxy it is not)."""
    if settings.BEHIND_TLS_PROXY:
        return None
    raw = request.META.get("REMOTE_PORT")
    try:
        port = int(str(raw or "").strip())
    except ValueError:
        return None
    return port if 0 < port < 65536 else None


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with the trusted address and port, and a sanitised correlation id."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return client_port(request)

    def __call__(self, request):
        with correlation(correlation_id_from(request.headers.get(settings.AUDITLOG_CID_HEADER))):
            return super().__call__(request)


class NoStoreMiddleware:
    """Pages for a signed-in person, and the sign-in steps, are never kept by a browser or a proxy.

    They show seekers' personal data; a shared office computer's cache or the back button must
    not bring them back after sign-out. Static files never pass through here (WhiteNoise serves them).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
