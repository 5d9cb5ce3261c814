"""Editors compose worksheets from parts; mistakes in a part are refused with a message."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError

from worksheets.blocks import ClassificationPartBlock, TablePartBlock


def classification(**overrides):
    block = ClassificationPartBlock()
    value = {
        "question": "Is it a breach?",
        "choices": ["Yes", "No", "It depends"],
        "ask_why": True,
        "items": [
            {
                "situation": "Shelter entrance",
                "description": "",
                "persons_involved": "",
                "answer": "Yes",
                "trainer_note": "",
            }
        ],
        "visibility": "group",
    }
    value.update(overrides)
    return block, block.to_python(value)


def messages(error):
    found = []
    for item in error.block_errors.values():
        found.extend(item.messages if isinstance(item, ValidationError) else [str(item)])
    return " ".join(found)


def test_an_answer_key_that_is_not_a_choice_is_refused():
    block, value = classification(
        items=[
            {
                "situation": "Shelter entrance",
                "description": "",
                "persons_involved": "",
                "answer": "Maybe",
                "trainer_note": "",
            }
        ]
    )
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(value)
    assert "answer key 'Maybe' is not one of the choices (Yes, No, It depends)" in messages(
        caught.value
    )


def test_repeated_choices_are_refused():
    block, value = classification(choices=["Yes", "Yes"])
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(value)
    assert "Each choice must be different" in messages(caught.value)


def test_a_valid_classification_is_accepted():
    block, value = classification()
    assert block.clean(value)["items"][0]["answer"] == "Yes"


def test_a_table_needs_rows_or_the_values():
    block = TablePartBlock()
    value = block.to_python(
        {
            "instructions": "",
            "rows_from_values": False,
            "rows": [],
            "columns": [{"heading": "Example", "prompt": ""}],
            "visibility": "trainer",
        }
    )
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(value)
    assert "Add at least one row" in messages(caught.value)
