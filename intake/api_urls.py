"""The intake API's routes, included at the root: django-ninja finds them by this namespace."""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver

from .api import api

patterns, _, app_name = api.urls


def _without_sign_in(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """A sending system has no session: its credential is checked on every call instead."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


urlpatterns = _without_sign_in(patterns)
