"""Base serializers of the API: input with a key the serializer does not write is refused.

A client that sends ``{"nmae": ...}`` or a read-only field (``"id"``, ``"created_at"``)
gets a 400 problem naming that field, instead of a silent no-op.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


class StrictMixin:
    """Reject unknown and read-only keys in the input."""

    default_error_messages = {
        "unknown_field": _("Unknown field."),
        "read_only_field": _("This field is read-only."),
    }

    def _key_errors(self, data) -> dict:
        if not isinstance(data, Mapping):
            return {}
        errors = {}
        for key in data:
            field = self.fields.get(key)
            if field is None:
                code = "unknown_field"
            elif field.read_only:
                code = "read_only_field"
            else:
                continue
            errors[key] = [serializers.ErrorDetail(str(self.error_messages[code]), code=code)]
        return errors

    def to_internal_value(self, data):
        key_errors = self._key_errors(data)
        try:
            value = super().to_internal_value(data)
        except ValidationError as error:
            if key_errors and isinstance(error.detail, dict):
                raise ValidationError({**error.detail, **key_errors}) from error
            raise
        if key_errors:
            raise ValidationError(key_errors)
        return value


class StrictSerializer(StrictMixin, serializers.Serializer):
    """A Serializer that refuses unknown input keys. Serializers only shape input and
    output: they never ``save()`` (the views call the services)."""

    def create(self, validated_data):  # pragma: no cover - services write, not serializers
        raise NotImplementedError("API views write through services, not serializer.save()")

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError("API views write through services, not serializer.save()")


class StrictModelSerializer(StrictMixin, serializers.ModelSerializer):
    """A ModelSerializer that refuses unknown input keys and never saves by itself."""

    def create(self, validated_data):  # pragma: no cover
        raise NotImplementedError("API views write through services, not serializer.save()")

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError("API views write through services, not serializer.save()")
