"""Curriculum pages in the cohort's language: the Dutch translation of a session plan where
one exists, the original otherwise; translations never count as more session plans."""

import pytest
from django.urls import reverse

from curriculum.models import SessionLearningOutcome, SessionPlanPage
from curriculum.selectors import programme_uses, programmes_with_sessions
from lms.page_translations import in_library, merge_stream, translate_page
from tests.factories import (
    WorksheetFactory,
    activity,
    make_session,
)
from training.completion import planned_sessions
from worksheets.models import Worksheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def worksheet():
    return WorksheetFactory(title="My role model")


@pytest.fixture
def plan(programme, worksheet):
    return make_session(
        programme,
        number=2,
        title="Delving deeper",
        summary="A closer look at the role.",
        activities=[
            activity("My role model", 30, worksheet=worksheet, procedure="<p>Ask each person.</p>"),
            {"type": "pause", "value": {"title": "Break", "minutes": 15}},
            activity("Secrecy and confidentiality", 20, 30, procedure="<p>Explain secrecy.</p>"),
        ],
        outcomes=("Explain the role", "Name the duties"),
    )


def dutch_words(original):
    """The Dutch stream for ``plan``: the same blocks (ids and all), other words."""
    words = {
        "My role model": ("Mijn rolmodel", "<p>Vraag het aan iedereen.</p>"),
        "Secrecy and confidentiality": ("Geheimhouding", "<p>Leg geheimhouding uit.</p>"),
    }
    translated = []
    for item in original.activities.raw_data:
        item = dict(item)
        value = dict(item["value"])
        if item["type"] == "activity":
            value["title"], value["procedure"] = words[value["title"]]
            value["duration_min"] = 99  # a translator's slip: the original's minutes count
        else:
            value["title"] = "Pauze"
        item["value"] = value
        translated.append(item)
    return merge_stream(
        SessionPlanPage._meta.get_field("activities").stream_block,
        list(original.activities.raw_data),
        translated,
    )


@pytest.fixture
def dutch_plan(programme, plan):
    translate_page(programme, "nl", {"title": "Peer support agent worden"})
    return translate_page(
        plan,
        "nl",
        {
            "title": "Dieper ingaan op de rol",
            "summary": "We kijken beter naar de rol.",
            "activities": dutch_words(plan),
            "learning_outcomes": [
                SessionLearningOutcome(text="De rol uitleggen"),
                SessionLearningOutcome(text="De plichten noemen"),
            ],
        },
    )


@pytest.fixture
def dutch_cohort(cohort):
    cohort.language = "nl"
    cohort.save()
    return cohort


def test_the_translation_lives_in_the_dutch_tree_under_the_dutch_programme(
    programme, plan, dutch_plan
):
    assert dutch_plan.locale.language_code == "nl"
    assert dutch_plan.live
    assert dutch_plan.get_parent().specific.title == "Peer support agent worden"
    assert dutch_plan.get_parent().get_parent().locale.language_code == "nl"
    assert dutch_plan.translation_key == plan.translation_key


def test_translations_are_not_more_session_plans_of_the_programme(programme, plan, dutch_plan):
    (listed,) = programmes_with_sessions()
    assert listed.pk == programme.pk
    assert [s.pk for s in listed.session_list] == [plan.pk]
    assert [s.pk for s in programme.sessions()] == [plan.pk]
    assert programme.total_planned_minutes() == plan.planned_duration
    assert [s.pk for s in planned_sessions(programme)] == [plan.pk]
    assert [(s.pk, w.title) for s, w in programme_uses(programme, "worksheet", Worksheet)] == [
        (plan.pk, "My role model")
    ]
    assert in_library(SessionPlanPage.objects.all()).count() == 1


def test_a_dutch_trainee_reads_the_dutch_session_plan_at_the_original_address(
    as_user, trainee, dutch_cohort, plan, dutch_plan
):
    response = as_user(trainee).get(plan.url)
    assert response.status_code == 200
    html = response.content.decode()
    for dutch in (
        "Dieper ingaan op de rol",
        "We kijken beter naar de rol.",
        "Mijn rolmodel",
        "Geheimhouding",
        "Pauze",
        "De rol uitleggen",
        "De plichten noemen",
        "Peer support agent worden",  # the breadcrumb: the programme's translation
    ):
        assert dutch in html
    for english in ("Delving deeper", "A closer look", "My role model", "Explain the role"):
        assert english not in html
    # The plan is the original's: 30 minutes, not the translation's 99.
    assert "30 min" in html
    assert "99" not in html


