from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Adaptation profiles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Display preferences are put in the session when a person logs in.
        from . import display  # noqa: F401
