"""Errors of the API as problem documents (RFC 9457, ``application/problem+json``).

Every error response of the API has this shape::

    {
      "type": "urn:partnership-portal:problem:validation-error",
      "title": "Invalid input",
      "status": 400,
      "detail": "Some fields are not valid: name.",
      "code": "invalid",
      "errors": [{"field": "name", "message": "This field is required.", "code": "required"}]
    }

- ``type`` is ``urn:partnership-portal:problem:<kind>`` (one per kind of problem, see
  ``PROBLEM_TYPES``); ``title`` names that kind, ``detail`` says what happened this time.
  Both are in the request's language (Dutch unless the client chose English, see
  ``portal.api.views``).
- ``code`` is a stable, machine-readable code (DRF's error codes: ``not_found``,
  ``permission_denied``, ``not_authenticated``, ``authentication_failed``, ``throttled``, ...).
- ``errors`` (validation problems only) is a list, one item per message: ``field`` is the
  input field (a dotted path into nested input, e.g. ``contacts.0``), or ``null`` for an
  error about the input as a whole.

DRF's ``ValidationError``s, Django ``ValidationError``s raised by the services, ``Http404``
and ``PermissionDenied`` all end up here. A 429 carries ``Retry-After``, a 401 carries
``WWW-Authenticate``. URLs that match no view under ``/api/`` get a 404 problem as well
(``handler404``), as do unknown tenants (their slug is resolved before any view runs).
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PATH_PREFIX = "/api/"
TYPE_PREFIX = "urn:partnership-portal:problem:"

# status -> (type suffix, title)
PROBLEM_TYPES: dict[int, tuple[str, str]] = {
    400: ("validation-error", _("Invalid input")),
    401: ("not-authenticated", _("Authentication required")),
    403: ("forbidden", _("Not allowed")),
    404: ("not-found", _("Not found")),
    405: ("method-not-allowed", _("Method not allowed")),
    406: ("not-acceptable", _("Not acceptable")),
    409: ("conflict", _("Conflict")),
    415: ("unsupported-media-type", _("Unsupported media type")),
    429: ("throttled", _("Too many requests")),
    500: ("server-error", _("Server error")),
}
PARSE_ERROR_TYPE = ("malformed-request", _("Malformed request"))


def problem_type(status_code: int) -> str:
    suffix = PROBLEM_TYPES.get(status_code, ("error", ""))[0]
    return TYPE_PREFIX + suffix


def problem(
    status_code: int,
    detail: str,
    *,
    code: str,
    errors: list[dict] | None = None,
    kind: tuple[str, str] | None = None,
) -> dict:
    """The problem document (a dict) for ``status_code``."""
    suffix, title = kind or PROBLEM_TYPES.get(status_code, ("error", _("Error")))
    document = {
        "type": TYPE_PREFIX + suffix,
        "title": str(title),
        "status": status_code,
        "detail": str(detail),
        "code": code,
    }
    if errors is not None:
        document["errors"] = errors
    return document


# --- validation errors into field items ----------------------------------------------------


def _field_name(name: str | None) -> str | None:
    if name in (None, NON_FIELD_ERRORS, serializers.api_settings.NON_FIELD_ERRORS_KEY):
        return None
    return name


def _join(prefix: str | None, name) -> str | None:
    name = _field_name(str(name)) if name is not None else None
    if prefix is None:
        return name
    return prefix if name is None else f"{prefix}.{name}"


def drf_error_items(detail, field: str | None = None) -> list[dict]:
    """Flatten DRF's nested ``ValidationError.detail`` into ``errors`` items."""
    if isinstance(detail, dict):
        items = []
        for name, value in detail.items():
            items.extend(drf_error_items(value, _join(field, name)))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                # A list of nested objects/lists: their errors are per index.
                items.extend(drf_error_items(value, _join(field, index)))
            else:
                items.extend(drf_error_items(value, field))
        return items
    return [
        {
            "field": field,
            "message": str(detail),
            "code": getattr(detail, "code", None) or "invalid",
        }
    ]


def django_error_items(error: DjangoValidationError) -> list[dict]:
    """A service's Django ``ValidationError`` as ``errors`` items."""
    items = []
    if hasattr(error, "error_dict"):
        for name, field_errors in error.error_dict.items():
            for field_error in field_errors:
                for message in field_error.messages:
                    items.append(
                        {
                            "field": _field_name(name),
                            "message": message,
                            "code": field_error.code or "invalid",
                        }
                    )
    else:
        for field_error in error.error_list:
            for message in field_error.messages:
                items.append(
                    {"field": None, "message": message, "code": field_error.code or "invalid"}
                )
    return items


def validation_detail(items: list[dict]) -> str:
    fields = sorted({item["field"] for item in items if item["field"]})
    if fields:
        return gettext("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(fields)}
    if items:
        return items[0]["message"]
    return gettext("The input is not valid.")


# --- the DRF exception handler ----------------------------------------------------------------


class ServiceValidationError(exceptions.ValidationError):
    """A Django ``ValidationError`` from a service, carried through DRF's handler."""

    def __init__(self, items: list[dict]):
        super().__init__(detail={"non_field_errors": ["invalid"]})
        self.items = items


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every error as a problem document."""
    if isinstance(exc, DjangoValidationError):
        exc = ServiceValidationError(django_error_items(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status_code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(exc, ServiceValidationError):
            items = exc.items
        else:
            items = drf_error_items(exc.detail)
        document = problem(status_code, validation_detail(items), code="invalid", errors=items)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, dict | list):
            items = drf_error_items(detail)
            detail_text = items[0]["message"] if items else ""
        else:
            detail_text = str(detail)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        kind = PARSE_ERROR_TYPE if isinstance(exc, exceptions.ParseError) else None
        document = problem(status_code, detail_text, code=code, kind=kind)
    response.data = document
    response.content_type = PROBLEM_CONTENT_TYPE
    if status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response


def problem_response(status_code: int, detail: str, *, code: str) -> Response:
    """A problem as a DRF Response, for views that answer an error themselves."""
    return Response(
        problem(status_code, detail, code=code),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


# --- Django's error handlers, for errors raised before a DRF view runs ----------------------


def _plain_problem(request, status_code: int, detail: str, code: str) -> HttpResponse:
    body = json.dumps(problem(status_code, detail, code=code), ensure_ascii=False)
    return HttpResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def is_api_request(request) -> bool:
    return request.path.startswith(API_PATH_PREFIX)


def handler404(request, exception=None):
    """Unknown URLs and unknown tenants under ``/api/`` are 404 problems; pages keep the
    portal's 404 page."""
    if is_api_request(request):
        return _plain_problem(request, 404, gettext("Not found."), "not_found")
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api_request(request):
        return _plain_problem(
            request,
            500,
            gettext("Something went wrong on our side. It has been logged."),
            "error",
        )
    return defaults.server_error(request)
