import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from devdata.demo import seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo data (SPEC §6) and print every demo login as “email  password  role”."

    def handle(self, *args, **options):
        logins = seed_demo()
        # The logins go to stdout alone, one per line, so that a script can read them; the rest goes to stderr.
        self.stderr.write(_("Demo data is ready. Logins (email, password, role):"))
        for login in logins:
            self.stdout.write(login.line())
        sys.stdout.flush()
