"""``manage.py load_demo``: a demo curriculum, organisation and people to try the platform with.

Safe to run again: every row is found by a stable key (slug, username, name or title) and
updated in place, pages get a new published revision, and the demo passwords and role
groups are reset so the logins in the README always work.
"""

import io
import uuid

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import transaction
from wagtail.models import Page, Site

from curriculum.demo_content import (
    COHORT,
    CONFIDENTIALITY_SITUATIONS,
    CONTENT_NOTES,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    DEMO_USERS,
    ORGANISATION,
    PEER_SUPPORT_VALUES,
    PROGRAMME,
    SESSIONS,
    SITE_NAME,
    TOMAS,
    WORKSHEET_PARTS,
    WORKSHEETS,
)
from curriculum.models import (
    CaseScenario,
    ContentNote,
    CurriculumIndexPage,
    PeerSupportValue,
    ProgrammeLearningOutcome,
    ProgrammePage,
    ProgrammeValue,
    SessionLearningOutcome,
    SessionPlanPage,
)
from lms.roles import Role
from training.models import Cohort, CohortTrainer, Enrolment, Organisation
from worksheets.models import Worksheet

__all__ = ["CONFIDENTIALITY_SITUATIONS", "DEMO_PASSWORD", "DEMO_USERS", "Command"]

LIBRARY = {"title": "Curriculum", "slug": "curriculum"}
DEMO_NAMESPACE = uuid.UUID("6f1c1f0e-5d0b-4a59-9a57-2f4c8e1a7b3d")


