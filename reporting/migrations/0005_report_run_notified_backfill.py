"""Runs finished before ``notified_at`` existed had their e-mail sent already: mark them, so
the periodic dispatch does not send it a second time."""

from django.db import migrations
from django.db.models import F


def mark_done_runs_notified(apps, schema_editor):
    ReportRun = apps.get_model("reporting", "ReportRun")
    ReportRun.objects.filter(status="done", notified_at__isnull=True).update(
        notified_at=F("finished_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_report_run_notified_at"),
    ]

    operations = [
        migrations.RunPython(mark_done_runs_notified, migrations.RunPython.noop),
    ]
