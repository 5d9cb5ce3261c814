from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Platform")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="lms.start_idle_clock")
