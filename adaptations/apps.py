from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptationsConfig(AppConfig):
    name = "adaptations"
    verbose_name = _("Adaptations")
