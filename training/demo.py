"""Delivery data for ``manage.py load_demo``: the Kent cohort's calendar and register, the
completion rule, funder targets, and a second organisation whose people Kent cannot see.

Dates are counted from today, so whenever the demo is loaded session 1 took place two weeks
ago (its register is taken), session 2 is on now (the trainer can take the register live and
trainees can check in), and session 3 is next week.

Safe to run again: rows are found by stable keys (cohort and session plan, username, slug)
and updated in place. Running again also resets today's session to "register not taken",
so the live part of the demo always works.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils import timezone

from curriculum.demo_content import (
    ANTWERP_COHORT,
    ANTWERP_ORGANISATION,
    ANTWERP_PEOPLE,
    ANTWERP_PLACE,
    ANTWERP_SESSION_1_MARKS,
    ANTWERP_TARGET,
    DEMO_PASSWORD,
    KENT_PLACES,
    KENT_SESSION_1_MARKS,
    KENT_SUPPORT_SESSION,
    KENT_TARGET,
)
from curriculum.models import SessionPlanPage
from lms.roles import Role

from .models import (
    AttendanceMark,
    Cohort,
    CohortTrainer,
    CompletionRule,
    Enrolment,
    Organisation,
    ScheduledSession,
    SignInCode,
    TraineeProfile,
    TrainingTarget,
)

# Session n (1-based) of the Kent cohort is this many days from today; later plans, if an
# editor adds some, follow every week after the last.
KENT_DAYS = [-14, 0, 7]
ANTWERP_DAYS = [-10, 3, 10]
SUPPORT_DAYS_AFTER_LAST = 14
# The check-in code shown on the projector for today's session.
TODAY_CHECK_IN_CODE = "4827"


@dataclass
class DeliveryDemo:
    kent_cohort: Cohort
    antwerp: Organisation
    antwerp_cohort: Cohort
    sessions: list = field(default_factory=list)
    antwerp_sessions: list = field(default_factory=list)
    marks: int = 0
    progress_recomputed: bool = False

    def summary(self):
        today = next((s for s in self.sessions if s.starts_at.date() == timezone.localdate()), None)
        when = (
            f", today's at {timezone.localtime(today.starts_at):%H:%M} (check-in code "
            f"{today.check_in_code})"
            if today
            else ""
        )
        return (
            f"  cohort '{self.kent_cohort.name}': {len(self.sessions)} sessions scheduled{when}, "
            f"{self.marks} attendance marks\n"
            f"  second organisation '{self.antwerp.name}', same password: "
            f"{', '.join(person[0] for person in ANTWERP_PEOPLE)}"
        )


def at(day, hour, minute=0):
    """An aware datetime at a local time of day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def around_now():
    """A start time today that makes the session in progress now: the last quarter hour,
    15 minutes ago, but never yesterday (the demo may be loaded just after midnight)."""
    now = timezone.localtime()
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    start -= datetime.timedelta(minutes=15)
    midnight = at(now.date(), 0)
    return max(start, midnight)


