"""The REST API: token authentication, JSON errors, and each domain's router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer

from loyaldesk.accounts.api import router as users_router
from loyaldesk.accounts.models import User
from loyaldesk.accounts.tokens import user_for_token
from loyaldesk.channels.phone.api import router as calls_router
from loyaldesk.core.pagination import BadCursor
from loyaldesk.customers.api import router as customers_router
from loyaldesk.desk.api import router as desk_router
from loyaldesk.desk.attachments import AttachmentRefused
from loyaldesk.desk.lifecycle import TransitionNotAllowed
from loyaldesk.desk.services import CannotMergeCases, CannotSplit, CaseIsClosed
from loyaldesk.surveys.api import router as surveys_router
from loyaldesk.surveys.services import CannotRecordOutcome


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ld_…` with a token from `loyaldesk manage issue_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="loyaldesk API",
    version="1",
    description=(
        "Cases, messages, customers, queues and surveys, with the permissions of the agent desk."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/", desk_router)
api.add_router("/", customers_router)
api.add_router("/", surveys_router)
api.add_router("/", calls_router)
api.add_router("/users", users_router)


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return _error(request, "You are not allowed to do this.", 403)


@api.exception_handler(TransitionNotAllowed)
@api.exception_handler(CaseIsClosed)
@api.exception_handler(CannotMergeCases)
@api.exception_handler(CannotSplit)
@api.exception_handler(CannotRecordOutcome)
def conflict(request: HttpRequest, error: Exception) -> HttpResponse:
    return _error(request, str(error), 409)


@api.exception_handler(AttachmentRefused)
def refused_attachment(request: HttpRequest, error: AttachmentRefused) -> HttpResponse:
    return _error(request, str(error), 422)


@api.exception_handler(BadCursor)
def bad_cursor(request: HttpRequest, error: BadCursor) -> HttpResponse:
    return _error(request, str(error), 400)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)
