import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from devdata.demo import demo_invitation_paths, seed_demo
from devdata.demo_logins import DEMO_DOMAIN
from devdata.demo_participants import participants_guide
from devdata.demo_regions import REGIONS


class Command(BaseCommand):
    help = "Create or refresh the demo data (SPEC §6) and print every demo login as “email  password  role”."

    def handle(self, *args, **options):
        logins = seed_demo()
        # The logins go to stdout alone, one per line, so that a script can read them; the rest goes to stderr.
        self.stderr.write(_("Demo data is ready. Logins (email, password, role):"))
        for login in logins:
            self.stdout.write(login.line())
        sys.stdout.flush()
        # A parent's invitation waiting for an answer (issue 14 §1): open the link (signed out), set a password, accept.
        for student, path in demo_invitation_paths():
            self.stderr.write(
                _("Parent's invitation awaiting an answer (from %(student)s): http://127.0.0.1:8000%(path)s")
                % {"student": student, "path": path}
            )
        # The other states of the participants' demo (issue 14): a navigator's invitation, a stage left halfway,
        # a withdrawn consent waiting for the anonymisation job.
        for line in participants_guide(codes=[spec["code"] for spec in REGIONS], domain=DEMO_DOMAIN):
            self.stderr.write(line)
