"""An editor builds session plans in the Wagtail admin; mistakes are refused with a message
that says what to change, and nothing is half-saved."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from curriculum.models import SessionPlanPage
from tests.factories import CaseScenarioFactory, WorksheetFactory, make_programme, make_session

pytestmark = pytest.mark.django_db


def error_messages(response):
    """Every message the editor is shown, from page fields and nested StreamField blocks."""
    form = response.context["form"]
    found = []

    def walk(error):
        for attr in ("block_errors", "non_block_errors"):
            nested = getattr(error, attr, None)
            items = nested.values() if isinstance(nested, dict) else (nested or [])
            for item in items:
                walk(item)
        if hasattr(error, "error_dict"):
            for errors in error.error_dict.values():
                for item in errors:
                    walk(item)
        elif hasattr(error, "error_list") and error.error_list != [error]:
            for item in error.error_list:
                walk(item)
        elif getattr(error, "message", None) is not None:
            found.append(str(error.message % error.params if error.params else error.message))

    for errors in form.errors.as_data().values():
        for error in errors:
            walk(error)
    return " | ".join(found)


def activity_form(title="Role model", minutes="30", up_to="", **extra):
    value = {
        "title": title,
        "duration_min": minutes,
        "duration_max": up_to,
        "groupings": ["pairs"],
        "worksheet": "",
        "case_scenario": "",
        "procedure": rich_text("<p>Ask each person to think of a role model.</p>"),
        "alternatives": rich_text(""),
        "adaptation_notes": rich_text(""),
    }
    value.update(extra)
    return ("activity", value)


def session_form(activities, number="1", planned="150", intro=("15", ""), closure=("10", "")):
    return nested_form_data(
        {
            "title": "Delving deeper",
            "slug": "delving-deeper",
            "number": number,
            "planned_duration": planned,
            "summary": "About the role.",
            "learning_outcomes": inline_formset([{"text": "Define the role of a peer supporter"}]),
            "materials": streamfield([]),
            "conceptual_contents": streamfield([]),
            "introduction": rich_text("<p>Welcome.</p>"),
            "introduction_minutes_min": intro[0],
            "introduction_minutes_max": intro[1],
            "activities": streamfield(activities),
            "closure": rich_text("<p>What do you take away?</p>"),
            "closure_minutes_min": closure[0],
            "closure_minutes_max": closure[1],
            "closure_questions": streamfield([("question", "What surprised you?")]),
            "bibliography": streamfield([]),
        }
    )


@pytest.fixture
def programme():
    return make_programme()


@pytest.fixture
def add_url(programme):
    return reverse("wagtailadmin_pages:add", args=("curriculum", "sessionplanpage", programme.pk))


def test_an_editor_can_create_a_session_plan_with_a_range(as_user, editor, add_url, programme):
    client = as_user(editor)
    data = session_form([activity_form(), activity_form("Secrecy", "20", "30")])
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = SessionPlanPage.objects.child_of(programme).get()
    assert page.number == 1
    assert [str(part.minutes) for part in page.timed_parts()] == [
        "15 min",
        "30 min",
        "20–30 min",
        "10 min",
    ]
    assert [o.text for o in page.learning_outcomes.all()] == ["Define the role of a peer supporter"]


@pytest.mark.parametrize(
    ("minutes", "up_to", "message"),
    [
        ("-5", "", "Ensure this value is greater than or equal to 1"),
        ("", "", "Give the length in whole minutes, at least 1"),
        ("30", "20", "The longest time (20 min) is shorter than the shortest time (30 min)"),
    ],
)
def test_a_bad_activity_duration_is_refused_with_a_message(
    as_user, editor, add_url, programme, minutes, up_to, message
):
    client = as_user(editor)
    response = client.post(add_url, session_form([activity_form(minutes=minutes, up_to=up_to)]))
    assert response.status_code == 200
    assert message in error_messages(response)
    assert not SessionPlanPage.objects.exists()


def test_activities_that_cannot_fit_the_session_are_refused(as_user, editor, add_url):
    client = as_user(editor)
    activities = [activity_form(f"Part {n}", "40") for n in range(4)]  # 15 + 160 + 10 > 150
    response = client.post(add_url, session_form(activities))
    assert response.status_code == 200
    assert "need at least 185 minutes, but the session is planned for 150" in error_messages(
        response
    )
    assert not SessionPlanPage.objects.exists()


def test_an_overrun_edit_leaves_the_published_session_unchanged(as_user, editor, programme):
    session = make_session(programme, number=1)
    client = as_user(editor)
    url = reverse("wagtailadmin_pages:edit", args=(session.pk,))
    data = session_form([activity_form("Too long", "200")])
    data["slug"] = session.slug
    response = client.post(url, data)
    assert response.status_code == 200
    assert "need at least 225 minutes" in error_messages(response)
    session.refresh_from_db()
    assert session.planned_minutes().low == 55
    assert session.get_latest_revision().content["title"] == "Session 1"


def test_a_range_whose_minimum_exceeds_its_maximum_is_refused_for_the_introduction(
    as_user, editor, add_url
):
    client = as_user(editor)
    response = client.post(add_url, session_form([activity_form()], intro=("20", "15")))
    assert response.status_code == 200
    assert "shorter than the introduction" in error_messages(response)
    assert not SessionPlanPage.objects.exists()


def test_two_sessions_of_a_programme_cannot_share_a_number(as_user, editor, add_url, programme):
    make_session(programme, number=1, title="First")
    client = as_user(editor)
    response = client.post(add_url, session_form([activity_form()], number="1"))
    assert response.status_code == 200
    assert "Session 1 of this programme is already" in error_messages(response)
    assert SessionPlanPage.objects.count() == 1


def test_the_editor_sees_planned_time_against_the_length(as_user, editor, programme):
    session = make_session(
        programme,
        activities=[
            {
                "type": "activity",
                "value": {
                    "title": "A",
                    "duration_min": 30,
                    "duration_max": 40,
                    "procedure": "<p>x</p>",
                },
            },
        ],
    )
    client = as_user(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(session.pk,)))
    assert response.status_code == 200
    assert "55–65 min, of 150 min" in response.content.decode()


def test_an_activity_can_use_a_worksheet_and_a_case_scenario(as_user, editor, add_url, programme):
    worksheet = WorksheetFactory(title="My role model")
    scenario = CaseScenarioFactory(title="The story of Tomas")
    client = as_user(editor)
    data = session_form(
        [activity_form(worksheet=str(worksheet.pk), case_scenario=str(scenario.pk))]
    )
    assert client.post(add_url, data).status_code == 302
    page = SessionPlanPage.objects.get()
    value = page.activity_values[0]
    assert value["worksheet"] == worksheet
    assert value["case_scenario"] == scenario


def test_a_closing_round_range_the_wrong_way_round_is_refused(as_user, editor, add_url):
    client = as_user(editor)
    response = client.post(add_url, session_form([activity_form()], closure=("10", "5")))
    assert response.status_code == 200
    assert "shorter than the closing round" in error_messages(response)
    assert not SessionPlanPage.objects.exists()
