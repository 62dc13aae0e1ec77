from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.views.generic import TemplateView


def paginate(request, items, per_page):
    """A page of `items` from ?page=N; an out-of-range or garbled page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class PagedByIds:
    """A queryset paged the way a long queue is best read: the page's ids first, then its rows.

    The ids are found from the queryset's own table in its order (an index walk, however deep
    the page), and only the page's rows are joined to what the page shows (`select_related`),
    instead of every row before the page too. Django's Paginator takes it as it takes a queryset.
    """

    def __init__(self, queryset):
        self.queryset = queryset
        self.ordered = queryset.ordered

    def count(self) -> int:
        return self.queryset.count()

    __len__ = count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        # The same queryset, filters and all: a row it no longer lets through is left out.
        rows = self.queryset.order_by().in_bulk(ids) if ids else {}
        return [rows[pk] for pk in ids if pk in rows]


class DashboardView(TemplateView):
    """Each person's start page: the widgets their role works with."""

    template_name = "portal/dashboard.html"


class SignOutView(auth_views.LogoutView):
    """Signs out (POST only, as Django's view does) and says so on the sign-in page it returns to."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # Kept in the cookie-backed message storage: the session it was in has just ended.
            messages.success(request, "You have signed out.")
        return response
