"""The roadmap's items become region records of a campaign with a structured period (issue 15 §2).

Items entered before (in the admin, the only place they could be) had a free-text period and perhaps a due date. Each
is kept: the due date becomes its period (otherwise the campaign's dates), the old text moves to its comment, and
an item without a campaign joins the current one."""

import re

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def structure_existing_items(apps, schema_editor):
    RoadmapItem = apps.get_model("regions", "RoadmapItem")
    Campaign = apps.get_model("regions", "Campaign")
    items = list(RoadmapItem.objects.select_related("campaign"))
    if not items:
        return
    # The foreign key checks run at once: PostgreSQL refuses to alter a table with pending trigger events.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    fallback = Campaign.objects.filter(is_active=True).first() or Campaign.objects.order_by("-starts_on").first()
    for item in items:
        campaign = item.campaign or fallback
        if campaign is None:
            raise RuntimeError("Roadmap items exist but no campaign does: create a campaign, then migrate again.")
        parts = re.findall(r"\d+", item.number) or ["999"]
        item.campaign = campaign
        item.sort_key = ".".join(f"{int(part):03d}" for part in parts)[:20]
        if item.due_on:
            item.period_kind, item.period_start, item.period_end = "dates", item.due_on, item.due_on
        else:
            item.period_kind, item.period_start, item.period_end = "campaign", campaign.starts_on, campaign.ends_on
        if item.period:
            item.comment = f"Срок в прежней записи: «{item.period}»"
        item.save(update_fields=["campaign", "sort_key", "period_kind", "period_start", "period_end", "comment"])


class Migration(migrations.Migration):

    dependencies = [
        ("regions", "0007_merge_20261206_1431"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="roadmapitem",
            options={"ordering": ["region", "campaign", "sort_key"], "verbose_name": "roadmap item",
                     "verbose_name_plural": "roadmap"},
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="comment",
            field=models.TextField(blank=True, verbose_name="comment"),
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now,
                                       verbose_name="entered at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="created_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="entered by"),
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="expected_result",
            field=models.TextField(blank=True, verbose_name="expected result"),
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="period_end",
            field=models.DateField(blank=True, null=True, verbose_name="period ends on"),
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="period_kind",
            field=models.CharField(blank=True, choices=[("months", "month or months"), ("quarter", "quarter"),
                                                        ("annual", "every year"),
                                                        ("campaign", "throughout the campaign"),
                                                        ("dates", "date or dates")],
                                   max_length=10, verbose_name="period"),
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="period_recurrence",
            field=models.CharField(blank=True, choices=[("monthly", "monthly"), ("quarterly", "quarterly"),
                                                        ("on_request", "on request")],
                                   max_length=12, verbose_name="how often"),
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="period_start",
            field=models.DateField(blank=True, null=True, verbose_name="period starts on"),
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=20, verbose_name="order"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="roadmapitem",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
        migrations.RunPython(structure_existing_items, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="roadmapitem",
            name="due_on",
        ),
        migrations.RemoveField(
            model_name="roadmapitem",
            name="period",
        ),
        migrations.AlterField(
            model_name="roadmapitem",
            name="activity",
            field=models.TextField(verbose_name="activity"),
        ),
        migrations.AlterField(
            model_name="roadmapitem",
            name="campaign",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="regions.campaign", verbose_name="campaign"),
        ),
        migrations.AlterField(
            model_name="roadmapitem",
            name="number",
            field=models.CharField(help_text="Numbers separated by dots: 1, 2, 2.1, 2.1.3", max_length=20,
                                   verbose_name="№"),
        ),
        migrations.AlterField(
            model_name="roadmapitem",
            name="region",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="regions.region", verbose_name="region"),
        ),
        migrations.AddConstraint(
            model_name="roadmapitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("period_end__isnull", True), ("period_kind", ""), ("period_recurrence", ""),
                             ("period_start__isnull", True), models.Q(("number__contains", "."), _negated=True)),
                    models.Q(models.Q(("period_kind", ""), _negated=True), ("period_end__gte", models.F("period_start")),
                             ("period_end__isnull", False), ("period_start__isnull", False)),
                    _connector="OR",
                ),
                name="roadmap_period_whole",
            ),
        ),
    ]
