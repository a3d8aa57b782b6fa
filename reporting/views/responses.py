"""The HTTP response of a report's PDF, shared by the page's download and the API's, so that
both send the same bytes with the same headers."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from reporting.services.runs import ReportDownload


def report_pdf_response(download: ReportDownload) -> HttpResponse:
    """The stored PDF as an attachment. The file name goes through Django's
    ``content_disposition_header`` (quoting, and RFC 5987 for names that need it); the PDF is
    private to the reader: not cached, not sniffed."""
    response = HttpResponse(download.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=download.filename
    )
    response["Content-Length"] = str(len(download.content))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
