"""The signed-in person's notices: the list, opening one and marking them read (POST only, their
own only: a page shown, even the one a notice is about, reads nothing)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from portal.views import paginate

from .models import Notification
from .selectors import notices_of
from .services import notifications_mark_read

NOTICES_PER_PAGE = 25


class NotificationListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        page = paginate(request, notices_of(request.user), NOTICES_PER_PAGE)
        unread = Notification.objects.filter(recipient=request.user, read_at=None).exists()
        return render(request, "notifications/list.html", {"page": page, "unread": unread})


class NotificationReadView(View):
    """Marks one notice read; someone else's answers 404, exactly like one that does not exist."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notifications_mark_read(actor=request.user, notification=notice)
        return redirect("notifications:list")


class NotificationOpenView(View):
    """Opens the page a notice is about and marks the notice read.

    A link the person may no longer follow (the seeker opted out since) leads back to the list.
    """

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = get_object_or_404(notices_of(request.user), pk=pk)
        notifications_mark_read(actor=request.user, notification=notice)
        # The link is a page of the portal (notification_send checked it); checked again here,
        # as the one place it becomes a redirect.
        if notice.link_open and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
            return redirect(notice.link)
        return redirect("notifications:list")


class NotificationReadAllView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        count = notifications_mark_read(actor=request.user)
        messages.success(
            request,
            f"Marked {count} notification{'s' if count != 1 else ''} read."
            if count
            else "You have no unread notifications.",
        )
        return redirect("notifications:list")