def load_delivery_demo(*, programme, organisation, cohort):
    """Schedule, mark and target the demo; returns what was loaded, for the summary."""
    plans = list(SessionPlanPage.objects.child_of(programme).live().order_by("number"))
    trainer = User.objects.get(username="trainer")
    today = timezone.localdate()

    sessions = schedule(
        cohort,
        plans,
        days=KENT_DAYS,
        places=KENT_PLACES,
        live_index=1,
    )
    support = (
        ScheduledSession.objects.filter(
            cohort=cohort, kind=ScheduledSession.Kind.SUPPORT, session_plan=None
        )
        .order_by("pk")
        .first()
    ) or ScheduledSession(cohort=cohort, kind=ScheduledSession.Kind.SUPPORT)
    last_day = timezone.localdate(sessions[-1].starts_at) if sessions else today
    support.title = KENT_SUPPORT_SESSION["title"]
    support.place = KENT_SUPPORT_SESSION["place"]
    support.starts_at = at(last_day + datetime.timedelta(days=SUPPORT_DAYS_AFTER_LAST), 18)
    support.duration_minutes = 90
    support.cancelled = False
    support.register_taken_at = None
    support.save()
    support.marks.all().delete()

    cohort.starts_on = timezone.localdate(sessions[0].starts_at) if sessions else today
    cohort.ends_on = last_day
    cohort.save(update_fields=["starts_on", "ends_on"])

    marks = 0
    if sessions:
        marks += take_register(sessions[0], cohort, trainer, KENT_SESSION_1_MARKS)

    CompletionRule.objects.update_or_create(
        programme=programme,
        defaults={
            "min_attendance_percent": 80,
            "late_counts": True,
            "left_early_counts": True,
            "worksheets": CompletionRule.WorksheetRequirement.SUBMITTED,
            "catch_up_allowed": True,
        },
    )
    TrainingTarget.objects.update_or_create(
        organisation=organisation, programme=programme, defaults=KENT_TARGET
    )

    antwerp, antwerp_cohort, antwerp_trainer = load_antwerp(programme)
    antwerp_sessions = schedule(
        antwerp_cohort, plans, days=ANTWERP_DAYS, places=[ANTWERP_PLACE], live_index=None
    )
    if antwerp_sessions:
        antwerp_cohort.starts_on = timezone.localdate(antwerp_sessions[0].starts_at)
        antwerp_cohort.ends_on = timezone.localdate(antwerp_sessions[-1].starts_at)
        antwerp_cohort.save(update_fields=["starts_on", "ends_on"])
        marks += take_register(
            antwerp_sessions[0], antwerp_cohort, antwerp_trainer, ANTWERP_SESSION_1_MARKS
        )
    TrainingTarget.objects.update_or_create(
        organisation=antwerp, programme=programme, defaults=ANTWERP_TARGET
    )

    result = DeliveryDemo(
        kent_cohort=cohort,
        antwerp=antwerp,
        antwerp_cohort=antwerp_cohort,
        sessions=sessions + [support],
        antwerp_sessions=antwerp_sessions,
        marks=marks,
    )
    result.progress_recomputed = recompute_progress([cohort, antwerp_cohort])
    return result


def schedule(cohort, plans, *, days, places, live_index):
    """Put every plan on the cohort's calendar; ``live_index`` is the session on now."""
    today = timezone.localdate()
    sessions = []
    for index, plan in enumerate(plans):
        if index < len(days):
            offset = days[index]
        else:
            offset = days[-1] + 7 * (index - len(days) + 1)
        session = ScheduledSession.objects.filter(cohort=cohort, session_plan=plan).first()
        session = session or ScheduledSession(cohort=cohort, session_plan=plan)
        session.kind = ScheduledSession.Kind.TRAINING
        session.title = ""
        session.place = places[min(index, len(places) - 1)]
        session.online_link = ""
        session.cancelled = False
        session.duration_minutes = plan.planned_duration or 150
        if index == live_index:
            session.starts_at = around_now()
            session.check_in_code = TODAY_CHECK_IN_CODE
            session.check_in_opens_at = session.starts_at - datetime.timedelta(minutes=15)
            session.check_in_closes_at = session.ends_at
        else:
            session.starts_at = at(today + datetime.timedelta(days=offset), 10)
            session.check_in_code = ""
            session.check_in_opens_at = session.check_in_closes_at = None
        # Past sessions get their register below; the others start with none, so the live
        # demo (taking today's register, checking in) works after every run.
        session.register_taken_at = None
        session.save()
        if offset >= 0 or index == live_index:
            session.marks.all().delete()
        sessions.append(session)
    return sessions


def take_register(session, cohort, trainer, exceptions):
    """Mark everyone in the cohort: present unless ``exceptions`` says otherwise."""
    session.register_taken_at = session.starts_at + datetime.timedelta(minutes=5)
    session.save(update_fields=["register_taken_at"])
    marked_at = session.starts_at + datetime.timedelta(minutes=10)
    count = 0
    for enrolment in cohort.enrolments.select_related("trainee"):
        status, minutes, note = exceptions.get(enrolment.trainee.username, ("present", None, ""))
        AttendanceMark.objects.update_or_create(
            scheduled_session=session,
            enrolment=enrolment,
            defaults={
                "status": status,
                "minutes_attended": minutes,
                "note": note,
                "source": AttendanceMark.Source.REGISTER,
                "marked_by": trainer,
                "marked_at": marked_at,
            },
        )
        count += 1
    return count


