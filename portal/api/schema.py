"""The OpenAPI schema (drf-spectacular): problem responses on every operation, the personal
token's security scheme, public operations without authentication, strict request bodies."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers

from portal.api.problems import PROBLEM_CONTENT_TYPE


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text=_("The input field (dotted path), or null for the whole input.")
    )
    message = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem document."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()


class ValidationProblemSerializer(ProblemSerializer):
    """A problem document with the invalid fields (400)."""

    errors = ProblemFieldErrorSerializer(many=True, required=False)


PROBLEM_DESCRIPTIONS = {
    400: _("Invalid input: the problem's ``errors`` name the fields."),
    401: _("No valid credentials: the token is missing, unknown, revoked or expired."),
    403: _("The role or the token's scope does not allow this."),
    404: _("No such partnership or object, or not a member of the partnership."),
    405: _("The resource does not take this method."),
    406: _("The resource cannot answer in the requested media type."),
    415: _("The request body's media type is not supported."),
    429: _("Too many requests: try again after ``Retry-After`` seconds."),
}


class PortalAutoSchema(AutoSchema):
    """AutoSchema that documents the problem responses every operation can give."""

    def _problem_codes(self) -> list[int]:
        public = getattr(self.view, "public", False)
        codes = [400, 404, 405, 406, 429]
        if not public:
            codes += [401, 403]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._problem_codes():
            key = str(code)
            if key in responses:
                continue
            serializer = ValidationProblemSerializer if code == 400 else ProblemSerializer
            response = self._get_response_for_code(
                serializer, key, media_types=[PROBLEM_CONTENT_TYPE], direction=direction
            )
            response["description"] = str(PROBLEM_DESCRIPTIONS[code])
            responses[key] = response
        return responses

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": str(_("Seconds to wait before the next request.")),
            }
        return headers

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # A read-only e-mail address or URL may be blank ("" for "none"), but DRF drops
        # ``allow_blank`` from read-only fields, so the "format" would say it may not.
        if field.read_only and schema.get("format") in ("email", "uri"):
            del schema["format"]

    def get_auth(self):
        if getattr(self.view, "public", False):
            return [{}]
        return super().get_auth()


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        definition = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 - the scheme's name, not a secret
        )
        definition["description"] = str(
            _(
                "A personal API token, made under Profile > API tokens in the portal. "
                "It works for one partnership, read-only or read-write."
            )
        )
        return definition


def strict_request_bodies(result, generator, request, public):
    """Postprocessing hook: request bodies refuse unknown fields (StrictSerializer), so
    their schemas say ``additionalProperties: false``."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema.setdefault("additionalProperties", False)
    return result
