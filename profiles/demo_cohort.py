"""Demo data: the Kent cohort that takes the autistic-adults adaptation.

``load(adaptation)`` runs after ``adaptations.demo`` has made Kent's copy of the programme.
It gives the copy's session 2 its easy-read texts and a Dutch translation, and puts three
trainees in a cohort with the built-in "Autistic adults" profile. The cohort's session 2 is
tomorrow, so its visual schedule is already shared with the trainees: the profile is about
knowing what will happen before it happens.

Safe to run again: the cohort is found by name and organisation, people by username, and
the easy read and translation are written only where they differ.
"""

import io

from django.contrib.auth.models import Group, User
from django.core.management.base import OutputWrapper

from curriculum.models import SessionPlanPage
from lms import demo_languages
from lms.page_translations import translate_page
from lms.roles import Role
from training.demo import demo_person, recompute_progress, schedule
from training.models import Cohort, CohortTrainer, Enrolment, ScheduledSession

from .demo import SESSION_NUMBER, apply_easy_read, apply_to_cohort

COHORT_NAME = "Kent, autistic adults, 2027"
PLACE = "Maidstone Community Hub, quiet room"
# Session n of the cohort is this many days from today: session 1 last week, session 2
# tomorrow (its plan is shared now), session 3 the week after.
DAYS = [-6, 1, 8]
# (username, first name, last name, email)
TRAINEES = [
    ("robin", "Robin", "Ellis", "robin@example.org"),
    ("kai", "Kai", "Brennan", "kai@example.org"),
    ("nadia", "Nadia", "Osei", "nadia@example.org"),
]
USERNAMES = [username for username, *_rest in TRAINEES]
DUTCH_PROGRAMME = {
    "title": "Ervaringswerker worden: voor autistische volwassenen",
    "target_group": "Autistische volwassenen",
}


def load(adaptation, stdout=None):
    """Cohort, trainees, calendar, easy read and Dutch translation for ``adaptation``."""
    out = stdout or OutputWrapper(io.StringIO())
    if adaptation is None:
        out.write("  autistic-adults cohort skipped: there is no adaptation")
        return None
    programme = adaptation.programme
    cohort, _created = Cohort.objects.update_or_create(
        name=COHORT_NAME,
        organisation=adaptation.organisation,
        defaults={"programme": programme, "language": "en", "capacity": 8},
    )
    apply_to_cohort(cohort)
    trainer = User.objects.get(username="trainer")
    CohortTrainer.objects.update_or_create(
        cohort=cohort, user=trainer, defaults={"role": CohortTrainer.Role.LEAD}
    )
    trainee_group = Group.objects.get(name=Role.TRAINEE.value)
    for username, first_name, last_name, email in TRAINEES:
        user = demo_person(
            username,
            first_name,
            last_name,
            group=trainee_group,
            organisation=adaptation.organisation,
            email=email,
        )
        Enrolment.objects.update_or_create(
            cohort=cohort, trainee=user, defaults={"status": Enrolment.Status.ACTIVE}
        )

    plans = list(SessionPlanPage.objects.child_of(programme).live().order_by("number"))
    # A cohort moved to another adaptation drops the old one's sessions from its calendar.
    ScheduledSession.objects.filter(cohort=cohort, session_plan__isnull=False).exclude(
        session_plan__in=plans
    ).delete()
    sessions = schedule(cohort, plans, days=DAYS, places=[PLACE], live_index=None)
    if sessions:
        cohort.starts_on = sessions[0].starts_at.date()
        cohort.ends_on = sessions[-1].starts_at.date()
        cohort.save(update_fields=["starts_on", "ends_on"])

    session = next((plan for plan in plans if plan.number == SESSION_NUMBER), None)
    easy_read = dutch = None
    if session is not None:
        easy_read = apply_easy_read(session)
        session = SessionPlanPage.objects.get(pk=session.pk)
        # The copy's words for the Dutch translation are the original's: Kent has not
        # rewritten them (yet). The programme page gets its own Dutch title.
        translate_page(
            programme,
            demo_languages.LANGUAGE,
            {
                "title": DUTCH_PROGRAMME["title"],
                "summary": demo_languages.PROGRAMME["summary"],
                "target_group": DUTCH_PROGRAMME["target_group"],
                "description": demo_languages.PROGRAMME["description"],
            },
        )
        dutch = demo_languages.translate_session(session)
    recompute_progress([cohort])
    out.write(
        f"  cohort '{cohort.name}' ({len(TRAINEES)} trainees: {', '.join(USERNAMES)}) on "
        f"'{programme.title}', profile '{cohort.profile.name}'; session {SESSION_NUMBER} is "
        f"tomorrow, easy read in {easy_read or 0} more activities"
        + (f", Dutch title '{dutch.title}'" if dutch else "")
    )
    return cohort