def demo_person(username, first_name, last_name, *, group, organisation, email=""):
    """A demo login: found by user name, reset to the demo password, in one role group and
    a member of ``organisation``."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.first_name, user.last_name = first_name, last_name
    if email:
        user.email = email
    user.is_active = True
    user.is_superuser = user.is_staff = False
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set([group])
    organisation.members.add(user)
    return user


def load_antwerp(programme):
    """The second organisation: its own manager, trainer and four trainees."""
    antwerp, _created = Organisation.objects.update_or_create(
        slug=ANTWERP_ORGANISATION["slug"],
        defaults={k: v for k, v in ANTWERP_ORGANISATION.items() if k != "slug"},
    )
    groups = {role: Group.objects.get(name=role.value) for role in Role}
    people = {}
    for username, first_name, last_name, role, email in ANTWERP_PEOPLE:
        user = demo_person(
            username,
            first_name,
            last_name,
            group=groups[role],
            organisation=antwerp,
            email=email,
        )
        # Nobody from Antwerp belongs to another organisation, even after edits in the admin.
        for other in user.organisations.exclude(pk=antwerp.pk):
            other.members.remove(user)
        people[username] = (user, role)

    cohort, _created = Cohort.objects.update_or_create(
        name=ANTWERP_COHORT["name"],
        organisation=antwerp,
        defaults={
            "programme": programme,
            "language": ANTWERP_COHORT["language"],
            "capacity": ANTWERP_COHORT["capacity"],
        },
    )
    trainer = people["trainer_antwerp"][0]
    CohortTrainer.objects.update_or_create(
        cohort=cohort, user=trainer, defaults={"role": CohortTrainer.Role.LEAD}
    )
    number = 0
    for user, role in people.values():
        if role != Role.TRAINEE:
            continue
        number += 1
        Enrolment.objects.update_or_create(
            cohort=cohort, trainee=user, defaults={"status": Enrolment.Status.ACTIVE}
        )
        # The partner's own reference numbers, as they would come from their spreadsheet.
        TraineeProfile.objects.update_or_create(
            user=user,
            defaults={"reference": f"ANT-{number:03d}", "created_by": trainer},
        )
        if not user.email:
            demo_login_card(user, cohort=cohort, by=trainer)
    return antwerp, cohort, trainer


def demo_login_card(user, *, cohort, by, printed_days_ago=12):
    """The login card a trainer printed for a trainee without email, used the next day, so
    the trainee's account page and the group's login cards page show the log. Its code was
    never printed (a random one, kept hashed like any other)."""
    from .people import login_code_new, login_code_normalise, person_name, sign_in_code_days

    printed_at = at(timezone.localdate() - datetime.timedelta(days=printed_days_ago), 10, 5)
    card = SignInCode.objects.filter(user=user, kind=SignInCode.Kind.FIRST, printed_by=by).first()
    if card is None:
        card = SignInCode(user=user, kind=SignInCode.Kind.FIRST, printed_by=by)
        card.code_hash = make_password(login_code_normalise(login_code_new()))
    card.cohort = cohort
    card.printed_by_name = person_name(by)
    card.printed_at = printed_at
    card.expires_at = printed_at + datetime.timedelta(days=sign_in_code_days())
    card.used_at = printed_at + datetime.timedelta(days=1, hours=8)
    card.save()
    TraineeProfile.objects.filter(user=user).update(card_issued_at=printed_at, card_issued_by=by)
    return card


def recompute_progress(cohorts):
    """Store every demo trainee's progress, if the completion code is installed."""
    try:
        from training.completion import recompute_enrolments
    except ImportError:
        return False
    ids = list(Enrolment.objects.filter(cohort__in=cohorts).values_list("pk", flat=True))
    recompute_enrolments(ids)
    return True
