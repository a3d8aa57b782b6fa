"""The REST API's shared parts: base views, serializers, fields, errors, schema, tokens."""
