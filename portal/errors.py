from collections.abc import Callable, Iterable

from django.http import Http404


class PortalError(Exception):
    """A rule of the portal refused an action; the message is shown to the person as it is.

    Services raise it; the shared base views turn it into a form error or a message, and
    nothing is changed (services raise it before writing, or inside a transaction that rolls back).
    """

    def __init__(self, message: str, *, code: str = "refused", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        # The form field the refusal is about, when there is one: the page shows it there.
        self.field = field

    @property
    def problems(self) -> list["PortalError"]:
        """Each refusal this error stands for: itself, or all of them (PortalErrors)."""
        return [self]


class PortalErrors(PortalError):
    """Several refusals at once, so that a form shows all its problems, each at its field."""

    def __init__(self, errors: list[PortalError]):
        super().__init__(" ".join(e.message for e in errors), code=errors[0].code)
        self.errors = errors

    @property
    def problems(self) -> list[PortalError]:
        return self.errors


def raise_all(errors: list[PortalError]) -> None:
    """Raises the refusals found, all together (one alone as itself); nothing if none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise PortalErrors(errors)


class NotFound(PortalError, Http404):
    """A gated row the person may not reach: one that does not exist and one hidden from them
    answer the same, a 404 page when a view fetches it, a refusal when a service re-reads it."""

    def __init__(self, message: str):
        super().__init__(message, code="not_found")


def refusals(checks: Iterable[tuple[str | None, Callable[[], object]]]) -> list[PortalError]:
    """Runs every check, and keeps each refusal with the field (name) it is about."""
    found = []
    for field, check in checks:
        try:
            check()
        except PortalErrors as several:
            found += several.errors
        except PortalError as exc:
            exc.field = exc.field or field
            found.append(exc)
    return found
