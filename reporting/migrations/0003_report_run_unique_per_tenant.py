"""One run per (tenant, definition, period): unique constraints lead with the tenant
(DESIGN.md), so the index serves tenant-scoped lookups and suits a distributed table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_report_storage_callable"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="reportrun",
            name="report_run_one_per_period",
        ),
        migrations.AddConstraint(
            model_name="reportrun",
            constraint=models.UniqueConstraint(
                fields=("tenant", "definition", "period_start", "period_end"),
                name="report_run_one_per_period",
            ),
        ),
    ]
