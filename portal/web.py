"""The base views: every page that changes something is a FormView or an ActionView.

A view names the capability it needs, fetches its object through the gate (`get_object`) and calls
one service (`perform`). A PortalError the service raises becomes a form error (FormView) or a
message (ActionView) here and nowhere else; nothing was changed, because services raise before
they write or inside a transaction that rolls back.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from .errors import PortalError

# A capability is the name of a boolean property of Staff (`can_edit_seekers`), or a predicate on
# the person for rules that are more than one flag (`is_wioa_supervisor`).
Capability = str | Callable[[Any], bool] | None


def outcome[T](service: Callable[..., T], **kwargs: Any) -> tuple[T | None, str | None]:
    """What `service(**kwargs)` returned and None, or None and the message of its PortalError.

    For a page whose GET starts something (and says so if it may not), and for pages that show
    a refusal (a disabled form and why) instead of acting on it.
    """
    try:
        return service(**kwargs), None
    except PortalError as exc:
        return None, exc.message


def refusal(check: Callable[..., object], **kwargs: Any) -> str | None:
    """The message of the PortalError `check(**kwargs)` raises, or None if it allows the action."""
    return outcome(check, **kwargs)[1]


def address_of_each(view_name: str) -> Callable[[int], str]:
    """The address of the view `view_name` for any id, reversed once (at the first call, when
    the URLconf is loaded).

    A page of 25 results links each row to the record and to its services: reversing fifty
    addresses one by one cost as much as the rest of the row. The view's address takes one
    integer (`<int:pk>`), written here in the place the reversal put a stand-in. (The address's
    prefix is the installation's, FORCE_SCRIPT_NAME or the server's: the same for every request;
    a test that changes the URLconf or the prefix makes its own.)
    """

    @functools.cache
    def around() -> tuple[str, str]:
        stand_in = "9081726354"
        prefix, found, suffix = reverse(view_name, args=[int(stand_in)]).partition(stand_in)
        if not found or stand_in in suffix:
            raise ValueError(f"{view_name}'s address does not take one id")
        return prefix, suffix

    def address(pk: int) -> str:
        prefix, suffix = around()
        return f"{prefix}{int(pk)}{suffix}"

    return address


class CapabilityRequiredMixin(AccessMixin, View):
    """Refuses (403) people whose role lacks `capability`; None lets every signed-in person in."""

    capability: Capability = None
    refusal = "Your role does not include this page."

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.has_capability(request.user):
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)

    def has_capability(self, user: Any) -> bool:
        # Read from the class: a predicate stored on it must not be bound as a method.
        capability = type(self).capability
        if capability is None:
            return True
        if callable(capability):
            return capability(user)
        return bool(getattr(user, capability))


class FormView(CapabilityRequiredMixin, View):
    """GET draws the form; POST validates it and calls the service, then redirects.

    An invalid form, or a PortalError from the service (a form error), draws the page again with
    `invalid_status` (400; the access pages answer 200, as they always have).
    """

    template_name: str = ""
    form_class: type[BaseForm] | None = None
    invalid_status = 400
    object: Any = None

    def get_object(self) -> Any:
        """The row the page is about, fetched through the gate (404 if missing or hidden)."""
        return None

    def get_form(self, data: Any = None, files: Any = None) -> BaseForm:
        assert self.form_class is not None, f"{type(self).__name__} names no form_class"
        return self.form_class(data, files)

    def get_context_data(self, form: BaseForm) -> dict[str, Any]:
        return {"form": form}

    def is_valid(self, form: BaseForm) -> bool:
        return form.is_valid()

    def perform(self, form: BaseForm) -> Any:
        """Calls the one service the page is for, with the form's cleaned data."""
        raise NotImplementedError(f"{type(self).__name__} calls no service")

    def succeeded(self, result: Any) -> HttpResponse:
        return redirect(self.success_url(result))

    def success_url(self, result: Any) -> str:
        raise NotImplementedError(f"{type(self).__name__} names no page to return to")

    def refused(self, form: BaseForm, exc: PortalError) -> HttpResponse | None:
        """Shows the refusal on the form, each problem at its field when the form has it; a page
        may answer some refusals with a response instead."""
        for problem in exc.problems:
            form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return None

    def render_form(self, form: BaseForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, self.get_context_data(form), status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form(request.POST, request.FILES)
        if self.is_valid(form):
            try:
                result = self.perform(form)
            except PortalError as exc:
                response = self.refused(form, exc)
                if response is not None:
                    return response
            else:
                return self.succeeded(result)
        return self.render_form(form, status=self.invalid_status)


class ActionView(CapabilityRequiredMixin, View):
    """A button: POST calls the service and returns to `redirect_url()` with a message.

    An invalid form's errors and a PortalError from the service become error messages. A GET
    answers 405, before the role is checked (as Django's require_POST does), unless
    `role_before_method` says the role is checked first.
    """

    form_class: type[BaseForm] | None = None
    role_before_method = False
    object: Any = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        method = (request.method or "").lower()
        if not self.role_before_method and not hasattr(self, method):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self) -> Any:
        """The row the action is on, fetched through the gate (404 if missing or hidden)."""
        return None

    def get_form(self) -> BaseForm | None:
        if self.form_class is None:
            return None
        return self.form_class(self.request.POST, self.request.FILES)

    def perform(self, form: BaseForm | None) -> Any:
        """Calls the one service the button is for."""
        raise NotImplementedError(f"{type(self).__name__} calls no service")

    def redirect_url(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} names no page to return to")

    def success_message(self, result: Any) -> str:
        return ""

    def announce(self, result: Any) -> None:
        """Tells the person what was done; a page with more than one outcome says each."""
        if message := self.success_message(result):
            messages.success(self.request, message)

    def refusal_message(self, text: str) -> str:
        return text

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form()
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, self.refusal_message(str(error)))
            return redirect(self.redirect_url())
        try:
            result = self.perform(form)
        except PortalError as exc:
            messages.error(request, self.refusal_message(exc.message))
        else:
            self.announce(result)
        return redirect(self.redirect_url())


class ConfirmedActionView(ActionView):
    """A destructive button: GET asks for a confirmation on `confirm_template_name`, POST acts."""

    confirm_template_name: str = ""

    def confirm_context(self) -> dict[str, Any]:
        return {"object": self.object}

    def confirm(self) -> HttpResponse:
        """The confirmation page; a page may answer that there is nothing left to confirm."""
        return render(self.request, self.confirm_template_name, self.confirm_context())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.confirm()
