"""A worksheet definition becomes the prompts a trainee answers, with stable answer keys."""

import pytest

from curriculum.models import PeerSupportValue, ProgrammeValue
from tests.factories import CaseScenarioFactory, part, worksheet_with_parts

pytestmark = pytest.mark.django_db

VALUES = ["Hope", "Experience", "Equity", "Mutuality", "Empowerment", "Acceptance", "Empathy"]


@pytest.fixture
def values():
    return [
        PeerSupportValue.objects.create(name=name, sort_order=order)
        for order, name in enumerate(VALUES)
    ]


def test_a_table_can_take_its_rows_from_the_peer_support_values(values):
    worksheet = worksheet_with_parts(
        "Me as a role model",
        part(
            "table",
            "group",
            rows_from_values=True,
            rows=[],
            columns=[{"heading": "How I would role-model it", "prompt": "A real example"}],
        ),
    )
    [table] = worksheet.layout()
    assert [label for _key, label in table.rows] == VALUES
    assert table.prompts[0].label == "Hope: How I would role-model it"
    assert table.prompts[0].hint == "A real example"
    assert table.visibility == "group"


def test_a_programme_that_adjusts_its_values_adjusts_the_table(values, programme):
    for order, name in enumerate(["Empathy", "Hope"]):
        programme.value_choices.add(
            ProgrammeValue(value=PeerSupportValue.objects.get(name=name), sort_order=order)
        )
    programme.save_revision().publish()
    worksheet = worksheet_with_parts("Values", part("table", rows_from_values=True, rows=[]))
    [table] = worksheet.layout(programme=programme)
    assert [label for _key, label in table.rows] == ["Empathy", "Hope"]


def test_answer_keys_follow_the_value_not_its_position(values, programme):
    worksheet = worksheet_with_parts("Values", part("table", rows_from_values=True, rows=[]))
    hope_key = worksheet.layout()[0].prompts[0].key
    programme.value_choices.add(ProgrammeValue(value=values[6], sort_order=0))
    programme.value_choices.add(ProgrammeValue(value=values[0], sort_order=1))
    programme.save_revision().publish()
    keys = [p.key for p in worksheet.layout(programme=programme)[0].prompts]
    assert keys[1] == hope_key


def test_a_reflection_is_one_prompt_with_its_guidance_words():
    worksheet = worksheet_with_parts(
        "My role model",
        part("reflection", "private", prompt="Who inspired you?", guidance="trust, status"),
    )
    [reflection] = worksheet.layout()
    assert reflection.is_private
    assert [(p.label, p.hint) for p in reflection.prompts] == [
        ("Who inspired you?", "trust, status")
    ]


def test_trainees_never_get_the_answer_key_of_a_classification():
    worksheet = worksheet_with_parts("Secrecy", part("classification", "group"))
    [for_trainee] = worksheet.layout()
    [for_trainer] = worksheet.layout(for_trainer=True)
    assert for_trainee.items[0].answer == ""
    assert for_trainee.items[0].trainer_note == ""
    assert for_trainer.items[0].answer == "Yes"
    assert for_trainer.items[0].trainer_note == "Names are heard."
    assert for_trainee.items[0].judgement.choices == ("Yes", "No", "It depends")
    assert len(for_trainee.prompts) == 2  # the judgement and the why


def test_case_questions_fall_back_to_the_scenarios_own_questions():
    scenario = CaseScenarioFactory(
        reflection_questions=[("question", "Who could help?"), ("question", "What blocks it?")]
    )
    worksheet = worksheet_with_parts(
        "Tomas", part("case_questions", case_scenario=scenario.pk, questions=[])
    )
    [questions] = worksheet.layout()
    assert questions.scenario == scenario
    assert [p.label for p in questions.prompts] == ["Who could help?", "What blocks it?"]


def test_answer_keys_are_unique_across_the_worksheet(values):
    worksheet = worksheet_with_parts(
        "Everything",
        part("table", rows_from_values=True, rows=[]),
        part("reflection"),
        part("reflection"),
        part("classification"),
        part("case_questions", questions=["One?", "Two?"]),
    )
    keys = [prompt.key for p in worksheet.layout() for prompt in p.prompts]
    assert len(keys) == len(set(keys)) == 7 + 1 + 1 + 2 + 2
