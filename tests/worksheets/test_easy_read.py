"""Groups whose adaptation profile prefers easy read see the easy-read wording of worksheets
first, with the usual words one tap away; everyone else sees the usual words only."""

import pytest
from django.urls import reverse

from tests.factories import activity, make_session, part, worksheet_with_parts
from training.models import Cohort, Enrolment
from worksheets.models import Worksheet
from worksheets.selectors import prefers_easy_read

pytestmark = pytest.mark.django_db

USUAL = "Which of their qualities or attitudes made you want to follow their example?"
EASY = "What did you like about this person?\nWhat do you want to do like them?"


def profile_model():
    """The adaptation profile model cohorts point at (``Cohort.profile``), or a skip when
    this installation has none yet."""
    field = next((f for f in Cohort._meta.get_fields() if f.name == "profile"), None)
    if field is None:
        pytest.skip("Cohorts have no adaptation profile ('Cohort.profile') in this installation.")
    return field.related_model


def give_profile(cohort, **flags):
    model = profile_model()
    profile = model.objects.create(name=f"Test profile {model.objects.count()}", **flags)
    cohort.profile = profile
    cohort.save(update_fields=["profile"])
    return profile


@pytest.fixture
def worksheet(programme):
    worksheet = worksheet_with_parts(
        "My role model",
        part("reflection", "private", prompt=USUAL, easy_read_prompt=EASY),
        part("reflection", "trainer", prompt="Did they know?"),  # no easy read written
        part(
            "table",
            "group",
            rows=["Hope"],
            instructions="For each value, write one concrete thing you would do.",
            easy_read_instructions="Write one thing you would do.",
        ),
        part(
            "classification",
            "group",
            question="Is someone's secrecy breached?",
            easy_read_question="Is a secret told?",
        ),
    )
    worksheet.instructions = "Think of a person whose example you followed and answer below."
    worksheet.easy_read_instructions = "Think of a person you looked up to."
    worksheet.save()
    make_session(programme, activities=[activity(worksheet=worksheet)])
    return worksheet


def fill_page(as_user, trainee, cohort, worksheet):
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    reply = as_user(trainee).get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk]))
    assert reply.status_code == 200
    return reply.content.decode()


def test_a_group_without_a_profile_sees_the_usual_words_only(as_user, trainee, cohort, worksheet):
    html = fill_page(as_user, trainee, cohort, worksheet)
    assert USUAL in html
    assert "What did you like about this person?" not in html
    assert "Write one thing you would do." not in html
    assert "Is a secret told?" not in html
    assert "Think of a person you looked up to." not in html
    assert "Show the usual words" not in html


def test_a_group_whose_profile_prefers_easy_read_sees_it_first(as_user, trainee, cohort, worksheet):
    give_profile(cohort, prefer_easy_read=True)
    html = fill_page(as_user, trainee, cohort, worksheet)
    # The easy words are the question the answer box is labelled with...
    assert "What did you like about this person?<br>What do you want to do like them?" in html
    label = html.index("What did you like about this person?")
    assert html.rfind("<label", 0, label) > html.rfind("</label>", 0, label)
    # ...and the usual words are still there, folded away.
    assert "<summary>Show the usual words</summary>\n  <p>" + USUAL in html
    assert html.index("What did you like") < html.index(USUAL)
    # The worksheet's instructions, the table's and the classification's question too.
    assert "Think of a person you looked up to." in html
    assert "Write one thing you would do." in html
    assert "Is a secret told?</h2>" in html and "<legend>Is a secret told?</legend>" in html
    # A part without easy-read words keeps its usual words, with nothing to unfold: four
    # texts have an easy-read wording (instructions, reflection, table, classification).
    assert "Did they know?</label></h2>" in html
    assert html.count("Show the usual words") == 4


def test_a_profile_that_does_not_prefer_easy_read_keeps_the_usual_words(
    as_user, trainee, cohort, worksheet
):
    give_profile(cohort, prefer_easy_read=False)
    html = fill_page(as_user, trainee, cohort, worksheet)
    assert USUAL in html and "What did you like about this person?" not in html


