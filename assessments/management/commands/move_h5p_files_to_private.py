"""``manage.py move_h5p_files_to_private``: move H5P packages and their unpacked folders that
earlier versions kept under ``MEDIA_ROOT/h5p/`` (readable by anyone wherever ``/media/`` is
served) to ``PRIVATE_MEDIA_ROOT/h5p/``, where only the player's signed links reach them.
Safe to run again; ``manage.py check`` warns while anything is left to move."""

from django.core.management.base import BaseCommand

from assessments.h5p_package import h5p_root, move_public_files, public_h5p_root


class Command(BaseCommand):
    help = "Move H5P files out of the public media folder into the private one."

    def handle(self, *args, **options):
        moved = move_public_files()
        self.stdout.write(
            f"Moved {moved} H5P file(s) or folder(s) from {public_h5p_root()} to {h5p_root()}."
        )
