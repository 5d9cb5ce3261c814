"""The adaptation's own copies of worksheets, case scenarios and quizzes follow their
originals the same way session plans do."""

from django.contrib.contenttypes.models import ContentType

from adaptations.changes import review_for
from adaptations.models import AdaptedSnippet
from adaptations.services import KEEP_MINE, TAKE, changes_decide
from curriculum.models import CaseScenario
from worksheets.models import Worksheet


def copy_of(adaptation, obj):
    row = AdaptedSnippet.objects.get(
        adaptation=adaptation,
        content_type=ContentType.objects.get_for_model(type(obj)),
        source_id=obj.pk,
    )
    return type(obj).objects.get(pk=row.copy_id)


def test_a_change_to_an_original_worksheet_part_is_offered_and_taken(original, adapt, worksheet):
    adaptation = adapt(original)
    parts = [dict(p) for p in worksheet.parts.raw_data]
    parts[0] = {**parts[0], "value": {**parts[0]["value"], "prompt": "Who inspired you, and how?"}}
    worksheet.parts = parts
    worksheet.save()

    [change] = review_for(adaptation).changes
    assert change.unit.heading == "Worksheet: My role model"
    # Named as in the adapter's version, which they know best.
    assert change.label == "Reflection 1: Who inspired you? · Question or prompt"
    assert (change.before_text, change.after_text) == (
        "Who inspired you?",
        "Who inspired you, and how?",
    )

    changes_decide(adaptation=adaptation, decisions=[(change.ref, TAKE)])

    mine = copy_of(adaptation, worksheet)
    assert mine.parts.raw_data[0]["value"]["prompt"] == "Who inspired you, and how?"
    # The copied worksheet still asks about the copied story.
    scenario_copy = mine.parts.raw_data[1]["value"]["case_scenario"]
    assert scenario_copy != worksheet.parts.raw_data[1]["value"]["case_scenario"]
    assert review_for(adaptation).pending_count == 0


def test_an_adapters_rewrite_of_a_story_is_kept_over_the_originals(original, adapt, scenario):
    adaptation = adapt(original)
    mine = copy_of(adaptation, scenario)
    mine.narrative = "<p>Tomas, told in short sentences.</p>"
    mine.save()
    scenario.narrative = "<p>Tomas, with more detail.</p>"
    scenario.save()

    [change] = review_for(adaptation).changes
    assert change.conflict and change.label == "The story"
    changes_decide(adaptation=adaptation, decisions=[(change.ref, KEEP_MINE)])

    assert (
        CaseScenario.objects.get(pk=mine.pk).narrative == "<p>Tomas, told in short sentences.</p>"
    )
    assert review_for(adaptation).pending_count == 0


def test_a_new_worksheet_in_an_original_activity_is_copied_when_taken(original, adapt):
    from tests.adaptations.conftest import latest, publish, with_activity
    from tests.factories import WorksheetFactory

    adaptation = adapt(original)
    row = adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=1
    )
    extra = WorksheetFactory(title="Tomas: questions")
    publish(row.source_session, activities=with_activity(row.source_session, 2, worksheet=extra.pk))
    [change] = review_for(adaptation).changes
    assert (change.before_text, change.after_text) == ("", "Tomas: questions")

    changes_decide(adaptation=adaptation, decisions=[(change.ref, TAKE)])

    used = latest(row.copy_session).activities.raw_data[2]["value"]["worksheet"]
    assert used != extra.pk
    assert copy_of(adaptation, extra).pk == used
    assert Worksheet.objects.get(pk=used).title == "Tomas: questions"
    assert review_for(adaptation).pending_count == 0
