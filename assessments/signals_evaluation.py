"""Invitations follow enrolments and schedules: saving an enrolment (a new trainee, a status
changed by hand) or a schedule (a questionnaire added to a programme) creates the
questionnaires owed at once.

Completion moves many enrolments to "completed" with a bulk update, which sends no signal;
``manage.py schedule_evaluations`` (run daily) creates those "after" invitations. The lead
calls ``connect()`` from ``AssessmentsConfig.ready``; connecting twice is harmless.
"""

from django.db.models.signals import post_save

ENROLMENT_UID = "assessments.evaluation.enrolment_saved"
SCHEDULE_UID = "assessments.evaluation.schedule_saved"


def on_enrolment_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .evaluation import ensure_invitations

    ensure_invitations([instance])


def on_schedule_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .evaluation import enrolments_to_schedule, ensure_invitations

    ensure_invitations(
        list(enrolments_to_schedule().filter(cohort__programme=instance.programme_id))
    )


def connect():
    from training.models import Enrolment

    from .models import EvaluationSchedule

    post_save.connect(on_enrolment_saved, sender=Enrolment, dispatch_uid=ENROLMENT_UID)
    post_save.connect(on_schedule_saved, sender=EvaluationSchedule, dispatch_uid=SCHEDULE_UID)
