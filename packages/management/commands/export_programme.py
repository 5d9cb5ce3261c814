"""``manage.py export_programme SLUG_OR_ID [-o FILE]``: a programme as a curriculum package."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum.models import ProgrammePage
from lms.page_translations import in_library
from packages.exporting import ExportError, programme_export


class Command(BaseCommand):
    help = (
        "Export a programme with its session plans and everything they use as one .zip "
        "file that another installation can import with import_programme."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="The programme's slug or page id.")
        parser.add_argument(
            "-o", "--output", help="Where to write the file (default: SLUG.curriculum.zip)."
        )

    def handle(self, *args, programme, output=None, **options):
        pages = ProgrammePage.objects.all()
        # A slug names the library's own page; its translations share it (give their id).
        found = list(
            pages.filter(pk=int(programme))
            if programme.isdigit()
            else in_library(pages.filter(slug=programme))
        )
        if not found:
            raise CommandError(f"No programme has the slug or id '{programme}'.")
        if len(found) > 1:
            ids = ", ".join(str(page.pk) for page in found)
            raise CommandError(
                f"Several programmes have the slug '{programme}' (ids {ids}): give the id."
            )
        started = time.perf_counter()
        try:
            result = programme_export(programme=found[0])
        except ExportError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        path = Path(output or result.filename)
        path.write_bytes(result.data)
        if options["verbosity"] == 0:
            return
        contents = result.manifest["contents"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported '{found[0].title}' with {result.manifest['programme']['sessions']} "
                f"session plans to {path} ({len(result.data) / 1024:.0f} KB, {seconds:.2f} s)."
            )
        )
        for label, count in sorted(contents.items()):
            self.stdout.write(f"  {count:>4} × {label}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"  Note: {note}"))
