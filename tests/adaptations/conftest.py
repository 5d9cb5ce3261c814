"""A small programme to adapt: two session plans, a worksheet that asks about a case
scenario, a quiz, and a self-assessment, as an editor would have published them."""

import pytest

from tests.factories import (
    CaseScenarioFactory,
    activity,
    make_programme,
    make_session,
    part,
    worksheet_with_parts,
)


@pytest.fixture
def scenario(db):
    return CaseScenarioFactory(title="Tomas", notes=["Addiction"])


@pytest.fixture
def worksheet(scenario):
    return worksheet_with_parts(
        "My role model",
        part("reflection", prompt="Who inspired you?"),
        part("case_questions", case_scenario=scenario.pk, questions=["What would you do?"]),
    )


@pytest.fixture
def quiz(db):
    from assessments.models import Quiz

    return Quiz.objects.create(
        title="Values quiz",
        questions=[
            {
                "type": "true_false",
                "value": {
                    "question": "Hope matters.",
                    "points": 1,
                    "true": True,
                    "feedback_right": "",
                    "feedback_wrong": "",
                },
            }
        ],
    )


@pytest.fixture
def original(db, worksheet, scenario, quiz):
    """The programme to adapt, with sessions 1 and 2 published."""
    from assessments.models import SelfAssessment

    programme = make_programme(
        "Becoming a peer support agent", summary="A course for future peer supporters."
    )
    make_session(
        programme,
        1,
        title="What is peer support?",
        activities=[
            activity(
                "My role model",
                minutes=30,
                worksheet=worksheet,
                procedure="<p>Ask each person to think of someone who inspired them.</p>",
            ),
            {"type": "pause", "value": {"title": "Break", "minutes": 10}},
            activity("Tomas's story", minutes=40, scenario=scenario),
        ],
    )
    second = make_session(
        programme,
        2,
        title="Values",
        activities=[activity("Values quiz", minutes=20, quiz=quiz.pk)],
    )
    SelfAssessment.objects.create(session_plan=second, introduction="How sure are you?")
    programme.refresh_from_db()
    return programme


@pytest.fixture
def adapt(editor, organisation):
    """Make an adaptation of a programme as the editor would."""
    from adaptations.services import adaptation_create

    def make(source, title="Becoming a peer support agent: for autistic adults", **kwargs):
        kwargs.setdefault("slug", "for-autistic-adults")
        kwargs.setdefault("target_group", "Autistic adults")
        kwargs.setdefault("organisation", organisation)
        kwargs.setdefault("user", editor)
        return adaptation_create(source=source, title=title, **kwargs)

    return make


def fresh(page):
    """The latest revision of ``page`` as a new object, leaving the caller's object alone."""
    return type(page.specific).objects.get(pk=page.pk).get_latest_revision_as_object()


def publish(page, **changes):
    """Publish a new version of ``page`` with ``changes`` to its fields."""
    page = fresh(page)
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    return page


def edit_draft(page, **changes):
    """Save a draft of ``page`` with ``changes``, as the adapter would in the editor."""
    page = fresh(page)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision()
    return page


def latest(page):
    """What the adapter sees in the editor: the latest revision, draft or published."""
    return fresh(page)


def with_activity(page, index, **value_changes):
    raw = [dict(item) for item in fresh(page).activities.raw_data]
    raw[index] = {**raw[index], "value": {**raw[index]["value"], **value_changes}}
    return raw
