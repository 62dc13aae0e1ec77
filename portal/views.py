from django.core.paginator import Paginator
from django.views.generic import TemplateView


def paginate(request, items, per_page):
    """A page of `items` from ?page=N; an out-of-range or garbled page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class DashboardView(TemplateView):
    """Each person's start page: the widgets their role works with."""

    template_name = "portal/dashboard.html"
