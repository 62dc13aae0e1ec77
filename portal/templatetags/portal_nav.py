"""The primary navigation marks the page in view: `{% primary_nav %}...{% endprimary_nav %}`.

The items come from several apps (each decides its own, base.html gathers them), so the page in
view is found once all are rendered: the one link whose path is the request's and whose query
parameters the request carries, the most specific if several do (a queue's link with its
program's parameters over the bare one). It gets USWDS's `usa-current` and `aria-current="page"`.
"""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from django import template
from django.http import HttpRequest
from django.utils.safestring import mark_safe

register = template.Library()

NAV_LINK = re.compile(r'<a class="usa-nav-link" href="([^"]*)"')


def current_link(request: HttpRequest, hrefs: list[str]) -> str | None:
    """Of the links `hrefs` (as written in the page), the one to the page in view, if any."""
    best, best_score = None, -1
    for href in hrefs:
        url = urlsplit(unescape(href))
        if url.path != request.path:
            continue
        wanted = parse_qsl(url.query)
        if (
            all(request.GET.get(name) == value for name, value in wanted)
            and len(wanted) > best_score
        ):
            best, best_score = href, len(wanted)
    return best


class PrimaryNavNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        html = self.nodelist.render(context)
        request = context.get("request")
        current = current_link(request, NAV_LINK.findall(html)) if request else None
        if current is None:
            return html
        return mark_safe(
            html.replace(
                f'<a class="usa-nav-link" href="{current}"',
                f'<a class="usa-nav-link usa-current" href="{current}" aria-current="page"',
                1,
            )
        )


@register.tag
def primary_nav(parser: template.base.Parser, token: template.base.Token) -> PrimaryNavNode:
    nodelist = parser.parse(("endprimary_nav",))
    parser.delete_first_token()
    return PrimaryNavNode(nodelist)