class Command(BaseCommand):
    help = (
        "Load a demo curriculum (programme, session plans, worksheets, case scenario), "
        "an organisation and demo logins. Running it again updates everything in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even where settings do not allow it (it resets demo accounts).",
        )

    def handle(self, *args, **options):
        # The demo creates a superuser with a published password and resets accounts named
        # like the demo ones: never on a real site by accident.
        if not getattr(settings, "LMS_DEMO_ALLOWED", False) and not options["force"]:
            raise CommandError(
                "These settings do not allow demo data: it creates an 'admin' account with a "
                "published password. Use development settings, or add --force if you are sure."
            )
        with transaction.atomic():
            self.load()
            self.load_assessments()
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"  {len(self.values)} peer support values, {len(self.notes)} content notes, "
            f"1 case scenario, {len(self.worksheets)} worksheets"
        )
        self.stdout.write(
            f"  programme '{self.programme.title}' with {len(self.sessions)} session plans "
            f"({self.programme.total_planned_hours} hours) at {self.programme.url}"
        )
        self.stdout.write(
            f"  organisation '{self.organisation.name}' with {len(DEMO_USERS)} logins, "
            f"password '{DEMO_PASSWORD}':"
        )
        for username, label in DEMO_USERS:
            self.stdout.write(f"    {username:<12} {label}")
        self.stdout.write(self.delivery.summary())
        self.stdout.write(self.assessments_summary.getvalue(), ending="")

    def load(self):
        self.values = self.load_values()
        self.notes = self.load_content_notes()
        self.scenario = self.load_tomas()
        self.worksheets = self.load_worksheets()
        library = self.load_library()
        self.programme = self.load_programme(library)
        self.sessions = [self.load_session(self.programme, data) for data in SESSIONS]
        self.organisation = self.load_people()
        self.cohort = self.load_cohort()
        # Calendar, register, completion rule, targets and a second organisation.
        from training.demo import load_delivery_demo

        self.delivery = load_delivery_demo(
            programme=self.programme, organisation=self.organisation, cohort=self.cohort
        )

    def load_assessments(self):
        """Self-assessment, quiz and H5P activity for session 2, and the evaluation
        questionnaires with answers. Each part finds the demo programme and cohort itself and
        prints its own summary; they run after the session plans are published because the
        quiz and the H5P activity are placed in session 2 with a new revision."""
        from assessments import demo_evaluation, demo_h5p, demo_quizzes, demo_self_assessment

        # Kept until the end so the summary reads in the same order as the rest.
        self.assessments_summary = io.StringIO()
        out = OutputWrapper(self.assessments_summary)
        out.write("Assessments:")
        for part in (demo_self_assessment, demo_quizzes, demo_h5p, demo_evaluation):
            part.load(stdout=out)
        # Credits the programme counts for, shown on its page and on certificates.
        from certificates import demo as demo_credits
        from certificates import demo_issue

        out.write("Credits:")
        demo_credits.load(stdout=out)
        out.write("Certificates:")
        demo_issue.load(stdout=out)
        self.load_adaptations(out)

    def load_adaptations(self, out):
        """Easy read and answer formats, the Dutch translation, and Kent's adaptation for
        autistic adults with its own cohort. The order matters: the adaptation copies the
        worksheets and session plans as they are then, easy read and answer formats
        included, and the original's later improvement is what Kent sees waiting."""
        from adaptations import demo as demo_adaptations
        from lms import demo_languages
        from profiles import demo as demo_profiles
        from profiles import demo_cohort
        from worksheets import demo_formats

        out.write("Worksheets:")
        demo_formats.load(stdout=out)
        out.write("Profiles:")
        demo_profiles.load(stdout=out)
        out.write("Languages:")
        demo_languages.load(stdout=out)
        out.write("Adaptations:")
        adaptation = demo_adaptations.load(stdout=out)
        demo_cohort.load(adaptation, stdout=out)

    # --- snippets ---------------------------------------------------------------------------

    def load_values(self):
        values = []
        for position, (name, description) in enumerate(PEER_SUPPORT_VALUES):
            value, _created = PeerSupportValue.objects.update_or_create(
                name=name, defaults={"description": description, "sort_order": position}
            )
            values.append(value)
        return values

    def load_content_notes(self):
        return {
            name: ContentNote.objects.update_or_create(
                name=name, defaults={"description": description}
            )[0]
            for name, description in CONTENT_NOTES
        }

    def load_tomas(self):
        scenario = CaseScenario.objects.filter(title=TOMAS["title"]).first() or CaseScenario(
            title=TOMAS["title"]
        )
        scenario.summary = TOMAS["summary"]
        scenario.narrative = TOMAS["narrative"]
        scenario.reflection_questions = [("question", text) for text in TOMAS["questions"]]
        scenario.content_notes.set([self.notes[name] for name in TOMAS["content_notes"]])
        scenario.save()
        return scenario

    def load_worksheets(self):
        worksheets = {}
        for data in WORKSHEETS:
            worksheet = Worksheet.objects.filter(title=data["title"]).order_by("pk").first()
            if worksheet is None:
                worksheet = Worksheet(title=data["title"])
            worksheet.reference = data["reference"]
            worksheet.instructions = data["instructions"]
            worksheet.parts = [
                self.worksheet_part(data["title"], position, kind, value)
                for position, (kind, value) in enumerate(WORKSHEET_PARTS.get(data["title"], []))
            ]
            worksheet.save()
            worksheets[data["title"]] = worksheet
        return worksheets

    def worksheet_part(self, title, position, kind, value):
        """A part in raw StreamField form. Its id is derived from the worksheet and position,
        not random: answers are stored under part ids, so a re-run must keep them."""
        value = dict(value)
        if kind == "case_questions":
            if value["case_scenario"] != self.scenario.title:
                raise CommandError(
                    f"The demo has no case scenario called '{value['case_scenario']}'."
                )
            value["case_scenario"] = self.scenario.pk
        part_id = uuid.uuid5(DEMO_NAMESPACE, f"worksheet:{title}:{position}")
        return {"type": kind, "value": value, "id": str(part_id)}

    # --- pages ------------------------------------------------------------------------------

    def load_library(self):
        root = Page.objects.get(depth=1)
        library = CurriculumIndexPage.objects.child_of(root).filter(slug=LIBRARY["slug"]).first()
        if library is None:
            library = root.add_child(instance=CurriculumIndexPage(**LIBRARY))
        library.title = LIBRARY["title"]
        library.intro = (
            "<p>Programmes and session plans for training peer supporters. This is demo "
            "content: edit it freely.</p>"
        )
        library.save_revision().publish()
        self.point_site_at(library)
        self.remove_welcome_page(root, library)
        return library

    def point_site_at(self, library):
        site = (
            Site.objects.filter(is_default_site=True).first()
            or Site.objects.filter(hostname="localhost", port=80).first()
            or Site()
        )
        site.hostname = "localhost"
        site.port = 80
        site.site_name = SITE_NAME
        site.root_page = library
        site.is_default_site = True
        site.save()

    def remove_welcome_page(self, root, library):
        """Wagtail's first migration makes a plain 'Welcome' page; the library replaces it."""
        for page in Page.objects.child_of(root).filter(slug="home"):
            page.refresh_from_db()
            is_plain_page = page.content_type.model_class() is Page
            unused = not Site.objects.filter(root_page=page).exists()
            if page.pk != library.pk and is_plain_page and page.numchild == 0 and unused:
                page.delete()

    def load_programme(self, library):
        programme = ProgrammePage.objects.child_of(library).filter(slug=PROGRAMME["slug"]).first()
        is_new = programme is None
        if is_new:
            programme = ProgrammePage(title=PROGRAMME["title"], slug=PROGRAMME["slug"])
        programme.title = PROGRAMME["title"]
        programme.summary = PROGRAMME["summary"]
        programme.target_group = PROGRAMME["target_group"]
        programme.language = PROGRAMME["language"]
        programme.description = PROGRAMME["description"]
        if is_new:
            library.add_child(instance=programme)
        programme.learning_outcomes = reuse_children(
            programme.learning_outcomes.all(),
            ProgrammeLearningOutcome,
            "text",
            PROGRAMME["outcomes"],
        )
        existing = {choice.value_id: choice for choice in programme.value_choices.all()}
        choices = []
        for position, value in enumerate(self.values):
            choice = existing.get(value.pk) or ProgrammeValue(value=value)
            choice.description = ""
            choice.sort_order = position
            choices.append(choice)
        programme.value_choices = choices
        programme.save_revision().publish()
        return programme

    def load_session(self, programme, data):
        siblings = SessionPlanPage.objects.child_of(programme)
        session = (
            siblings.filter(slug=data["slug"]).first()
            or siblings.filter(number=data["number"]).first()
        )
        is_new = session is None
        if is_new:
            session = SessionPlanPage()
        session.title = data["title"]
        session.slug = data["slug"]
        session.number = data["number"]
        session.planned_duration = data["planned_duration"]
        session.summary = data["summary"]
        session.materials = [
            {"type": "material", "value": {"name": name, "optional": optional}}
            for name, optional in data["materials"]
        ]
        session.conceptual_contents = references(data["conceptual_contents"])
        session.introduction = data["introduction"]
        session.introduction_minutes_min, session.introduction_minutes_max = data[
            "introduction_minutes"
        ]
        session.activities = [self.stream_item(kind, value) for kind, value in data["activities"]]
        session.closure = data["closure"]
        session.closure_minutes_min, session.closure_minutes_max = data["closure_minutes"]
        session.closure_questions = [
            {"type": "question", "value": text} for text in data["closure_questions"]
        ]
        session.bibliography = references(data["bibliography"])
        session.learning_outcomes = reuse_children(
            [] if is_new else session.learning_outcomes.all(),
            SessionLearningOutcome,
            "text",
            data["outcomes"],
        )
        if is_new:
            programme.add_child(instance=session)
        session.save_revision().publish()
        return session

    def stream_item(self, kind, value):
        """An activity or break in the raw form a StreamField stores, with ids for the
        worksheet and case scenario that the demo content names by title."""
        value = dict(value)
        if kind == "activity":
            worksheet = value.get("worksheet")
            value["worksheet"] = self.worksheets[worksheet].pk if worksheet else None
            scenario = value.get("case_scenario")
            if scenario and scenario != self.scenario.title:
                raise CommandError(f"The demo has no case scenario called '{scenario}'.")
            value["case_scenario"] = self.scenario.pk if scenario else None
        return {"type": kind, "value": value}

    # --- delivery -------------------------------------------------------------------------

    def load_cohort(self):
        """One cohort of the demo programme, led by the demo trainer, with the nine trainees."""
        cohort, _created = Cohort.objects.update_or_create(
            name=COHORT["name"],
            organisation=self.organisation,
            defaults={
                "programme": self.programme,
                "language": COHORT["language"],
                "starts_on": COHORT["starts_on"],
                "ends_on": COHORT["ends_on"],
                "capacity": COHORT["capacity"],
            },
        )
        CohortTrainer.objects.update_or_create(
            cohort=cohort,
            user=User.objects.get(username="trainer"),
            defaults={"role": CohortTrainer.Role.LEAD},
        )
        for username, _first, _last, role in DEMO_PEOPLE:
            if role == Role.TRAINEE:
                Enrolment.objects.update_or_create(
                    cohort=cohort,
                    trainee=User.objects.get(username=username),
                    defaults={"status": Enrolment.Status.ACTIVE},
                )
        return cohort

    # --- people -----------------------------------------------------------------------------

    def load_people(self):
        organisation, _created = Organisation.objects.update_or_create(
            slug=ORGANISATION["slug"],
            defaults={key: value for key, value in ORGANISATION.items() if key != "slug"},
        )
        groups = {}
        for _username, _first, _last, role in DEMO_PEOPLE:
            if role is not None and role not in groups:
                try:
                    groups[role] = Group.objects.get(name=role.value)
                except Group.DoesNotExist as error:
                    raise CommandError(
                        f"The group '{role.value}' is missing. Run 'manage.py migrate' first."
                    ) from error
        for username, first_name, last_name, role in DEMO_PEOPLE:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.first_name = first_name
            user.last_name = last_name
            user.email = f"{username}@example.org"
            user.is_active = True
            user.is_superuser = user.is_staff = role is None
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role is None:
                user.groups.clear()
            else:
                user.groups.set([groups[role]])
                organisation.members.add(user)
        return organisation


def reuse_children(existing, model, field, texts):
    """Child rows for ``texts`` in order, keeping the rows (and ids) that already say the
    same thing so that a re-run does not renumber them."""
    by_text = {}
    for child in existing:
        by_text.setdefault(getattr(child, field), child)
    children = []
    for position, text in enumerate(texts):
        child = by_text.pop(text, None) or model(**{field: text})
        child.sort_order = position
        children.append(child)
    return children


def references(items):
    return [{"type": "reference", "value": dict(item)} for item in items]
