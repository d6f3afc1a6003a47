"""`makemessages` that reads the stylesheet templates too: the PDFs' `*.css` templates (reports, roadmap) translate
their page footers («Стр. 2 из 5»), and with Django's default extensions (html, txt, py) every run would turn those
msgids obsolete (#~) and the footers English. `-e` still chooses the extensions when given."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if options["domain"] == "django" and not options["extensions"]:
            options["extensions"] = ["html", "txt", "py", "css"]
        return super().handle(*args, **options)
