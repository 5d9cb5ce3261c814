"""Demo certificates: a certifying officer, Kent's own certificate template, and a cohort
that finished the demo programme last autumn.

Four of the five autumn trainees met the completion rule; one missed two sessions. One
certificate is already issued (to Zoë), so "My certificates", the register and the public
verification page have something to show; the other three wait for the officer to issue
them in bulk from "Issue certificates", which is the demo of that page.

Their worksheets were done on paper (the autumn room had no Wi-Fi) and their quiz and
interactive activity results are stored as passed, so the completion rule holds without
fabricating answers. Safe to run again: rows are found by stable keys, and an issued
certificate is never issued twice.
"""

import datetime

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from curriculum.demo_content import COHORT as SPRING_COHORT
from curriculum.selectors import programme_uses
from lms.roles import Role
from training.completion import planned_sessions, progress_for, recompute_enrolments
from training.demo import demo_person, take_register
from training.models import Cohort, CohortTrainer, Enrolment, Organisation, ScheduledSession

from . import issuing
from .models import Certificate, CertificateTemplate

OFFICER = ("officer", "Ruth", "Adeyemi")
AUTUMN_COHORT = "Kent, autumn 2026"
# Names with letters beyond plain ASCII, so the PDFs show that fonts are embedded.
AUTUMN_TRAINEES = [
    ("zoe", "Zoë", "Łukasiewicz"),
    ("stefan", "Ștefan", "Dvořák"),
    ("olena", "Olena", "Shevchenko"),
    ("grace", "Grace", "Mwangi"),
    ("tomas", "Tomás", "Ruiz"),
]
# Tomás missed sessions 2 and 3: he is not eligible, and the review page says why.
ABSENT = {2: {"tomas"}, 3: {"tomas"}}
AUTUMN_DAYS = [-70, -63, -56]
ALREADY_ISSUED = "zoe"

KENT_TEMPLATE = {
    "title": "Certificate of peer support training",
    "statement": (
        "{name} has taken part in the {hours}-hour training programme {programme}, "
        "delivered by {organisation}, and met its requirements."
    ),
    "signatory_name": "Ruth Adeyemi",
    "signatory_role": "Certifying officer, Kent Peer Support Network",
    "second_signatory_name": "Daniel Okafor",
    "second_signatory_role": "Lead trainer",
    "footer": "Kent Peer Support Network · demo data, not a real award",
}


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _meet_the_rest_of_the_rule(enrolments, trainer):
    """Worksheets handed in on paper and assessments passed, for what each still needs."""
    from assessments.models import H5PActivity, H5PResult, Quiz, QuizResult, SelfRating
    from worksheets.models import WorksheetResponse

    now = timezone.now()
    for progress in progress_for(enrolments):
        for session in progress.sessions:
            for item in session.required_worksheets:
                if not item.done:
                    WorksheetResponse.objects.update_or_create(
                        worksheet=item.worksheet,
                        enrolment=progress.enrolment,
                        defaults={
                            "status": WorksheetResponse.Status.ACCEPTED,
                            "on_paper": True,
                            "submitted_at": now,
                            "reviewed_at": now,
                            "reviewed_by": trainer,
                        },
                    )
    programme = enrolments[0].cohort.programme
    quizzes = [quiz for _session, quiz in programme_uses(programme, "quiz", Quiz)]
    activities = [a for _session, a in programme_uses(programme, "h5p", H5PActivity)]
    plans = planned_sessions(programme)
    rated = [(plan, plan.self_assessment) for plan in plans if hasattr(plan, "self_assessment")]
    for enrolment in enrolments:
        # Each trainee rated the session's statements lower before than after.
        for plan, self_assessment in rated:
            for outcome in plan.learning_outcomes.all():
                for phase, value in ((SelfRating.Phase.BEFORE, 2), (SelfRating.Phase.AFTER, 4)):
                    SelfRating.objects.update_or_create(
                        enrolment=enrolment,
                        outcome=outcome,
                        phase=phase,
                        defaults={
                            "self_assessment": self_assessment,
                            "outcome_text": outcome.text,
                            "value": value,
                        },
                    )
        for quiz in quizzes:
            QuizResult.objects.update_or_create(
                quiz=quiz,
                enrolment=enrolment,
                defaults={"attempts": 1, "percent": 100, "passed": True},
            )
        for activity in activities:
            H5PResult.objects.update_or_create(
                activity=activity,
                enrolment=enrolment,
                defaults={
                    "attempts": 1,
                    "best_scaled": 1.0,
                    "last_scaled": 1.0,
                    "completed": True,
                    "passed": True,
                    "completed_at": now,
                },
            )


