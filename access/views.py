from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.errors import PortalError

from .services import staff_switch_office


@require_POST
def switch_office(request):
    """Changes the office the person is logged into, then returns to the page they were on."""
    try:
        office = staff_switch_office(actor=request.user, office_id=int(request.POST.get("office", 0)))
    except (PortalError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Choose one of your assigned offices."))
    else:
        messages.success(request, f"You are now logged into {office}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "portal:dashboard"
    return redirect(next_url)