def test_an_english_trainee_reads_the_original(as_user, trainee, cohort, plan, dutch_plan):
    html = as_user(trainee).get(plan.url).content.decode()
    assert "Delving deeper" in html
    assert "Dieper ingaan" not in html


def test_a_session_plan_nobody_translated_shows_the_original(
    as_user, trainee, dutch_cohort, programme, plan, dutch_plan
):
    third = make_session(programme, number=3, title="Listening")
    response = as_user(trainee).get(third.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Listening" in html
    assert "Sessie" in html  # the interface around it is Dutch all the same


def test_a_draft_translation_is_not_shown(as_user, trainee, dutch_cohort, plan, dutch_plan):
    dutch_plan.unpublish()
    html = as_user(trainee).get(plan.url).content.decode()
    assert "Delving deeper" in html
    assert "Dieper ingaan" not in html


def test_the_original_stays_in_charge_of_the_plan(
    as_user, trainee, dutch_cohort, plan, dutch_plan, worksheet
):
    """A change to the original's timing, or a block added to it, reaches Dutch readers
    at once; the new block shows in English until it is translated."""
    stream = list(plan.activities.raw_data)
    stream[0] = {**stream[0], "value": {**stream[0]["value"], "duration_min": 35}}
    stream.append(activity("Closing game", 10))
    plan.activities = stream
    plan.planned_duration = 160
    plan.save_revision().publish()
    html = as_user(trainee).get(plan.url).content.decode()
    assert "35 min" in html
    assert "Mijn rolmodel" in html
    assert "Closing game" in html


def test_a_dutch_trainee_sees_dutch_titles_on_the_home_page(
    as_user, trainee, dutch_cohort, plan, dutch_plan
):
    html = as_user(trainee).get(reverse("home")).content.decode()
    assert "Dieper ingaan op de rol" in html
    assert "Peer support agent worden" in html
    assert "Delving deeper" not in html


def test_the_programme_page_lists_the_dutch_titles(
    as_user, trainee, dutch_cohort, programme, plan, dutch_plan
):
    html = as_user(trainee).get(programme.url).content.decode()
    assert "Peer support agent worden" in html
    assert "Dieper ingaan op de rol" in html


def test_translating_again_updates_the_same_page(programme, plan, dutch_plan):
    again = translate_page(plan, "nl", {"title": "Dieper in de rol"})
    assert again.pk == dutch_plan.pk
    assert SessionPlanPage.objects.filter(translation_key=plan.translation_key).count() == 2


def test_the_dutch_page_costs_a_fixed_number_of_extra_queries(
    as_user, trainee, dutch_cohort, plan, dutch_plan, django_assert_max_num_queries
):
    client = as_user(trainee)
    client.get(plan.url)
    with django_assert_max_num_queries(40) as dutch:
        client.get(plan.url)
    dutch_cohort.language = "en"
    dutch_cohort.save()
    client.get(plan.url)
    with django_assert_max_num_queries(40) as english:
        client.get(plan.url)
    # The translation of the page, its outcomes (two queries), and the programme's title.
    assert len(dutch.captured_queries) - len(english.captured_queries) <= 4


def test_an_editor_translates_a_programme_with_translate_in_the_editor(
    client, editor, programme, plan
):
    """simple_translation's "Translate", top down: the library, then the programme with
    its session plans. The copies are drafts in the Dutch tree, for the editor to write."""
    from wagtail.models import Locale

    client.force_login(editor)
    dutch = Locale.objects.get(language_code="nl")
    for page, data in (
        (programme.get_parent(), {"locales": [dutch.pk]}),
        (programme, {"locales": [dutch.pk], "include_subtree": "on"}),
    ):
        url = reverse("simple_translation:submit_page_translation", args=[page.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, data).status_code == 302
    copy = SessionPlanPage.objects.get(translation_key=plan.translation_key, locale=dutch)
    assert not copy.live
    assert copy.get_parent().specific.translation_key == programme.translation_key
    # Nobody reads a draft, and the original stays the only session plan of its programme.
    assert [s.pk for s in programmes_with_sessions()[0].session_list] == [plan.pk]


def test_a_trainee_cannot_open_translate(client, trainee, plan):
    client.force_login(trainee)
    url = reverse("simple_translation:submit_page_translation", args=[plan.pk])
    assert client.get(url).status_code in (302, 403)
