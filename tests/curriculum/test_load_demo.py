"""``manage.py load_demo`` builds a working demo: a published curriculum the default site
serves, the session 2 plan with its activities and the story of Tomas, and logins for every
role. It can be run again without duplicating anything, and its texts are our own words."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from wagtail.models import Page, Site

from curriculum.demo_content import DEMO_PASSWORD, DEMO_USERS
from curriculum.management.commands import load_demo
from curriculum.models import (
    CaseScenario,
    ContentNote,
    CurriculumIndexPage,
    PeerSupportValue,
)
from curriculum.timing import Minutes
from lms.roles import Role
from tests import demo_pages
from tests.factories import login_request
from training.models import Organisation
from worksheets.models import Worksheet

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SESSION_SOURCE = SEEDS / "004_9a602852f2924d90.txt"
TRAINEES = ["marie", "mark", "yazid", "an", "fatima", "hassan", "abdoulkader", "claudia", "lucie"]


def load(**kwargs):
    out = StringIO()
    call_command("load_demo", stdout=out, **kwargs)
    return out.getvalue()


# The demo is loaded once for this module (tests/conftest.py); each test's changes are undone.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_database")]


@pytest.fixture
def demo(db, demo_database):
    return demo_database.output


@pytest.fixture
def session(demo):
    return demo_pages.session(2)


def activities(page):
    return [block.value for block in page.activities if block.block_type == "activity"]


# --- the session 2 plan ----------------------------------------------------------------------


def test_demo_session_is_live_with_four_timed_activities(session):
    assert session.live
    assert session.number == 2
    assert session.title == "Delving deeper in the figure of a peer support agent"
    assert session.planned_duration == 150
    assert [(value["title"], value.minutes) for value in activities(session)] == [
        ("My role model", Minutes(30, 30)),
        ("Me as a role model", Minutes(30, 30)),
        ("Secrecy and confidentiality", Minutes(20, 30)),
        ("Case scenario: the story of Tomas", Minutes(30, 40)),
    ]


def test_demo_session_opens_in_15_to_20_minutes_and_fits_its_planned_time(session):
    intro = session.timed_parts()[0]
    assert intro.minutes == Minutes(15, 20)
    assert session.planned_minutes() == Minutes(135, 160)
    assert session.planned_minutes().low <= session.planned_duration
    assert len(session.learning_outcomes.all()) == 3
    assert len(session.materials) == 8
    optional = [block.value["name"] for block in session.materials if block.value["optional"]]
    assert len(optional) == 3
    assert len(session.closure_questions) == 3


def test_me_as_a_role_model_lists_the_seven_values(session):
    procedure = activities(session)[1]["procedure"].source
    for name in [
        "Hope",
        "Experience",
        "Equity",
        "Mutuality",
        "Empowerment",
        "Acceptance",
        "Empathy",
    ]:
        assert f"<li>{name}</li>" in procedure


def test_activities_point_at_their_worksheets(session):
    worksheets = [value["worksheet"].title for value in activities(session)]
    assert worksheets == [
        "My role model",
        "Me as a role model",
        "Secrecy and confidentiality",
        "The story of Tomas: questions",
    ]
    groupings = [value["groupings"] for value in activities(session)]
    assert groupings[2] == ["plenary"]
    assert set(groupings[3]) == {"plenary", "small_groups"}


def test_at_least_two_activities_are_adapted_for_autistic_adults(session):
    adapted = [value for value in activities(session) if value["adaptation_notes"].source]
    assert len(adapted) >= 2


def test_tomas_scenario_is_attached_with_five_questions_and_content_notes(session):
    scenario = activities(session)[3]["case_scenario"]
    assert isinstance(scenario, CaseScenario)
    assert scenario.title == "The story of Tomas"
    assert len(scenario.questions) == 5
    notes = set(scenario.content_notes.values_list("name", flat=True))
    assert notes == {"Addiction", "Violence", "Prison", "Homelessness"}
    assert session.case_scenarios() == [scenario]
    for fact in ["Valladolid", "Ana", "prison", "identity card"]:
        assert fact in scenario.narrative


def test_every_demo_session_fits_its_planned_time(demo):
    sessions = demo_pages.programme().sessions()
    assert [session.number for session in sessions] == [1, 2, 3]
    for session in sessions:
        session.full_clean()
        assert session.planned_minutes().low <= session.planned_duration
    breaks = [block for block in sessions[0].activities if block.block_type == "pause"]
    assert [block.value.minutes for block in breaks] == [Minutes(15, 15)]


# --- programme, values and site --------------------------------------------------------------


def test_values_are_in_teaching_order(demo):
    expected = ["Hope", "Experience", "Equity", "Mutuality", "Empowerment", "Acceptance", "Empathy"]
    assert list(PeerSupportValue.objects.values_list("name", flat=True)) == expected
    assert list(PeerSupportValue.objects.values_list("sort_order", flat=True)) == list(range(7))
    assert all(PeerSupportValue.objects.values_list("description", flat=True))
    programme = demo_pages.programme()
    assert [value.name for value, _ in programme.peer_support_values()] == expected


def test_programme_hours_add_up_its_sessions(demo):
    programme = demo_pages.programme()
    durations = [session.planned_duration for session in programme.sessions()]
    assert len(durations) >= 2
    assert programme.total_planned_hours == round(sum(durations) / 60, 1)
    assert len(programme.learning_outcomes.all()) in (3, 4)
    assert programme.language == "en"


def test_default_site_serves_the_curriculum_and_the_welcome_page_is_gone(demo):
    site = Site.objects.get(is_default_site=True)
    library = CurriculumIndexPage.objects.get(slug="curriculum")
    assert site.root_page_id == library.pk
    assert (site.hostname, site.port, site.site_name) == (
        "localhost",
        80,
        "Peer Support Training",
    )
    assert library.depth == 2 and library.live
    assert not Page.objects.filter(depth=2, slug="home").exists()


# --- people ---------------------------------------------------------------------------------


def test_nine_trainees_belong_to_the_trainee_group_and_the_organisation(demo):
    from certificates.demo_issue import AUTUMN_TRAINEES
    from profiles.demo_cohort import USERNAMES as AUTISTIC_ADULTS

    trainees = Group.objects.get(name=Role.TRAINEE.value).user_set.filter(
        organisations__slug="kent"
    )
    # Nine in the spring cohort, the five of the autumn cohort that finished, and the three
    # of the cohort that runs the adaptation for autistic adults.
    autumn = [username for username, _first, _last in AUTUMN_TRAINEES]
    expected = TRAINEES + autumn + AUTISTIC_ADULTS
    assert sorted(trainees.values_list("username", flat=True)) == sorted(expected)
    organisation = Organisation.objects.get(slug="kent")
    assert organisation.name == "Kent Peer Support Network"
    assert organisation.members.filter(username__in=TRAINEES).count() == 9
    assert User.objects.get(username="lucie").get_full_name() == "Lucie Lefèvre"


def test_staff_roles_and_admin(demo):
    for username, role in [
        ("editor", Role.CURRICULUM_EDITOR),
        ("trainer", Role.TRAINER),
        ("manager", Role.PROGRAMME_MANAGER),
        ("evaluator", Role.EVALUATION_LEAD),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role.value]
        assert user.first_name and user.last_name
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    usernames = [username for username, _label in DEMO_USERS]
    assert User.objects.filter(username__in=usernames).count() == len(usernames) == 14


def test_trainer_can_log_in_with_the_demo_password(demo, client):
    assert client.login(request=login_request(), username="trainer", password=DEMO_PASSWORD)


# --- running it again ----------------------------------------------------------------------

COUNTED = [
    Page,
    User,
    Group,
    Site,
    Organisation,
    PeerSupportValue,
    ContentNote,
    CaseScenario,
    Worksheet,
    "curriculum.ProgrammeLearningOutcome",
    "curriculum.ProgrammeValue",
    "curriculum.SessionLearningOutcome",
]


def counts():
    models = [apps.get_model(m) if isinstance(m, str) else m for m in COUNTED]
    return {model.__name__: model.objects.count() for model in models} | {
        "members": Organisation.objects.get(slug="kent").members.count(),
        "trainees": User.objects.filter(groups__name=Role.TRAINEE.value).count(),
    }


def test_running_twice_changes_nothing_but_the_revisions(demo, client):
    before = counts()
    session = demo_pages.session(2)
    load()
    assert counts() == before
    again = demo_pages.session(2)
    assert again.pk == session.pk
    assert again.live and again.latest_revision_id != session.latest_revision_id
    assert len(activities(again)) == 4
    assert client.login(request=login_request(), username="trainer", password=DEMO_PASSWORD)


def test_running_again_resets_passwords_and_roles(demo, client):
    trainer = User.objects.get(username="trainer")
    trainer.set_password("something-else")
    trainer.save()
    trainer.groups.set([Group.objects.get(name=Role.TRAINEE.value)])
    load()
    assert client.login(request=login_request(), username="trainer", password=DEMO_PASSWORD)
    assert list(trainer.groups.values_list("name", flat=True)) == [Role.TRAINER.value]


def test_prints_a_summary_with_the_logins(db):
    output = load()
    assert "3 session plans" in output
    assert DEMO_PASSWORD in output
    for username, _label in DEMO_USERS:
        assert username in output


# --- content kept for later features ---------------------------------------------------------


def test_confidentiality_situations_are_available_to_load():
    situations = load_demo.CONFIDENTIALITY_SITUATIONS
    assert len(situations) == 13
    for situation in situations:
        assert set(situation) == {"situation", "description", "persons_involved"}
        assert all(situation.values())
    text = " ".join(value for situation in situations for value in situation.values())
    for spanish in ["Derivación", "Monitor", "Cliente", "reclamación"]:
        assert spanish not in text


# --- own words ---------------------------------------------------------------------------------


def words(text):
    text = re.sub(r"<[^>]+>", " ", text).lower().replace("\u2019", "'")
    return re.findall(r"\w+", text)


def runs(tokens, length):
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


@pytest.mark.skipif(not SESSION_SOURCE.exists(), reason="shared/seeds is not next to the clone")
def test_demo_texts_do_not_copy_twelve_words_of_the_source():
    source = runs(words(SESSION_SOURCE.read_text(encoding="utf-8")), 12)
    root = Path(settings.BASE_DIR)
    for module in ["curriculum/demo_content.py", "curriculum/management/commands/load_demo.py"]:
        copied = runs(words((root / module).read_text(encoding="utf-8")), 12) & source
        assert not copied, f"{module} copies the source: {[' '.join(r) for r in copied]}"


def test_refuses_to_run_where_settings_do_not_allow_demo_data(db, settings):
    from django.core.management.base import CommandError

    # Without the demo's admin, a refused run must not make one.
    User.objects.filter(username="admin").delete()
    settings.LMS_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="do not allow demo data"):
        call_command("load_demo", verbosity=0)
    assert not User.objects.filter(username="admin").exists()
    call_command("load_demo", "--force", verbosity=0)
    assert User.objects.filter(username="admin", is_superuser=True).exists()


def test_the_demo_worksheets_are_composed_of_parts(demo):
    kinds = {
        title: [(block.block_type, block.value["visibility"]) for block in w.parts]
        for title, w in demo_pages.worksheets().items()
    }
    assert kinds["My role model"] == [("reflection", "private")] * 3
    assert kinds["Me as a role model"] == [("table", "group")]
    assert kinds["Secrecy and confidentiality"] == [("classification", "group")]
    assert kinds["The story of Tomas: questions"] == [("case_questions", "trainer")]
    secrecy = demo_pages.worksheet("Secrecy and confidentiality")
    [part] = secrecy.layout(for_trainer=True)
    assert len(part.items) == 13
    assert all(item.answer in {"Yes", "No", "It depends"} for item in part.items)
    table = demo_pages.worksheet("Me as a role model").layout()[0]
    assert [label for _key, label in table.rows][:2] == ["Hope", "Experience"]


def test_rerunning_keeps_worksheet_answer_keys(demo):
    before = {w.title: [b.id for b in w.parts] for w in demo_pages.worksheets().values()}
    load()
    after = {w.title: [b.id for b in w.parts] for w in demo_pages.worksheets().values()}
    assert before == after


def test_the_demo_cohort_has_the_trainer_and_nine_trainees(demo):
    from training.models import Cohort

    cohort = Cohort.objects.get(organisation__slug="kent", name="Kent, spring 2027")
    assert cohort.programme.slug == "peer-support-agent"
    assert [t.user.username for t in cohort.trainers.all()] == ["trainer"]
    assert sorted(e.trainee.username for e in cohort.enrolments.all()) == sorted(TRAINEES)
