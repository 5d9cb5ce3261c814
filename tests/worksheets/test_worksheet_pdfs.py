"""Worksheets on paper, read back with pypdf: the blank copy a trainer prints and the
completed copy a trainee keeps in their portfolio."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.units import mm

from curriculum.models import PeerSupportValue, ProgrammeValue
from tests.factories import CaseScenarioFactory, make_programme, part, worksheet_with_parts
from worksheets import pdf as worksheet_pdf
from worksheets.models import WorksheetResponse
from worksheets.pdf import render_blank_pdf, render_portfolio_pdf, render_response_pdf

pytestmark = pytest.mark.django_db

VALUES = ["Hope", "Experience", "Equity", "Mutuality", "Empowerment", "Acceptance", "Empathy"]


def read(data):
    """The whole text of a PDF on one line, so wrapped lines do not split a phrase."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_texts(data):
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def fonts_of(data):
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def blank(worksheet, programme=None):
    return render_blank_pdf(worksheet, worksheet.layout(programme=programme), programme=programme)


@pytest.fixture
def values():
    return [
        PeerSupportValue.objects.create(name=name, sort_order=order)
        for order, name in enumerate(VALUES)
    ]


@pytest.fixture
def role_model_table(values):
    return worksheet_with_parts(
        "Me as a role model",
        part(
            "table",
            "group",
            instructions="For each value, write one thing you would do.",
            rows_from_values=True,
            rows=[],
            columns=[
                {
                    "heading": "How I would role-model it",
                    "prompt": "Think of a real situation.",
                }
            ],
        ),
    )


@pytest.fixture
def secrecy():
    worksheet = worksheet_with_parts(
        "Secrecy and confidentiality",
        part(
            "classification",
            "group",
            question="Is someone's confidentiality breached?",
            choices=["Breached", "Safe", "It depends"],
            items=[
                {
                    "situation": "Entering a shelter",
                    "description": "Residents are called out by name.",
                    "persons_involved": "Staff and other residents",
                    "answer": "Breached",
                    "trainer_note": "Anyone nearby now knows who stays here.",
                },
                {
                    "situation": "Talking in a private room",
                    "description": "The door is shut.",
                    "persons_involved": "The client and one staff member",
                    "answer": "Safe",
                    "trainer_note": "A closed door keeps it between two people.",
                },
            ],
        ),
    )
    worksheet.reference = "JCS Manual, Unit 2, Worksheet 3"
    worksheet.save()
    return worksheet


# --- the blank worksheet --------------------------------------------------------------------


def test_a_blank_table_has_a_row_for_each_peer_support_value_under_its_column(role_model_table):
    text = read(blank(role_model_table))
    assert "Value How I would role-model it Think of a real situation." in text
    positions = [text.index(value) for value in VALUES]
    assert positions == sorted(positions)
    assert "For each value, write one thing you would do." in text


def test_a_blank_printed_for_a_programme_uses_that_programmes_values(role_model_table, values):
    programme = make_programme("Short course")
    for order, value in enumerate([values[6], values[0]]):
        programme.value_choices.add(ProgrammeValue(value=value, sort_order=order))
    programme.save_revision().publish()
    text = read(blank(role_model_table, programme))
    assert "Short course Me as a role model" in text
    assert "Empathy" in text and "Hope" in text
    assert "Mutuality" not in text and "Equity" not in text


def test_blank_table_cells_are_tall_enough_to_write_in_and_the_header_repeats(role_model_table):
    [table_part] = role_model_table.layout()
    styles = worksheet_pdf._styles()
    table = worksheet_pdf._blank_table(table_part, [], styles)[-1]
    table.wrap(worksheet_pdf.FRAME_WIDTH, 2000)
    assert table.repeatRows == 1
    assert len(table._rowHeights) == 1 + len(VALUES)
    assert min(table._rowHeights[1:]) >= 35 * mm


def test_a_long_table_breaks_between_rows_and_repeats_its_header(role_model_table):
    pages = page_texts(blank(role_model_table))
    assert len(pages) >= 2
    for page in pages:
        assert "How I would role-model it" in page


