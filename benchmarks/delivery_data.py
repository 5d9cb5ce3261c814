"""Delivery data at scale: one programme run by many organisations, cohorts and trainees,
with a calendar, a taken register for every held session, targets and stored progress.

    from benchmarks.delivery_data import generate
    data = generate(trainees=10_000, cohorts=1_000, sessions=24, held=12, organisations=20)

Everything after the session plans (Wagtail pages, a handful) is written with bulk_create
in batches, so the full size takes well under a minute on SQLite. Tests call it at small
sizes; ``label`` keeps two data sets apart in one database (names, usernames, slugs).
The random choices (who is late, who withdrew) come from ``seed``, so runs are repeatable.
"""

import datetime
import random
import time
from dataclasses import dataclass, field

# Mixed on purpose: accented and non-Latin-alphabet names are what the partners' lists hold.
FIRST_NAMES = [
    "Amélie", "João", "Noémie", "Yazid", "Fatima", "Mehmet", "Zoë", "Søren", "Łukasz",
    "Chloé", "Ana", "Ahmed", "Marie", "Kwame", "Siobhán", "Dmitri", "Aïcha", "René", "Inês",
    "Tomás", "Hassan", "Lucie", "Mark", "Claudia", "Abdoul", "Wiktoria", "Emre", "Leïla",
]  # fmt: skip
LAST_NAMES = [
    "Peeters", "Janssens", "El Amrani", "Yıldız", "Gonçalves", "Lefèvre", "de Vries",
    "Diallo", "Holloway", "Nowak", "Öztürk", "Mbeki", "O'Brien", "García", "Müller",
    "Van den Broeck", "Al-Khatib", "Abdi Warsame", "Dubois", "Kowalczyk", "Ní Bhriain",
]  # fmt: skip

# (status, weight): most trainees come, a few are late, leave early, miss or excuse.
STATUS_WEIGHTS = [
    ("present", 80),
    ("late", 7),
    ("left_early", 3),
    ("absent", 6),
    ("excused", 4),
]
WITHDRAWN_SHARE = 0.03


@dataclass
class Generated:
    """What a benchmark or test needs to open the pages: a cohort of the data set, one of
    its trainers, one active trainee, the manager of its organisation."""

    programme: object
    plans: list
    organisation: object
    cohort: object
    trainer: object
    trainee: object
    enrolment: object
    manager: object
    sessions: list
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def held_session(self):
        """The cohort's last held session: a full register."""
        return [s for s in self.sessions if s.register_taken_at][-1]

    @property
    def next_session(self):
        return next(s for s in self.sessions if not s.register_taken_at)


def generate(
    trainees=10_000,
    cohorts=1_000,
    sessions=24,
    held=12,
    organisations=20,
    seed=2027,
    label="bench",
    big_cohort=None,
    finished=0.1,
    responses=True,
    progress=True,
    batch_size=2_000,
    log=None,
):
    """Build the data set and return a ``Generated``.

    ``big_cohort``: put this many trainees in the first cohort (the others share the rest
    evenly), to time the cohort pages on a larger group than the usual 8-10.
    ``finished``: the share of cohorts (the last ones) that held every session: most of
    their trainees complete, so reports have people trained to count against targets.
    ``responses``: trainees hand in the worksheet of each held session (a few leave a draft).
    ``progress``: store every trainee's ProgrammeProgress (through the completion code).
    ``log``: a function called with a line of text after each step, for the CLI.
    """
    from django.db import transaction

    if held > sessions:
        raise ValueError("held cannot be more than sessions")
    if cohorts < 1 or organisations < 1 or trainees < cohorts:
        raise ValueError("need at least one organisation and cohort, and a trainee per cohort")
    organisations = min(organisations, cohorts)
    rng = random.Random(seed)
    started = time.perf_counter()
    step = _Steps(log)

    # Pages and the rule first, in their own transaction: publishing a page and saving a
    # rule ask for a progress recompute after commit, cheap while no one is enrolled yet.
    with transaction.atomic():
        programme, plans, worksheets = make_programme(label, sessions)
        make_rule(programme)
    step(f"programme with {len(plans)} session plans")

    with transaction.atomic():
        built = _build(
            rng, label, programme, plans, worksheets, trainees, cohorts, held, organisations,
            big_cohort, finished, responses, batch_size, step,
        )  # fmt: skip
    if progress:
        store_progress(built["enrolment_ids"])
        step(f"progress stored for {len(built['enrolment_ids'])} enrolments")

    refresh_statistics()
    step("planner statistics refreshed")

    from training.models import Enrolment, ScheduledSession

    cohort = built["cohorts"][0]
    enrolment = (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .select_related("trainee")
        .order_by("pk")
        .first()
    )
    return Generated(
        programme=programme,
        plans=plans,
        organisation=built["organisations"][0],
        cohort=cohort,
        trainer=built["trainers"][0],
        trainee=enrolment.trainee,
        enrolment=enrolment,
        manager=built["managers"][0],
        sessions=list(
            ScheduledSession.objects.filter(cohort=cohort)
            .select_related("session_plan")
            .order_by("starts_at")
        ),
        counts=built["counts"],
        seconds=time.perf_counter() - started,
    )


