"""The overview across partnerships: every report a person may see, grouped by partnership,
and each partnership's key figures side by side. Outside any tenant; drawn only from the
tenants where the person holds a role that may see reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reporting.selectors import funder_overview


@login_required
@require_GET
def report_funder_overview(request):
    return render(
        request, "reporting/funder_overview.html", {"overview": funder_overview(user=request.user)}
    )
