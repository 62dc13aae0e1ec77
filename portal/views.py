from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.generic import TemplateView


class CapabilityRequiredMixin(AccessMixin):
    """Refuses (403) people whose role lacks `capability`, a boolean property of Staff."""

    capability: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not getattr(request.user, self.capability):
            raise PermissionDenied("Your role does not include this page.")
        return super().dispatch(request, *args, **kwargs)


def paginate(request, items, per_page):
    """A page of `items` from ?page=N; an out-of-range or garbled page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class DashboardView(TemplateView):
    """Each person's start page: the widgets their role works with."""

    template_name = "portal/dashboard.html"
