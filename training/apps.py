from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training delivery")

    def ready(self):
        # Stored progress follows every change to marks, catch-ups, worksheet responses,
        # completion rules and published session plans.
        from .completion import connect_receivers

        connect_receivers()
