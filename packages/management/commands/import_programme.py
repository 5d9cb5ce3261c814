"""``manage.py import_programme FILE``: import a curriculum package made by export_programme."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curriculum.models import CurriculumIndexPage
from packages.format import PackageError, read_package
from packages.importing import ProgrammeImporter


class Command(BaseCommand):
    help = (
        "Import a curriculum package: the programme goes into the curriculum library with "
        "new ids, as a draft unless --publish is given. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .zip file to import.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the pages that were published in the package (default: drafts).",
        )
        parser.add_argument("--slug", help="The address name to use (default: the package's).")
        parser.add_argument("--library", type=int, help="The page id of the curriculum library.")
        parser.add_argument(
            "--check", action="store_true", help="Only check the package and say what it holds."
        )

    def handle(self, *args, file, publish=False, slug=None, library=None, check=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file '{file}'.")
        parent = None
        if library is not None:
            parent = CurriculumIndexPage.objects.filter(pk=library).first()
            if parent is None:
                raise CommandError(f"Page {library} is not a curriculum library.")
        started = time.perf_counter()
        try:
            with path.open("rb") as handle:
                package = read_package(handle)
            importer = ProgrammeImporter(package, parent=parent, publish=publish, slug=slug)
            if check:
                plan = importer.check()
            else:
                result = importer.run()
                plan = result.plan
        except PackageError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        if options["verbosity"] == 0:
            return
        if check:
            self.stdout.write(self.style.SUCCESS(f"The package is fine: '{plan.title}'."))
        else:
            state = "published" if publish else "a draft"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported '{result.programme.title}' as {state} at "
                    f"{result.programme.url_path} (page {result.programme.pk}, {seconds:.2f} s)."
                )
            )
        self.stdout.write(f"  {len(plan.sessions)} session plans")
        for plural, names in plan.create.items():
            self.stdout.write(f"  new: {len(names)} {plural}")
        for plural, rows in plan.match.items():
            self.stdout.write(f"  already here, used as they are: {len(rows)} {plural}")
        for text in [*plan.skipped, *plan.notes]:
            self.stdout.write(self.style.WARNING(f"  Note: {text}"))