def load(*, stdout=None):
    kent = Organisation.objects.get(slug="kent")
    # The spring cohort runs the original programme (another Kent cohort runs an adaptation).
    kent_cohort = Cohort.objects.get(organisation=kent, name=SPRING_COHORT["name"])
    programme = kent_cohort.programme
    trainer = User.objects.get(username="trainer")
    with transaction.atomic():
        officer = demo_person(
            *OFFICER,
            group=Group.objects.get(name=Role.CERTIFYING_OFFICER.value),
            organisation=kent,
        )
        CertificateTemplate.objects.update_or_create(
            organisation=kent, language="en", defaults=KENT_TEMPLATE
        )
        today = timezone.localdate()
        cohort, _ = Cohort.objects.update_or_create(
            name=AUTUMN_COHORT,
            organisation=kent,
            defaults={
                "programme": programme,
                "language": "en",
                "starts_on": today + datetime.timedelta(days=AUTUMN_DAYS[0]),
                "ends_on": today + datetime.timedelta(days=AUTUMN_DAYS[-1]),
                "capacity": 10,
            },
        )
        CohortTrainer.objects.update_or_create(
            cohort=cohort, user=trainer, defaults={"role": CohortTrainer.Role.LEAD}
        )
        trainees = Group.objects.get(name=Role.TRAINEE.value)
        for username, first, last in AUTUMN_TRAINEES:
            user = demo_person(username, first, last, group=trainees, organisation=kent)
            Enrolment.objects.get_or_create(cohort=cohort, trainee=user)
        plans = planned_sessions(programme)
        for number, plan in enumerate(plans, start=1):
            offset = AUTUMN_DAYS[min(number, len(AUTUMN_DAYS)) - 1] + 7 * max(
                0, number - len(AUTUMN_DAYS)
            )
            session, _ = ScheduledSession.objects.update_or_create(
                cohort=cohort,
                session_plan=plan,
                defaults={
                    "starts_at": _at(today + datetime.timedelta(days=offset)),
                    "place": "Folkestone Community Hub, room 2",
                    "duration_minutes": plan.planned_duration or 150,
                },
            )
            absent = ABSENT.get(number, set())
            take_register(session, cohort, trainer, {name: ("absent", None, "") for name in absent})
        enrolments = list(
            cohort.enrolments.select_related("trainee", "cohort__programme", "cohort__organisation")
        )
        _meet_the_rest_of_the_rule(enrolments, trainer)
        recompute_enrolments([e.pk for e in enrolments])
        zoe = Enrolment.objects.select_related(
            "trainee", "cohort__programme", "cohort__organisation"
        ).get(cohort=cohort, trainee__username=ALREADY_ISSUED)
        certificate = Certificate.objects.current().filter(enrolment=zoe).first()
        if certificate is None:
            certificate = issuing.issue(zoe, officer)
        Certificate.objects.filter(pk=certificate.pk).update(name_public=True)
    ready = sum(1 for state in issuing.cohort_eligibility(cohort) if state.is_eligible)
    if stdout is not None:
        stdout.write(
            f"  officer '{OFFICER[0]}' (Certifying officer, Kent); cohort '{AUTUMN_COHORT}' "
            f"finished; certificate {certificate.code} issued to {ALREADY_ISSUED}; "
            f"{ready} more ready to issue"
        )
    return certificate
