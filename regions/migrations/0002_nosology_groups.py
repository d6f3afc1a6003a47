from django.db import migrations

CODES = ["hearing", "sight", "musculoskeletal", "intellectual", "autism", "other"]


def create_groups(apps, schema_editor):
    Nosology = apps.get_model("regions", "Nosology")
    for code in CODES:
        Nosology.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
