"""A national summary keeps the regions it covers (issue 13 §2c: for curators too, each their own regions).

The summaries built before covered every region: they are given every region, and their parameters' key names that
set, as reports.models.parameters_key does from now on (its digest is repeated here: a migration keeps the rule of its
day)."""

import hashlib

from django.db import migrations, models


def _key_with_regions(key: str, region_ids: list[int]) -> str:
    ids = ",".join(str(pk) for pk in sorted(region_ids))
    return f"{key}:r{hashlib.sha256(ids.encode()).hexdigest()[:24]}"


def summaries_cover_every_region(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Region = apps.get_model("regions", "Region")
    region_ids = list(Region.objects.values_list("pk", flat=True))
    for report in Report.objects.filter(report_type="national", region__isnull=True):
        report.regions.set(region_ids)
        if report.parameters_key.count(":") == 3:
            report.parameters_key = _key_with_regions(report.parameters_key, region_ids)
            report.save(update_fields=["parameters_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("regions", "0007_merge_20261206_1431"),
        ("reports", "0002_monthly_reports_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="regions",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="regions.region", verbose_name="regions of the summary"
            ),
        ),
        migrations.RunPython(summaries_cover_every_region, migrations.RunPython.noop),
    ]