def test_a_blank_classification_shows_each_situation_and_the_choices_to_tick(secrecy):
    text = read(blank(secrecy))
    assert "Source: JCS Manual, Unit 2, Worksheet 3" in text
    assert "Is someone's confidentiality breached?" in text
    assert "For each situation, tick one box and write why." in text
    assert "Situation What happens Who is involved Your answer Why?" in text
    assert (
        "Entering a shelter Residents are called out by name. Staff and other residents "
        "Breached Safe It depends"
    ) in text
    assert "Talking in a private room The door is shut." in text


def test_a_blank_classification_never_prints_the_answer_key_or_the_trainer_note(secrecy):
    # Even handed a trainer's layout by mistake, the blank leaves the key out.
    parts = secrecy.layout(for_trainer=True)
    assert parts[0].items[0].trainer_note
    text = read(render_blank_pdf(secrecy, parts))
    assert "Anyone nearby now knows" not in text
    assert "A closed door keeps it" not in text
    assert "Answer key" not in text
    # Each choice is printed once per situation, as a box to tick, and never as the key.
    assert text.count("Breached") == 2
    assert text.count("Safe") == 2


def test_a_blank_case_scenario_names_its_content_notes_before_the_story_and_its_questions():
    scenario = CaseScenarioFactory(
        title="The story of Tomás",
        narrative="<p>Tomás sleeps near the <b>bus station</b> in Valladolid.</p>",
        notes=["Addiction", "Prison"],
    )
    worksheet = worksheet_with_parts(
        "Tomás: questions",
        part(
            "case_questions",
            "trainer",
            case_scenario=scenario.pk,
            questions=["Which services should be involved?", "What could get in the way?"],
        ),
    )
    text = read(blank(worksheet))
    assert "Case scenario: The story of Tomás" in text
    assert "Content notes: Addiction, Prison." in text
    assert (
        text.index("Content notes: Addiction, Prison.")
        < text.index("Tomás sleeps near the bus station in Valladolid.")
        < text.index("1. Which services should be involved?")
        < text.index("2. What could get in the way?")
    )


def test_a_blank_reflection_shows_its_prompt_and_its_guidance_words_in_italics():
    worksheet = worksheet_with_parts(
        "My role model",
        part(
            "reflection",
            "private",
            prompt="Who has been a role model for you?",
            guidance="inspiration, trust, status",
        ),
    )
    data = blank(worksheet)
    text = read(data)
    assert "Who has been a role model for you?" in text
    assert "Words that may help: inspiration, trust, status" in text
    assert any("Oblique" in name or "It" in name for name in fonts_of(data))


def test_a_blank_says_in_plain_words_who_will_read_each_part():
    worksheet = worksheet_with_parts(
        "Three parts",
        part("reflection", "private", prompt="First?"),
        part("reflection", "trainer", prompt="Second?"),
        part("reflection", "group", prompt="Third?"),
    )
    text = read(blank(worksheet))
    assert (
        text.index("Part 1 of 3 First? Private: only you will read what you write here.")
        < text.index("Part 2 of 3 Second? Your trainer will read what you write here.")
        < text.index("Part 3 of 3 Third? You will share what you write here with the group.")
    )


def test_the_first_page_asks_for_a_name_and_date_and_every_page_is_numbered(role_model_table):
    pages = page_texts(blank(role_model_table))
    assert "Name:" in pages[0] and "Date:" in pages[0]
    assert "Name:" not in pages[1]
    for number, page in enumerate(pages, start=1):
        assert "Me as a role model" in page
        assert f"Page {number}" in page


def test_a_blank_is_a4_with_embedded_fonts_and_accents_intact(values):
    PeerSupportValue.objects.create(name="Égalité", sort_order=10)
    worksheet = worksheet_with_parts(
        "Zoë's values",
        part("table", rows_from_values=True, rows=[], columns=[{"heading": "Où?", "prompt": ""}]),
    )
    data = blank(worksheet)
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = read(data)
    assert "Égalité" in text and "Zoë's values" in text and "Où?" in text
    assert "\ufffd" not in text
    fonts = fonts_of(data)
    for name, font in fonts.items():
        assert re.search(r"DejaVuSans|Vera", name), name
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name


# --- the completed worksheet ------------------------------------------------------------------


@pytest.fixture
def zoe(trainee):
    trainee.first_name, trainee.last_name = "Zoë", "Dvořák"
    trainee.save()
    return trainee


@pytest.fixture
def enrolment(cohort, zoe):
    return cohort.enrolments.get(trainee=zoe)


