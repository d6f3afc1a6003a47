from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from devdata.load_data import DEFAULT_PASSWORD, LoadDataError, Progress, delete_load_data, generate, load_data_exists


class Command(BaseCommand):
    help = (
        "Generate synthetic data of the planning shape (SPEC §5) for benchmarks: student i signs in as "
        "student<i>@load.example with the given password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, help="number of students to generate (e.g. 1000000)")
        parser.add_argument("--regions", type=int, default=89, help="number of regions (default 89)")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help=f"password of every generated user "
                                                                          f"(default {DEFAULT_PASSWORD})")
        parser.add_argument("--reset", action="store_true", help="remove existing load data first")
        parser.add_argument("--delete", action="store_true", help="only remove existing load data")
        parser.add_argument("--keep-indexes", action="store_true",
                            help="PostgreSQL: keep the indexes during COPY (slower; the tables stay usable by others)")
        parser.add_argument("--no-progress", action="store_true", help="no progress counter on stderr")

    def handle(self, *args, students, regions, password, reset, delete, keep_indexes, no_progress, **options):
        if not delete and (students is None or students < 1):
            raise CommandError(_("Give the number of students: --students N (N ≥ 1)."))
        try:
            if reset or delete:
                if load_data_exists():
                    removed = delete_load_data(Progress(self.stderr, enabled=not no_progress))
                    self.stdout.write(_("Load data removed: %(rows)s rows.") % {"rows": f"{removed:,}"})
                if delete:
                    return
            progress = Progress(self.stderr, enabled=not no_progress)
            written = generate(students=students, regions=regions, password=password, progress=progress,
                               rebuild_indexes=not keep_indexes)
        except LoadDataError as exc:
            raise CommandError(str(exc)) from exc
        for label, count in written.items():
            self.stdout.write(f"{label:<34} {count:>12,}")
        total = sum(written.values())
        self.stdout.write(
            _("%(rows)s rows in %(seconds).1f s, %(rate)s rows/s.")
            % {"rows": f"{total:,}", "seconds": progress.elapsed, "rate": f"{total / progress.elapsed:,.0f}"}
        )
