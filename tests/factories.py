"""Builders for test data. Pages are added to the tree the way Wagtail's admin adds them."""

import datetime

import factory
from django.contrib.auth.models import Group, User
from wagtail.models import Page, Site

from curriculum.models import (
    CaseScenario,
    ContentNote,
    CurriculumIndexPage,
    ProgrammePage,
    SessionLearningOutcome,
    SessionPlanPage,
)
from lms.roles import Role
from training.models import Cohort, CohortTrainer, Enrolment, Organisation
from worksheets.models import Worksheet

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=Role(role).value))
        if create:
            self.save()

    @factory.post_generation
    def organisation(self, create, extracted, **kwargs):
        if extracted is not None:
            extracted.members.add(self)


class WorksheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worksheet

    title = factory.Sequence(lambda n: f"Worksheet {n}")
    instructions = "Write down what you noticed."


class CaseScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseScenario
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Story {n}")
    narrative = "<p>A person looks for help after losing their home.</p>"
    reflection_questions = [("question", "Who could help?"), ("question", "What gets in the way?")]

    @factory.post_generation
    def notes(self, create, extracted, **kwargs):
        for name in extracted or ():
            note, _ = ContentNote.objects.get_or_create(name=name)
            self.content_notes.add(note)
        if extracted and create:
            self.save()


def curriculum_root():
    """The library page that the default site serves, created on first use."""
    existing = CurriculumIndexPage.objects.first()
    if existing:
        return existing
    root = Page.objects.get(depth=1)
    library = root.add_child(instance=CurriculumIndexPage(title="Curriculum", slug="curriculum"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": library, "site_name": "Test"},
    )
    return library


def activity(title="Activity", minutes=30, up_to=None, worksheet=None, scenario=None, **extra):
    value = {
        "title": title,
        "duration_min": minutes,
        "duration_max": up_to,
        "groupings": extra.pop("groupings", ["plenary"]),
        "worksheet": worksheet.pk if worksheet else None,
        "case_scenario": scenario.pk if scenario else None,
        "procedure": extra.pop("procedure", f"<p>Run {title} with the group.</p>"),
        "alternatives": extra.pop("alternatives", ""),
        "adaptation_notes": extra.pop("adaptation_notes", ""),
    }
    value.update(extra)
    return {"type": "activity", "value": value}


def make_programme(title="Peer support agent", parent=None, **fields):
    parent = parent or curriculum_root()
    fields.setdefault("summary", "A course for future peer supporters.")
    fields.setdefault("target_group", "People with lived experience of homelessness")
    programme = parent.add_child(instance=ProgrammePage(title=title, **fields))
    programme.save_revision().publish()
    return programme


def make_session(
    programme, number=1, title=None, activities=None, outcomes=("Define the role",), **fields
):
    fields.setdefault("introduction", "<p>Welcome everyone.</p>")
    fields.setdefault("closure", "<p>Ask what people take away.</p>")
    fields.setdefault("introduction_minutes_min", 15)
    fields.setdefault("closure_minutes_min", 10)
    session = SessionPlanPage(
        title=title or f"Session {number}",
        number=number,
        activities=activities if activities is not None else [activity()],
        **fields,
    )
    for text in outcomes:
        session.learning_outcomes.add(SessionLearningOutcome(text=text))
    programme.add_child(instance=session)
    session.save_revision().publish()
    return session


def start(hour=10, minute=0):
    return datetime.time(hour, minute)


def make_cohort(programme, organisation, *, trainers=(), trainees=(), name="Spring cohort"):
    cohort = Cohort.objects.create(name=name, programme=programme, organisation=organisation)
    for user, role in trainers:
        CohortTrainer.objects.create(cohort=cohort, user=user, role=role)
    for user in trainees:
        Enrolment.objects.create(cohort=cohort, trainee=user)
    return cohort


def part(kind, visibility="trainer", **value):
    """A worksheet part in raw StreamField form, with the defaults an editor would leave."""
    defaults = {
        "table": {
            "instructions": "",
            "rows_from_values": False,
            "rows": ["Row A"],
            "columns": [{"heading": "Column", "prompt": ""}],
        },
        "reflection": {"prompt": "What did you notice?", "guidance": ""},
        "classification": {
            "question": "Is it a breach?",
            "choices": ["Yes", "No", "It depends"],
            "ask_why": True,
            "items": [
                {
                    "situation": "Shelter entrance",
                    "description": "",
                    "persons_involved": "",
                    "answer": "Yes",
                    "trainer_note": "Names are heard.",
                }
            ],
        },
        "case_questions": {"case_scenario": None, "questions": ["Who could help?"]},
    }[kind]
    return {"type": kind, "value": {**defaults, **value, "visibility": visibility}}


def worksheet_with_parts(title="Worksheet", *parts):
    return Worksheet.objects.create(title=title, instructions="Fill it in.", parts=list(parts))


def make_scheduled_session(cohort, session_plan=None, *, days_from_now=7, **fields):
    """A cohort's meeting of ``session_plan``, by default a week from now at 10:00."""
    from django.utils import timezone

    from training.models import ScheduledSession

    starts_at = fields.pop("starts_at", None)
    if starts_at is None:
        day = timezone.localdate() + datetime.timedelta(days=days_from_now)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, start()))
    fields.setdefault("place", "Community room")
    return ScheduledSession.objects.create(
        cohort=cohort, session_plan=session_plan, starts_at=starts_at, **fields
    )


def mark(scheduled_session, enrolment, status="present", **fields):
    from training.models import AttendanceMark

    return AttendanceMark.objects.create(
        scheduled_session=scheduled_session, enrolment=enrolment, status=status, **fields
    )


def login_request():
    """A request to hand ``client.login``: django-axes checks every login against the address
    it comes from, so ``authenticate`` needs one, as the login page gives it."""
    from django.test import RequestFactory

    return RequestFactory().post("/login/")
