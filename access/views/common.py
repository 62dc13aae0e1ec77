"""What access's pages share: the page length."""

PER_PAGE = 25
