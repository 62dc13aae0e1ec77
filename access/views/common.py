"""What access's pages share: the page length, and a refusal shown on its form."""

from portal.errors import PortalError

PER_PAGE = 25


def refused(form, exc: PortalError):
    form.add_error(None, exc.message)