def test_only_the_group_with_the_profile_gets_easy_read(
    as_user, trainee, cohort, other_cohort, worksheet
):
    give_profile(other_cohort, prefer_easy_read=True)
    html = fill_page(as_user, trainee, cohort, worksheet)
    assert "What did you like about this person?" not in html
    stranger = other_cohort.enrolments.get().trainee
    assert "What did you like about this person?" in fill_page(
        as_user, stranger, other_cohort, worksheet
    )


def test_the_answers_stay_under_the_same_question_whichever_words_are_shown(
    as_user, trainee, cohort, worksheet, programme
):
    """Easy read changes the words, not the question: the same box, the same answer."""
    from worksheets import services

    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    key = worksheet.layout(programme=programme)[0].prompts[0].key
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={key: "Rosa"},
        base_version=0,
    )
    before = fill_page(as_user, trainee, cohort, worksheet)
    give_profile(cohort, prefer_easy_read=True)
    after = fill_page(as_user, trainee, cohort, worksheet)
    for html in (before, after):
        assert f'name="{key}"' in html and "\nRosa</textarea>" in html


def test_the_trainer_reviews_with_the_usual_words(
    as_user, trainee, trainer, cohort, worksheet, programme
):
    from worksheets import services
    from worksheets.models import WorksheetResponse

    give_profile(cohort, prefer_easy_read=True)
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    key = worksheet.layout(programme=programme)[1].prompts[0].key
    services.response_save(
        user=trainee, enrolment=enrolment, worksheet=worksheet, changes={key: "No"}, base_version=0
    )
    response = WorksheetResponse.objects.get()
    services.response_submit(user=trainee, response=response)
    html = as_user(trainer).get(reverse("worksheets:review", args=[cohort.pk, response.pk]))
    assert "Is someone&#x27;s secrecy breached?" in html.content.decode()


def test_the_easy_read_fill_page_costs_no_extra_query(
    as_user, trainee, cohort, worksheet, django_assert_max_num_queries
):
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    url = reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])
    client = as_user(trainee)
    client.get(url)
    with django_assert_max_num_queries(30) as usual:
        client.get(url)
    give_profile(cohort, prefer_easy_read=True)
    with django_assert_max_num_queries(30) as easy:
        assert "Show the usual words" in client.get(url).content.decode()
    assert len(easy.captured_queries) == len(usual.captured_queries)


def test_the_flag_read_is_the_one_profiles_have():
    """``worksheets.selectors.prefers_easy_read`` reads ``profile.prefer_easy_read``; if the
    profile model names it otherwise, easy read would silently never show."""
    model = profile_model()
    assert "prefer_easy_read" in {field.name for field in model._meta.get_fields()}


def test_a_cohort_without_a_profile_or_flag_prefers_the_usual_words(cohort):
    assert prefers_easy_read(cohort) is False
    assert prefers_easy_read(object()) is False


def test_editors_can_write_easy_read_words_in_the_worksheet_editor(worksheet):
    """The blocks take the easy-read fields and the answer formats, and keep them."""
    from worksheets.blocks import WorksheetPartsBlock

    stored = Worksheet.objects.get(pk=worksheet.pk)
    block = WorksheetPartsBlock()
    value = block.to_python(stored.parts.raw_data)
    cleaned = block.clean(value)
    reflection = cleaned[0].value
    assert reflection["easy_read_prompt"] == EASY
    assert list(reflection["answer_formats"] or []) == []
    assert cleaned[2].value["easy_read_instructions"] == "Write one thing you would do."
    assert cleaned[3].value["easy_read_question"] == "Is a secret told?"


def test_the_demo_worksheet_gets_easy_read_words_and_a_question_answered_by_speaking():
    from django.core.management import call_command

    from worksheets import demo_formats

    call_command("load_demo", verbosity=0)
    worksheet = demo_formats.load()
    ids = [item["id"] for item in worksheet.parts.raw_data]
    again = demo_formats.load()  # safe to run again: same parts, same words
    assert [item["id"] for item in again.parts.raw_data] == ids
    parts = Worksheet.objects.get(pk=worksheet.pk).layout()
    first = parts[0].prompts[0]
    assert first.formats == ("audio", "picture")
    assert first.easy_label.startswith("Think of a person you looked up to.")
    assert all(part.prompts[0].easy_label for part in parts)
    assert [part.prompts[0].formats for part in parts[1:]] == [(), ()]
    assert again.easy_read_instructions.startswith("Think of a person you looked up to.")