def respond(enrolment, worksheet, answers, **fields):
    return WorksheetResponse.objects.create(
        enrolment=enrolment, worksheet=worksheet, answers=answers, **fields
    )


@pytest.fixture
def reflections():
    return worksheet_with_parts(
        "My role model",
        part("reflection", "private", prompt="Who inspired you?"),
        part("reflection", "trainer", prompt="Did they know?"),
    )


def keys_of(worksheet):
    return [prompt.key for p in worksheet.layout() for prompt in p.prompts]


def test_a_completed_worksheet_shows_each_answer_and_no_answer_for_empty_ones(
    enrolment, reflections
):
    first, second = keys_of(reflections)
    response = respond(enrolment, reflections, {first: "My aunt Zoë.", second: "   "})
    parts = reflections.layout()
    text = read(render_response_pdf(response, parts, response.answers))
    assert "Who inspired you? Private: only you can read these answers. My aunt Zoë." in (text)
    assert "Did they know? Your trainer can read these answers. No answer" in text


def test_answers_are_printed_as_typed_never_read_as_markup(enrolment, reflections):
    first, second = keys_of(reflections)
    answers = {first: "<b>x</b> & <i>y", second: "Tom & Jerry < 3 > 2\n\nSecond paragraph"}
    response = respond(enrolment, reflections, answers)
    data = render_response_pdf(response, reflections.layout(), answers)
    text = read(data)
    assert "<b>x</b> & <i>y" in text
    assert "Tom & Jerry < 3 > 2 Second paragraph" in text


def test_only_the_answers_handed_in_are_printed(enrolment, reflections):
    first, second = keys_of(reflections)
    response = respond(enrolment, reflections, {first: "Something private", second: "Shared"})
    # The caller filtered the answers (as a trainer would read them): the private one is out.
    text = read(render_response_pdf(response, reflections.layout(), {second: "Shared"}))
    assert "Something private" not in text
    assert "Did they know? Your trainer can read these answers. Shared" in text


def test_a_completed_worksheet_names_cohort_programme_status_dates_and_feedback(
    enrolment, reflections
):
    first, _second = keys_of(reflections)
    handed_in = timezone.make_aware(datetime.datetime(2027, 5, 3, 10, 0))
    response = respond(
        enrolment,
        reflections,
        {first: "My aunt."},
        status=WorksheetResponse.Status.ACCEPTED,
        submitted_at=handed_in,
        reviewed_at=handed_in + datetime.timedelta(days=2),
        feedback="Thank you, Zoë & well done.",
        on_paper=True,
    )
    data = render_response_pdf(response, reflections.layout(), response.answers)
    text = read(data)
    assert "My role model Cohort: Kent, spring · Programme: Becoming a peer support agent" in text
    assert "Status: Accepted" in text
    assert "Handed in May 3, 2027" in text
    assert "Reviewed May 5, 2027" in text
    assert "Completed on paper" in text
    assert "Feedback from your trainer Thank you, Zoë & well done." in text
    assert "My role model · Zoë Dvořák" in text  # the footer
    assert text.index("My aunt.") < text.index("Feedback from your trainer")


def test_a_completed_table_classification_and_case_questions_show_every_answer(
    enrolment, role_model_table, secrecy
):
    worksheet = worksheet_with_parts(
        "Everything",
        role_model_table.parts.raw_data[0],
        secrecy.parts.raw_data[0],
        part("case_questions", questions=["Who could help?"]),
    )
    parts = worksheet.layout()
    table, classification, questions = parts
    hope = table.cell(table.rows[0][0], 0)
    item = classification.items[0]
    answers = {
        hope: "I would share my story.",
        item.judgement.key: "Breached",
        item.why.key: "Names are heard.",
        questions.prompts[0].key: "A social worker.",
    }
    response = respond(enrolment, worksheet, answers)
    text = read(render_response_pdf(response, parts, answers))
    assert "Hope How I would role-model it I would share my story." in text
    assert "Experience How I would role-model it No answer" in text
    assert "Entering a shelter Residents are called out by name. · Staff and other residents" in (
        text
    )
    assert "Your answer Breached Why? Names are heard." in text
    assert "Talking in a private room" in text
    assert "1. Who could help? Your trainer" not in text  # the line sits above the questions
    assert "1. Who could help? A social worker." in text
    # The trainer's key never reaches the trainee's copy.
    assert "Anyone nearby now knows" not in text


