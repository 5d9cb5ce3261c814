from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Quizzes, H5P activities and self-assessments count towards completion, and a
        # changed result recomputes the trainee's stored progress.
        from .completion import connect
        from .signals_evaluation import connect as connect_evaluation

        connect()
        # Enrolling or completing a trainee invites them to the programme's questionnaires.
        connect_evaluation()