class _Steps:
    def __init__(self, log):
        self.log = log
        self.last = time.perf_counter()

    def __call__(self, text):
        now = time.perf_counter()
        if self.log:
            self.log(f"  {text} ({now - self.last:.1f} s)")
        self.last = now


# --- pages ------------------------------------------------------------------------------------


def library():
    """The curriculum library the default site serves, created if the database has none."""
    from wagtail.models import Page, Site

    from curriculum.models import CurriculumIndexPage

    existing = CurriculumIndexPage.objects.first()
    if existing:
        return existing
    root = Page.objects.get(depth=1)
    page = root.add_child(instance=CurriculumIndexPage(title="Curriculum", slug="curriculum"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": page, "site_name": "Benchmark"},
    )
    return page


def make_programme(label, sessions):
    """A published programme with ``sessions`` published plans, each with a worksheet.
    Returns the programme, its plans and the worksheets in plan order."""
    from curriculum.models import ProgrammePage, SessionLearningOutcome, SessionPlanPage
    from worksheets.models import Worksheet

    parent = library()
    programme = parent.add_child(
        instance=ProgrammePage(
            title=f"Peer support agent ({label})",
            slug=f"{label}-programme",
            summary="A course for future peer supporters, generated for timing.",
            target_group="People with lived experience",
        )
    )
    programme.save_revision().publish()
    plans, worksheets = [], []
    for number in range(1, sessions + 1):
        worksheet = Worksheet.objects.create(
            title=f"{label} worksheet {number}",
            instructions="Write down what you noticed.",
            parts=[
                {
                    "type": "reflection",
                    "value": {
                        "prompt": "What did you notice?",
                        "guidance": "",
                        "visibility": "trainer",
                    },
                }
            ],
        )
        plan = SessionPlanPage(
            title=f"Session {number}",
            slug=f"session-{number}",
            number=number,
            planned_duration=150,
            introduction="<p>Welcome everyone.</p>",
            closure="<p>Ask what people take away.</p>",
            introduction_minutes_min=15,
            closure_minutes_min=10,
            activities=[
                {
                    "type": "activity",
                    "value": {
                        "title": f"Activity {number}",
                        "duration_min": 60,
                        "duration_max": None,
                        "groupings": ["plenary"],
                        "worksheet": worksheet.pk,
                        "case_scenario": None,
                        "procedure": "<p>Run it with the group.</p>",
                        "alternatives": "",
                        "adaptation_notes": "",
                    },
                }
            ],
        )
        plan.learning_outcomes.add(SessionLearningOutcome(text="Describe the role"))
        programme.add_child(instance=plan)
        plan.save_revision().publish()
        plans.append(plan)
        worksheets.append(worksheet)
    return programme, plans, worksheets


def make_rule(programme):
    from training.models import CompletionRule

    CompletionRule.objects.update_or_create(
        programme=programme,
        defaults={
            "min_attendance_percent": 80,
            "worksheets": CompletionRule.WorksheetRequirement.SUBMITTED,
        },
    )


# --- people and delivery -------------------------------------------------------------------


def _build(
    rng, label, programme, plans, worksheets, trainees, cohorts, held, organisations,
    big_cohort, finished, responses, batch_size, step,
):  # fmt: skip
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from lms.roles import Role
    from training.models import (
        AttendanceMark,
        Cohort,
        CohortTrainer,
        Enrolment,
        Organisation,
        ScheduledSession,
        TraineeProfile,
        TrainingTarget,
    )
    from worksheets.models import WorksheetResponse

    now = timezone.now()
    # One unusable password for everyone: hashing 10,000 real ones would take minutes, and
    # tests and benchmarks log in with force_login.
    unusable = make_password(None)

    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{label} partner {n + 1}", slug=f"{label}-partner-{n + 1}", city="Town"
            )
            for n in range(organisations)
        ],
        batch_size=batch_size,
    )

    def person(username, n):
        return User(
            username=username,
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(n // len(FIRST_NAMES) + n) % len(LAST_NAMES)],
            password=unusable,
            email="" if n % 5 == 0 else f"{username}@example.org",
            is_active=True,
            date_joined=now,
        )

    n_trainers = max(1, cohorts // 2)
    managers = User.objects.bulk_create(
        [person(f"{label}-manager-{n + 1}", n) for n in range(organisations)],
        batch_size=batch_size,
    )
    trainers = User.objects.bulk_create(
        [person(f"{label}-trainer-{n + 1}", n + 7) for n in range(n_trainers)],
        batch_size=batch_size,
    )
    people = User.objects.bulk_create(
        [person(f"{label}-trainee-{n + 1}", n) for n in range(trainees)], batch_size=batch_size
    )
    step(f"{len(people)} trainees, {len(trainers)} trainers, {len(managers)} managers")

    groups = {role: Group.objects.get(name=role.value) for role in Role}
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=u.pk, group_id=groups[Role.PROGRAMME_MANAGER].pk) for u in managers]
        + [Through(user_id=u.pk, group_id=groups[Role.TRAINER].pk) for u in trainers]
        + [Through(user_id=u.pk, group_id=groups[Role.TRAINEE].pk) for u in people],
        batch_size=batch_size,
    )
    TraineeProfile.objects.bulk_create(
        [
            TraineeProfile(user_id=u.pk, reference=f"{label.upper()}-{n + 1:05d}")
            for n, u in enumerate(people)
        ],
        batch_size=batch_size,
    )

    # Who sits in which cohort: the first may be big, the rest share evenly and in order.
    first = min(big_cohort or 0, trainees - (cohorts - 1)) if big_cohort else 0
    sizes = _spread(trainees - first, cohorts - (1 if first else 0))
    if first:
        sizes = [first, *sizes]
    weeks = len(plans)
    first_day = timezone.localdate() - datetime.timedelta(weeks=held)
    cohort_rows = Cohort.objects.bulk_create(
        [
            Cohort(
                name=f"{label} cohort {n + 1}",
                programme=programme,
                organisation=orgs[n % organisations],
                language="en",
                starts_on=first_day,
                ends_on=first_day + datetime.timedelta(weeks=weeks - 1),
                capacity=max(10, size),
            )
            for n, size in enumerate(sizes)
        ],
        batch_size=batch_size,
    )
    CohortTrainer.objects.bulk_create(
        [
            CohortTrainer(cohort_id=c.pk, user_id=trainers[n // 2 % n_trainers].pk, role="lead")
            for n, c in enumerate(cohort_rows)
        ],
        batch_size=batch_size,
    )

    # Everyone belongs to their organisation: staff and the trainees of its cohorts.
    members = {(orgs[n].pk, u.pk) for n, u in enumerate(managers)}
    members |= {
        (c.organisation_id, trainers[n // 2 % n_trainers].pk) for n, c in enumerate(cohort_rows)
    }
    enrolments, position = [], 0
    for cohort, size in zip(cohort_rows, sizes, strict=True):
        for user in people[position : position + size]:
            members.add((cohort.organisation_id, user.pk))
            # Never the cohort's first trainee: tests and benchmarks log in as them.
            withdrawn = user is not people[position] and rng.random() < WITHDRAWN_SHARE
            enrolments.append(
                Enrolment(
                    cohort_id=cohort.pk,
                    trainee_id=user.pk,
                    status="withdrawn" if withdrawn else "active",
                    withdrawn_at=now - datetime.timedelta(weeks=held // 2) if withdrawn else None,
                    withdrawal_reason="Found a job with hours that clash." if withdrawn else "",
                )
            )
        position += size
    Members = Organisation.members.through
    Members.objects.bulk_create(
        [Members(organisation_id=o, user_id=u) for o, u in sorted(members)],
        batch_size=batch_size,
    )
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=batch_size)
    step(f"{len(cohort_rows)} cohorts, {len(enrolments)} enrolments")

    # The calendar: weekly, the first ``held`` in the past with their register taken; the
    # finished cohorts (the last ones) met for every session and ended before today.
    # Cohorts meet at different hours so that lists sorted by time interleave them.
    n_finished = round(cohorts * finished) if cohorts > 1 else 0
    held_in = {}
    scheduled = []
    for n, cohort in enumerate(cohort_rows):
        hour = 9 + n % 9
        done = n >= cohorts - n_finished
        held_in[cohort.pk] = weeks if done else held
        start = timezone.localdate() - datetime.timedelta(weeks=weeks + 1 if done else held)
        if done:
            cohort.starts_on = start
            cohort.ends_on = start + datetime.timedelta(weeks=weeks - 1)
        for k, plan in enumerate(plans):
            day = start + datetime.timedelta(weeks=k)
            if k >= held_in[cohort.pk]:  # the future ones really are ahead, whatever the hour
                day = timezone.localdate() + datetime.timedelta(weeks=k - held + 1)
            starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
            scheduled.append(
                ScheduledSession(
                    cohort_id=cohort.pk,
                    kind="training",
                    session_plan_id=plan.pk,
                    starts_at=starts_at,
                    duration_minutes=150,
                    place=f"Community room {n % 40 + 1}",
                    register_taken_at=starts_at + datetime.timedelta(minutes=5)
                    if k < held_in[cohort.pk]
                    else None,
                )
            )
    finished_rows = cohort_rows[cohorts - n_finished :] if n_finished else []
    Cohort.objects.bulk_update(finished_rows, ["starts_on", "ends_on"], batch_size=batch_size)
    scheduled = ScheduledSession.objects.bulk_create(scheduled, batch_size=batch_size)
    step(f"{len(scheduled)} scheduled sessions ({n_finished} cohorts finished)")

    # Marks for every held session; a trainee who withdrew stops being marked halfway.
    by_cohort = {}
    for enrolment in enrolments:
        by_cohort.setdefault(enrolment.cohort_id, []).append(enrolment)
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    marks, total_marks = [], 0
    for session_index, session in enumerate(scheduled):
        k = session_index % len(plans)
        held_here = held_in[session.cohort_id]
        if k >= held_here:
            continue
        for enrolment in by_cohort[session.cohort_id]:
            if enrolment.status == "withdrawn" and k >= held_here // 2:
                continue
            status = rng.choices(statuses, weights)[0]
            marks.append(
                AttendanceMark(
                    scheduled_session_id=session.pk,
                    enrolment_id=enrolment.pk,
                    status=status,
                    minutes_attended={"late": 120, "left_early": 90}.get(status),
                    note="Bus was late." if status == "late" and rng.random() < 0.3 else "",
                    source="register",
                    marked_by_id=trainers[(session_index // len(plans)) // 2 % n_trainers].pk,
                    marked_at=session.starts_at + datetime.timedelta(minutes=10),
                )
            )
        if len(marks) >= batch_size * 5:
            AttendanceMark.objects.bulk_create(marks, batch_size=batch_size)
            total_marks += len(marks)
            marks = []
    AttendanceMark.objects.bulk_create(marks, batch_size=batch_size)
    total_marks += len(marks)
    step(f"{total_marks} attendance marks")

    # Worksheets of the held sessions: handed in, except a few drafts in running cohorts.
    total_responses = 0
    if responses:
        rows = []
        for cohort in cohort_rows:
            held_here = held_in[cohort.pk]
            for enrolment in by_cohort[cohort.pk]:
                if enrolment.status == "withdrawn":
                    continue
                for worksheet in worksheets[:held_here]:
                    # Drafts only where the course is still running: finished cohorts
                    # handed everything in.
                    draft = held_here < weeks and rng.random() < 0.05
                    rows.append(
                        WorksheetResponse(
                            worksheet_id=worksheet.pk,
                            enrolment_id=enrolment.pk,
                            status="draft" if draft else "submitted",
                            answers={},
                            version=1,
                            submitted_at=None if draft else now,
                        )
                    )
            if len(rows) >= batch_size * 5:
                WorksheetResponse.objects.bulk_create(rows, batch_size=batch_size)
                total_responses += len(rows)
                rows = []
        WorksheetResponse.objects.bulk_create(rows, batch_size=batch_size)
        total_responses += len(rows)
        step(f"{total_responses} worksheet responses")

    per_org = _spread(trainees, organisations)
    TrainingTarget.objects.bulk_create(
        [
            TrainingTarget(
                organisation_id=org.pk,
                programme_id=programme.pk,
                trained=max(1, round(per_org[n] * 0.8)),
                due_by=datetime.date(timezone.localdate().year + 1, 12, 31),
            )
            for n, org in enumerate(orgs)
        ],
        batch_size=batch_size,
    )
    return {
        "organisations": orgs,
        "managers": managers,
        "trainers": trainers,
        "cohorts": cohort_rows,
        "enrolment_ids": [e.pk for e in enrolments],
        "counts": {
            "organisations": len(orgs),
            "trainees": len(people),
            "trainers": len(trainers),
            "cohorts": len(cohort_rows),
            "enrolments": len(enrolments),
            "withdrawn": sum(e.status == "withdrawn" for e in enrolments),
            "scheduled sessions": len(scheduled),
            "attendance marks": total_marks,
            "worksheet responses": total_responses,
            "finished cohorts": n_finished,
        },
    }


def refresh_statistics():
    """Let PostgreSQL's planner see the rows just inserted. A live database has statistics
    from autovacuum; rows bulk-inserted inside one transaction (as the tests do) have none,
    and without them the planner guesses one row per table and picks nested loops that take
    minutes over 100,000 attendance marks. ANALYZE may run inside a transaction and sees its
    rows. SQLite plans from its indexes and needs nothing."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _spread(total, parts):
    """``total`` split into ``parts`` sizes that differ by at most one."""
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]


def store_progress(enrolment_ids):
    """Fill ProgrammeProgress through the completion code, which also moves enrolments to
    "completed" (it recomputes in chunks of a few hundred itself). Without it, a fallback
    counts attendance straight from the marks: planned and held sessions, sessions in the
    room; worksheets and completion are left at zero, as no one has handed anything in."""
    try:
        from training.completion import recompute_enrolments
    except ImportError:
        return _bulk_progress(enrolment_ids)
    recompute_enrolments(enrolment_ids)


def _bulk_progress(enrolment_ids, chunk=500):
    from django.db.models import Count, Q
    from wagtail.models import Page

    from curriculum.models import SessionPlanPage
    from training.models import AttendanceMark, Enrolment, ProgrammeProgress, ScheduledSession

    for start in range(0, len(enrolment_ids), chunk):
        ids = enrolment_ids[start : start + chunk]
        enrolments = Enrolment.objects.filter(pk__in=ids).select_related("cohort")
        programmes = {e.cohort.programme_id for e in enrolments}
        planned = {
            page.pk: SessionPlanPage.objects.child_of(page).live().count()
            for page in Page.objects.filter(pk__in=programmes)
        }
        held = dict(
            ScheduledSession.objects.filter(
                cohort__enrolments__in=ids, register_taken_at__isnull=False, cancelled=False
            )
            .values_list("cohort_id")
            .annotate(n=Count("pk", distinct=True))
        )
        attended = dict(
            AttendanceMark.objects.filter(
                enrolment_id__in=ids, status__in=AttendanceMark.IN_THE_ROOM
            )
            .values_list("enrolment_id")
            .annotate(n=Count("pk", filter=Q(scheduled_session__cancelled=False)))
        )
        ProgrammeProgress.objects.bulk_create(
            [
                ProgrammeProgress(
                    enrolment_id=e.pk,
                    sessions_planned=planned[e.cohort.programme_id],
                    sessions_held=held.get(e.cohort_id, 0),
                    sessions_attended=attended.get(e.pk, 0),
                )
                for e in enrolments
            ]
        )
