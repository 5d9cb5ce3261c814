"""``manage.py build_h5p_demo [--output FILE]``: write the demo .h5p package, built from the
project's own H5P.PeerCheck content type, e.g. to upload it by hand in the admin."""

from pathlib import Path

from django.core.management.base import BaseCommand

from assessments.h5p_build import write_demo_package


class Command(BaseCommand):
    help = "Build the demo H5P package (H5P.PeerCheck) into a .h5p file."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="peer-check-demo.h5p", help="Where to write it.")

    def handle(self, *args, output, **options):
        path = write_demo_package(Path(output))
        self.stdout.write(f"Wrote {path} ({path.stat().st_size} bytes)")
