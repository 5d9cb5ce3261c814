"""Fixtures the worksheet tests share. A test module may define its own ``worksheet``."""

import pytest

from tests.factories import activity, make_session, part, worksheet_with_parts
from training.models import Enrolment


@pytest.fixture
def worksheet(programme):
    """A worksheet of the programme with a private reflection, a reflection shared with the
    trainer and a classification shared with the group, in that order."""
    worksheet = worksheet_with_parts(
        "My role model",
        part("reflection", "private", prompt="Who inspired you?"),
        part("reflection", "trainer", prompt="What will you take from them?"),
        part("classification", "group"),
    )
    make_session(programme, activities=[activity(worksheet=worksheet)])
    return worksheet


@pytest.fixture
def enrolment(cohort, trainee):
    """``trainee``'s place in ``cohort``."""
    return Enrolment.objects.get(cohort=cohort, trainee=trainee)