def test_a_very_long_answer_runs_onto_further_pages(enrolment, reflections):
    first, _second = keys_of(reflections)
    answer = " ".join(f"Sentence {n} with words & symbols." for n in range(1, 151))
    response = respond(enrolment, reflections, {first: answer})
    data = render_response_pdf(response, reflections.layout(), response.answers)
    pages = page_texts(data)
    assert len(pages) >= 2
    assert "Sentence 1 with words & symbols." in pages[0]
    assert "Sentence 150 with words & symbols." in pages[-1]


def test_the_portfolio_names_the_trainee_and_holds_every_worksheet_in_order(
    enrolment, reflections, secrecy, role_model_table
):
    first, _second = keys_of(reflections)
    items = []
    for worksheet, answers in [
        (secrecy, {}),
        (reflections, {first: "My aunt."}),
        (role_model_table, {}),
    ]:
        response = respond(enrolment, worksheet, answers)
        items.append((response, worksheet.layout(), answers))
    data = render_portfolio_pdf(items)
    pages = page_texts(data)
    assert "Page 1 Worksheet portfolio Zoë Dvořák Printed on" in pages[0]
    assert (
        "1. Secrecy and confidentiality (Draft) 2. My role model (Draft) 3. Me as a role"
        in (pages[0])
    )
    # One section per worksheet, each starting on a new page, in the order given.
    starts = [
        next(i for i, page in enumerate(pages) if f"Page {i + 1} {title} Cohort:" in page)
        for title in ["Secrecy and confidentiality", "My role model", "Me as a role model"]
    ]
    assert starts == sorted(starts) and starts[0] >= 1
    assert "My aunt." in pages[starts[1]]
    assert all("Worksheet portfolio · Zoë Dvořák" in page for page in pages)


def test_an_empty_portfolio_still_prints(zoe):
    text = read(render_portfolio_pdf([], trainee=zoe))
    assert "Worksheet portfolio Zoë Dvořák" in text
    assert "No worksheets yet." in text


# --- the route --------------------------------------------------------------------------------


def blank_url(worksheet, **query):
    url = reverse("worksheets:blank_pdf", args=[worksheet.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@pytest.mark.parametrize("persona", ["trainer", "editor", "manager", "evaluation_lead"])
def test_staff_print_a_blank_worksheet(request, as_user, persona, role_model_table):
    client = as_user(request.getfixturevalue(persona))
    response = client.get(blank_url(role_model_table))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="worksheet-{role_model_table.pk}-blank.pdf"'
    )
    assert "Me as a role model" in read(response.content)


def test_a_trainee_gets_the_paper_copy_from_their_trainer_not_the_site(
    as_user, trainee, role_model_table
):
    assert as_user(trainee).get(blank_url(role_model_table)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, role_model_table):
    url = blank_url(role_model_table)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"
    assert response["Location"].startswith("/login/")


def test_the_blank_takes_its_rows_from_the_programme_asked_for(
    as_user, trainer, role_model_table, values
):
    programme = make_programme("Short course")
    programme.value_choices.add(ProgrammeValue(value=values[6], sort_order=0))
    programme.save_revision().publish()
    response = as_user(trainer).get(blank_url(role_model_table, programme=programme.pk))
    text = read(response.content)
    assert "Short course Me as a role model" in text
    assert "Empathy" in text and "Hope" not in text


@pytest.mark.parametrize("programme_id", ["999999", "abc"])
def test_an_unknown_programme_or_worksheet_is_not_found(
    as_user, trainer, role_model_table, programme_id
):
    client = as_user(trainer)
    assert client.get(blank_url(role_model_table, programme=programme_id)).status_code == 404
    missing = reverse("worksheets:blank_pdf", args=[role_model_table.pk + 1000])
    assert client.get(missing).status_code == 404


def test_an_unpublished_programme_is_not_found(as_user, trainer, role_model_table):
    programme = make_programme("Draft course")
    programme.unpublish()
    response = as_user(trainer).get(blank_url(role_model_table, programme=programme.pk))
    assert response.status_code == 404


def test_printing_only_answers_get(as_user, trainer, role_model_table):
    assert as_user(trainer).post(blank_url(role_model_table)).status_code == 405
