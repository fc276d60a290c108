"""The inbound email webhooks of django-anymail, one per provider (inbound/<provider>/inbound/),
answered only once ANYMAIL_WEBHOOK_SECRET is set: without it anymail would take email from
anyone who knows the address."""

from collections.abc import Callable
from functools import wraps

from anymail.urls import urlpatterns as anymail_urlpatterns
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern

app_name = "anymail"


def _only_with_a_secret(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps anymail's csrf_exempt: providers post without a CSRF token
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404("inbound email webhooks are off: ANYMAIL_WEBHOOK_SECRET is not set")
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    URLPattern(pattern.pattern, _only_with_a_secret(pattern.callback), name=pattern.name)
    for pattern in anymail_urlpatterns
    if pattern.name and pattern.name.endswith("_inbound_webhook")
]
