"""The contact form inside another site's page: who may frame it, and CSRF without cookies.

The contact form is shown in an iframe on the company's website, usually another site than
the desk's. Browsers keep cookies from such a frame (Safari and Firefox always, Chrome when
third-party cookies are off), so a cookie-based CSRF token would fail there for many
visitors. The form needs no cookie: a post is accepted only when the browser says it comes
from a page of the desk itself (its Origin header, or its Referer when a browser sends no
Origin). The iframe's document is a desk page, so its posts carry the desk's origin, while
a forged post from any other site carries that site's origin and is refused. The signed
submission key of the form (submissions.py) dates it and makes a repeated post harmless.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from loyaldesk.channels.portal import conf

ORIGIN_SHAPE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$|^https://\*\.[A-Za-z0-9.-]+$")


def valid_origins(origins: list[str]) -> list[str]:
    """The configured origins that can be written in a frame-ancestors directive."""
    return [origin for origin in origins if ORIGIN_SHAPE.match(origin)]


def check_contact_form_origins(**kwargs) -> list[checks.CheckMessage]:
    """A system check: each LOYALDESK_CONTACT_FORM_ORIGINS entry is a scheme and a host."""
    bad = sorted(set(conf.contact_form_origins()) - set(valid_origins(conf.contact_form_origins())))
    return [
        checks.Error(
            f"LOYALDESK_CONTACT_FORM_ORIGINS: {origin!r} is not an origin",
            hint="Write origins as https://www.example.com (a scheme and a host, no path).",
            id="portal.E001",
        )
        for origin in bad
    ]


def frameable_by_contact_origins(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the listed origins show this view in an iframe; with none listed, nobody may."""

    @wraps(view)
    def framed(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        origins = valid_origins(conf.contact_form_origins())
        if origins:
            # X-Frame-Options cannot name origins; frame-ancestors can and takes precedence.
            response.xframe_options_exempt = True
            response["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(origins)
        return response

    return framed


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def posted_from_own_page(request: HttpRequest) -> bool:
    """Whether the browser says the post comes from one of the desk's pages."""
    allowed = {_own_origin(request), *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin in allowed
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" in allowed


def csrf_by_origin(
    refused: Callable[[HttpRequest], HttpResponse],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """CSRF protection for a cookie-less form: posts from other origins get `refused`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and not posted_from_own_page(request):
                return refused(request)
            return view(request, *args, **kwargs)

        return csrf_exempt(checked)

    return decorate
