"""Adapting a programme copies everything it is made of and records where each copy came
from, down to the published version and each activity's block id."""

import pytest

from adaptations.models import AdaptedSnippet
from adaptations.services import AdaptationError
from assessments.models import Quiz, SelfAssessment
from curriculum.models import CaseScenario, SessionPlanPage
from training.models import CompletionRule
from worksheets.models import Worksheet


def copies_of(adaptation, model):
    from django.contrib.contenttypes.models import ContentType

    rows = AdaptedSnippet.objects.filter(
        adaptation=adaptation, content_type=ContentType.objects.get_for_model(model)
    )
    return {row.source_id: model.objects.get(pk=row.copy_id) for row in rows}


def test_the_copy_has_every_published_session_with_the_same_content(original, adapt):
    adaptation = adapt(original)

    copy = adaptation.programme
    assert copy.title == "Becoming a peer support agent: for autistic adults"
    assert copy.target_group == "Autistic adults"
    assert copy.summary == original.summary
    assert copy.get_parent().pk == original.get_parent().pk
    sources = list(SessionPlanPage.objects.child_of(original).order_by("number"))
    copies = list(SessionPlanPage.objects.child_of(copy).order_by("number"))
    assert [(s.number, s.title) for s in copies] == [(s.number, s.title) for s in sources]
    for source, session in zip(sources, copies, strict=True):
        assert session.introduction == source.introduction
        assert [o.text for o in session.learning_outcomes.all()] == [
            o.text for o in source.learning_outcomes.all()
        ]
        # Block ids are kept: they are how later changes find the adapter's activity.
        assert [b["id"] for b in session.activities.raw_data] == [
            b["id"] for b in source.activities.raw_data
        ]
        assert [b["value"]["title"] for b in session.activities.raw_data] == [
            b["value"]["title"] for b in source.activities.raw_data
        ]


def test_lineage_records_the_source_and_the_published_versions(
    original, adapt, editor, organisation
):
    adaptation = adapt(original)

    assert adaptation.source == original
    assert adaptation.source_title == original.title
    assert adaptation.source_revision_id == original.live_revision_id
    assert adaptation.last_synced_revision_id == original.live_revision_id
    assert adaptation.organisation == organisation
    assert adaptation.target_group == "Autistic adults"
    assert adaptation.created_by == editor
    rows = list(adaptation.sessions.select_related("source_session", "copy_session"))
    assert len(rows) == 2
    for row in rows:
        assert row.copy_session.get_parent().pk == adaptation.programme.pk
        assert row.source_revision_id == row.source_session.live_revision_id
        assert row.last_synced_revision_id == row.source_revision_id
        assert row.copy_session.number == row.source_session.number


def test_worksheets_case_scenarios_and_quizzes_are_copied_and_the_copy_points_at_them(
    original, adapt, worksheet, scenario, quiz
):
    adaptation = adapt(original)

    worksheet_copy = copies_of(adaptation, Worksheet)[worksheet.pk]
    scenario_copy = copies_of(adaptation, CaseScenario)[scenario.pk]
    quiz_copy = copies_of(adaptation, Quiz)[quiz.pk]
    assert worksheet_copy.pk != worksheet.pk
    assert worksheet_copy.title == worksheet.title
    assert [p["id"] for p in worksheet_copy.parts.raw_data] == [
        p["id"] for p in worksheet.parts.raw_data
    ]
    # The copied worksheet asks about the copied story, not the original one.
    assert worksheet_copy.parts.raw_data[1]["value"]["case_scenario"] == scenario_copy.pk
    assert list(scenario_copy.content_notes.values_list("name", flat=True)) == ["Addiction"]
    assert quiz_copy.questions.raw_data[0]["value"]["question"] == "Hope matters."

    first, second = (
        row.copy_session for row in adaptation.sessions.order_by("copy_session__number")
    )
    values = [b["value"] for b in first.activities.raw_data if b["type"] == "activity"]
    assert values[0]["worksheet"] == worksheet_copy.pk
    assert values[1]["case_scenario"] == scenario_copy.pk
    assert second.activities.raw_data[0]["value"]["quiz"] == quiz_copy.pk
    # The original still points at the originals.
    assert (
        original.get_children().first().specific.activities.raw_data[0]["value"]["worksheet"]
        == worksheet.pk
    )


def test_self_assessments_values_and_completion_rule_come_along(original, adapt):
    from curriculum.models import PeerSupportValue, ProgrammeValue

    hope = PeerSupportValue.objects.create(name="Hope")
    original.value_choices = [ProgrammeValue(value=hope, description="Things get better.")]
    original.save_revision().publish()
    CompletionRule.objects.create(programme=original, min_attendance_percent=75)

    adaptation = adapt(original)

    copy = adaptation.programme
    assert [(c.value.name, c.description) for c in copy.value_choices.all()] == [
        ("Hope", "Things get better.")
    ]
    assert copy.completion_rule.min_attendance_percent == 75
    second = adaptation.sessions.get(copy_session__number=2).copy_session
    assert SelfAssessment.objects.get(session_plan=second).introduction == "How sure are you?"


def test_the_copy_is_a_draft_unless_published_at_once(original, adapt):
    draft = adapt(original)
    assert not draft.programme.live
    assert not any(row.copy_session.live for row in draft.sessions.all())

    published = adapt(original, title="For young mothers", slug="young-mothers", publish=True)
    assert published.programme.live
    assert all(row.copy_session.live for row in published.sessions.all())


def test_only_published_sessions_are_copied(original, adapt):
    from tests.factories import make_session

    unpublished = make_session(original, 3, title="Work in progress")
    unpublished.unpublish()

    adaptation = adapt(original)

    assert sorted(row.copy_session.number for row in adaptation.sessions.all()) == [1, 2]


def test_an_unpublished_programme_or_a_taken_address_is_refused_with_a_reason(original, adapt):
    adapt(original)
    with pytest.raises(AdaptationError, match="address"):
        adapt(original)  # same slug again

    original.unpublish()
    with pytest.raises(AdaptationError, match="not published"):
        adapt(original, slug="another")


def test_the_baseline_is_the_published_version_not_a_later_draft(original, adapt):
    from tests.adaptations.conftest import edit_draft

    edit_draft(original, summary="Draft words nobody has published")

    adaptation = adapt(original)

    assert adaptation.programme.summary == "A course for future peer supporters."
    assert adaptation.baseline["fields"]["summary"] == "A course for future peer supporters."
