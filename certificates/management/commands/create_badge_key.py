"""Create the key that signs Open Badges, once per site.

A public server never makes this key by itself (see ``certificates.badges``): run this
command when the site is set up, keep the file with the other secrets and back it up. Every
badge issued so far is checked against this key, so replacing it makes them all fail.
"""

from django.core.management.base import BaseCommand, CommandError

from certificates import badges


class Command(BaseCommand):
    help = "Create the private key that signs Open Badges (at OPEN_BADGES_KEY_FILE)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "Replace an existing key. Every badge issued with the old key will then "
                "fail to verify."
            ),
        )

    def handle(self, *args, replace=False, **options):
        path = badges.key_path()
        try:
            badges.create_signing_key(path, replace=replace)
        except FileExistsError:
            raise CommandError(
                f"There is already a signing key at {path}. Keep it: every badge issued so "
                "far is checked against it. Use --replace only if it was lost or leaked."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Created the Open Badges signing key at {path}."))
        self.stdout.write("Only its owner may read it. Back it up with the other secrets.")
