"""The session page: a facilitator view for trainers, a short overview for trainees."""

import pytest

from tests.factories import (
    CaseScenarioFactory,
    WorksheetFactory,
    activity,
    make_programme,
    make_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    programme = make_programme("Becoming a peer support agent")
    worksheet = WorksheetFactory(
        title="Secrecy and confidentiality", instructions="Judge each case."
    )
    scenario = CaseScenarioFactory(
        title="The story of Tomas",
        reflection_questions=[("question", "Which services should be involved?")],
        notes=["Addiction", "Prison"],
    )
    return make_session(
        programme,
        number=2,
        title="Delving deeper",
        introduction_minutes_min=15,
        introduction_minutes_max=20,
        activities=[
            activity(
                "My role model",
                30,
                procedure="<p>Ask about a role model.</p>",
                alternatives="<p>Share one of your own.</p>",
                adaptation_notes="<p>Give the questions in writing first.</p>",
            ),
            activity("Secrecy and confidentiality", 20, 30, worksheet=worksheet),
            activity("Story of Tomas", 30, 40, scenario=scenario, groupings=["small_groups"]),
        ],
        outcomes=["Define the role of a peer supporter"],
    )


def test_a_trainer_sees_the_agenda_with_clock_times(as_user, trainer, session):
    response = as_user(trainer).get(session.url + "?start=09:30")
    assert response.status_code == 200
    html = response.content.decode()
    # 09:30 intro 15-20, role model 30, secrecy 20-30, Tomas 30-40, closing 10.
    for window in ["09:30", "09:45–09:50", "10:15–10:20", "10:35–10:50", "11:05–11:30"]:
        assert window in html
    assert "11:15–11:40" in html  # the end of the session
    assert "20–30 min" in html


def test_a_trainer_sees_what_to_do_with_the_worksheet_and_scenario_in_place(
    as_user, trainer, session
):
    html = as_user(trainer).get(session.url).content.decode()
    assert "Ask about a role model." in html
    assert "Share one of your own." in html
    assert "Give the questions in writing first." in html
    assert "A person looks for help" in html
    assert "Worksheet: Secrecy and confidentiality" in html
    assert "Judge each case." in html
    assert "Case scenario: The story of Tomas" in html
    assert "Which services should be involved?" in html
    assert "Addiction, Prison" in html
    assert "Small groups" in html


def test_the_facilitator_view_has_a_print_stylesheet_and_the_guide_link(as_user, trainer, session):
    html = as_user(trainer).get(session.url + "?start=14:00").content.decode()
    assert 'media="print"' in html
    assert "guide/?start=14:00" in html


def test_a_trainee_sees_the_outline_but_not_the_facilitator_notes(as_user, trainee, session):
    response = as_user(trainee).get(session.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Define the role of a peer supporter" in html
    assert "Activity 3: Story of Tomas" in html
    for facilitator_only in [
        "Ask about a role model.",  # procedure
        "Share one of your own.",  # alternatives and tips
        "Give the questions in writing first.",  # adaptation notes
        "Judge each case.",  # worksheet instructions
        "A person looks for help",  # the story itself
        "Which services should be involved?",  # the story's questions
        "guide/",
    ]:
        assert facilitator_only not in html
    # Trainees are told ahead about topics that may upset them.
    assert "addiction, prison" in html


def test_a_trainee_cannot_download_the_facilitator_guide(as_user, trainee, session):
    assert as_user(trainee).get(session.url + "guide/").status_code == 403


def test_someone_not_logged_in_is_sent_to_log_in(client, session):
    response = client.get(session.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_deleted_case_scenario_leaves_the_session_readable(as_user, trainer, session):
    from curriculum.models import CaseScenario

    CaseScenario.objects.all().delete()
    session.refresh_from_db()
    response = as_user(trainer).get(session.url)
    assert response.status_code == 200
    assert "Story of Tomas" in response.content.decode()


def test_a_programme_shows_its_sessions_and_planned_hours(as_user, trainer, session):
    make_session(
        session.get_parent().specific,
        number=1,
        title="Introduction to peer support",
        planned_duration=120,
    )
    response = as_user(trainer).get(session.get_parent().url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Introduction to peer support") < html.index("Delving deeper")
    assert "<dd data-total-hours>4.5</dd>" in html


def test_an_account_without_a_role_cannot_read_sessions(as_user, session):
    from tests.factories import UserFactory

    assert as_user(UserFactory()).get(session.url).status_code == 403


def test_copying_a_session_into_its_programme_gives_the_next_number(session):
    copy = session.copy(update_attrs={"title": "Delving deeper (copy)", "slug": "copy"})
    assert copy.number == 3
    assert session.get_parent().get_children().count() == 2


def test_two_sessions_with_the_same_title_get_different_slugs(session):
    programme = session.get_parent().specific
    other = make_session(programme, number=5, title="Delving deeper")
    assert other.slug != session.slug


def test_a_break_saved_without_minutes_counts_its_default_everywhere():
    programme = make_programme()
    session = make_session(
        programme,
        activities=[activity("A", 30), {"type": "pause", "value": {"title": "Break"}}],
    )
    session.refresh_from_db()
    parts = [part.minutes.low for part in session.timed_parts()]
    assert parts == [15, 30, 10, 10]
    assert session.planned_minutes().low == sum(parts)
