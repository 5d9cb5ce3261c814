from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PackagesConfig(AppConfig):
    """Curriculum packages: a programme with everything it needs, in one file that another
    installation of the platform can import."""

    name = "packages"
    verbose_name = _("Curriculum packages")
