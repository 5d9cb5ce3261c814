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
        # After a login card's code: the choosing step, and what the trainee is told.
        from . import sign_in

        sign_in.connect_receivers()
        # A reset link goes to a trainee's address only once they confirmed it themselves.
        from lms.password_reset import register_reset_rule

        from .people import may_reset_by_email

        register_reset_rule(may_reset_by_email)
