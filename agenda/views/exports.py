"""CSV and XLSX downloads of the indicators (with their figures) and of the budget lines."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agenda import exports
from agenda.views.indicators import figures_member_required

EXPORT_FORMATS = ("csv", "xlsx")


def _refused(request, file_format: str, back_url_name: str):
    return render(
        request,
        "agenda/budget_export_error.html",
        {
            "message": _("Unknown export format “%(format)s”. Choose CSV or XLSX.")
            % {"format": file_format},
            "back_url_name": back_url_name,
        },
        status=400,
    )


def _download(request, *, name: str, title: str, header, rows, file_format: str):
    filename = (
        f"{slugify(name)}-{request.tenant.slug}-{timezone.localdate().isoformat()}.{file_format}"
    )
    if file_format == "csv":
        language = translation.get_language()

        def lines():
            # Rows may be made while the response streams: keep the request's language.
            with translation.override(language):
                yield from exports.csv_lines(header, rows)

        response = StreamingHttpResponse(lines(), content_type=exports.CSV_CONTENT_TYPE)
    else:
        content = exports.xlsx_bytes(header, rows, title=title)
        response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@figures_member_required
@require_GET
def indicator_export(request, tenant_slug: str):
    """Every indicator with its latest value, next target, status and forecast
    (``?format=csv`` or ``xlsx``). Aggregates only: no names of people."""
    file_format = request.GET.get("format", "")
    if file_format not in EXPORT_FORMATS:
        return _refused(request, file_format, "indicator_list")
    header, rows = exports.indicator_table(tenant=request.tenant)
    return _download(
        request,
        name=_("indicators"),
        title=_("Indicators"),
        header=header,
        rows=rows,
        file_format=file_format,
    )


@figures_member_required
@require_GET
def budget_export(request, tenant_slug: str):
    """Every budget line with planned, committed, spent, available and burn rate
    (``?format=csv`` or ``xlsx``)."""
    file_format = request.GET.get("format", "")
    if file_format not in EXPORT_FORMATS:
        return _refused(request, file_format, "budget_overview")
    header, rows = exports.budget_table(tenant=request.tenant)
    return _download(
        request,
        name=_("budget"),
        title=_("Budget"),
        header=header,
        rows=rows,
        file_format=file_format,
    )
