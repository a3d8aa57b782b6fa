"""The "quarterly report" job of ``make bench`` (see ``bench/jobs.py``): the progress report
of the last finished quarter of the large scale tenant, with every section, made as the
worker makes it (``report_run_generate``: figures, HTML, WeasyPrint, stored PDF).

It runs in one transaction that is rolled back at the end, so the scale data stays as
``seed_scale`` made it (and no e-mail leaves: it is sent only after a commit); the PDF is
written under the job's work directory, not into the portal's reports.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone


class _RollBack(Exception):
    pass


def quarterly_report_run(*, tenant, workdir: Path) -> dict:
    settings.REPORTS_ROOT = str(workdir / "reports")
    from reporting.models import ReportDefinition, ReportRun
    from reporting.periods import finished_periods
    from reporting.services.runs import report_run_generate

    period = finished_periods("quarter", today=timezone.localdate(), count=1)[0]
    outcome: dict = {}
    try:
        with transaction.atomic():
            definition = ReportDefinition.objects.create(
                tenant=tenant,
                title="Benchmark: kwartaalrapportage",
                audience=ReportDefinition.Audience.FUNDER,
                sections=list(ReportDefinition.Section.values),
                period_kind=ReportDefinition.PeriodKind.QUARTER,
                language="nl",
            )
            run = ReportRun.objects.create(
                tenant=tenant,
                definition=definition,
                period_start=period.start,
                period_end=period.end,
            )
            run = report_run_generate(tenant_id=tenant.pk, run_id=run.pk)
            if run is None or run.status != ReportRun.Status.DONE:
                raise RuntimeError(f"the report was not made: {run and run.error}")
            outcome = {"pages": run.pages, "size": run.size, "period": str(period)}
            raise _RollBack
    except _RollBack:
        pass
    print(f"quarterly report: {outcome}", flush=True)  # noqa: T201
    return outcome
