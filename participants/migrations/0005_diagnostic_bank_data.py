"""The first published bank of the three diagnostic stages, so a fresh database can run the diagnostics at once.

A migration rather than an admin import: every deployment applies it, there is no step to forget, and the bank is
reviewed as code; later changes are made by operator staff in the admin, as new versions. Reversing leaves the bank
in place (results may already point to it)."""

from django.db import migrations

from participants.diagnostic_bank import install_diagnostic_bank


def install(apps, schema_editor):
    install_diagnostic_bank(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("participants", "0004_diagnostics_bank")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
