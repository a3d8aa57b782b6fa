"""Renderers for API actions that return files."""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer


class PDFRenderer(JSONRenderer):
    """Lets a client that sends ``Accept: application/pdf`` reach a download action
    (``@action(detail=True, renderer_classes=[PDFRenderer, JSONRenderer])`` that returns a
    ``FileResponse``). A problem document on that action is still rendered as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return super().render(data, "application/json", renderer_context)
