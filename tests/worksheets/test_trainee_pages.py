"""A trainee fills in, saves and hands in their own worksheets; nobody else opens them."""

import re

import pytest
from django.urls import reverse

from lms.roles import Role
from tests.factories import (
    CaseScenarioFactory,
    UserFactory,
    activity,
    make_cohort,
    make_session,
    part,
    worksheet_with_parts,
)
from training.models import Enrolment
from worksheets import services
from worksheets.layout import ANSWER_MAX_LENGTH
from worksheets.models import AnswerFeedback, ResponseVersion, WorksheetResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def scenario(db):
    return CaseScenarioFactory(
        title="The story of Tomas",
        narrative="<p>Tomas sleeps near the <b>bus station</b>.</p>",
        notes=["Addiction", "Prison"],
    )


@pytest.fixture
def worksheet(programme, scenario):
    """A worksheet with one part of every kind, each shared differently."""
    worksheet = worksheet_with_parts(
        "Everything at once",
        part("reflection", "private", prompt="Who inspired you?", guidance="trust, hope"),
        part(
            "table",
            "group",
            rows=["Hope", "Empathy"],
            columns=[{"heading": "How I would show it", "prompt": "Say what you would do"}],
        ),
        part("classification", "group"),
        part("case_questions", "trainer", case_scenario=scenario.pk, questions=[]),
    )
    make_session(programme, 1, activities=[activity("All parts", worksheet=worksheet)])
    return worksheet


def keys(worksheet, programme):
    return [prompt.key for p in worksheet.layout(programme=programme) for prompt in p.prompts]


def url(name, enrolment, worksheet):
    return reverse(f"worksheets:{name}", args=[enrolment.pk, worksheet.pk])


def saved(trainee, enrolment, worksheet, changes, base=None):
    response = WorksheetResponse.objects.filter(enrolment=enrolment, worksheet=worksheet).first()
    return services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes=changes,
        base_version=response.version if base is None and response else base or 0,
    ).response


# --- who may open the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fill", "response_pdf"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, enrolment, worksheet, name):
    reply = client.get(url(name, enrolment, worksheet))
    assert reply.status_code == 302
    assert reply["Location"].startswith("/login/")


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_list_and_portfolio(client):
    for target in (reverse("worksheets:mine"), reverse("worksheets:portfolio")):
        reply = client.get(target)
        assert reply.status_code == 302
        assert reply["Location"].startswith("/login/")


def test_a_trainee_of_another_cohort_cannot_open_a_worksheet_in_this_cohort(
    as_user, other_cohort, enrolment, worksheet
):
    stranger = other_cohort.enrolments.get().trainee
    client = as_user(stranger)
    assert client.get(url("fill", enrolment, worksheet)).status_code == 403
    assert client.get(url("response_pdf", enrolment, worksheet)).status_code == 403
    # Their own enrolment in the same programme opens.
    own = other_cohort.enrolments.get()
    assert client.get(url("fill", own, worksheet)).status_code == 200


def test_another_trainee_cannot_open_or_change_the_trainees_response(
    as_user, trainee, other_trainee, enrolment, worksheet, programme
):
    private = keys(worksheet, programme)[0]
    saved(trainee, enrolment, worksheet, {private: "My brother Karim"}, 0)
    client = as_user(other_trainee)
    assert client.get(url("fill", enrolment, worksheet)).status_code == 403
    assert client.get(url("response_pdf", enrolment, worksheet)).status_code == 403
    reply = client.post(url("save", enrolment, worksheet), {private: "Changed", "base_version": 1})
    assert reply.status_code == 403
    assert client.post(url("submit", enrolment, worksheet)).status_code == 403
    response = WorksheetResponse.objects.get()
    assert response.answers == {private: "My brother Karim"}
    assert response.status == WorksheetResponse.Status.DRAFT


@pytest.mark.parametrize("persona", ["trainer", "co_trainer", "superuser", "editor", "manager"])
def test_trainers_and_staff_do_not_open_the_trainees_own_page(
    request, as_user, trainee, enrolment, worksheet, programme, persona
):
    saved(trainee, enrolment, worksheet, {keys(worksheet, programme)[0]: "Private words"}, 0)
    client = as_user(request.getfixturevalue(persona))
    assert client.get(url("fill", enrolment, worksheet)).status_code == 403
    assert client.get(url("response_pdf", enrolment, worksheet)).status_code == 403


def test_a_worksheet_that_is_not_in_the_programme_is_refused(as_user, trainee, enrolment):
    elsewhere = worksheet_with_parts("Not taught here", part("reflection", "private"))
    client = as_user(trainee)
    assert client.get(url("fill", enrolment, elsewhere)).status_code == 403
    reply = client.post(
        url("save", enrolment, elsewhere),
        {"changes": {}, "base_version": 0},
        content_type="application/json",
    )
    assert reply.status_code == 403


def test_a_missing_enrolment_is_not_found(as_user, trainee, worksheet):
    reply = as_user(trainee).get(reverse("worksheets:fill", args=[99999, worksheet.pk]))
    assert reply.status_code == 404


# --- the fill page -------------------------------------------------------------------------------


def test_the_fill_page_shows_every_part_as_an_accessible_form(
    as_user, trainee, enrolment, worksheet, cohort
):
    reply = as_user(trainee).get(url("fill", enrolment, worksheet))
    assert reply.status_code == 200
    html = reply.content.decode()
    assert "Everything at once" in html
    assert cohort.name in html
    assert "Not started" in html
    # A reflection: the prompt labels the box, the guidance words describe it.
    reflection = re.search(r'<label for="(answer-\d+)">Who inspired you\?</label>', html)
    assert reflection
    box = reflection.group(1)
    assert f'id="{box}-hint"' in html
    assert f'aria-describedby="{box}-hint"' in html
    assert "trust, hope" in html
    # A table: a fieldset per row, its legend the row, a labelled box per column.
    assert re.search(r'<fieldset class="ws-row">\s*<legend>Hope</legend>', html)
    assert re.search(r'<fieldset class="ws-row">\s*<legend>Empathy</legend>', html)
    assert html.count(">How I would show it</label>") == 2
    # A classification: the situation, radio buttons for the choices and a "why" box.
    assert "<legend>Shelter entrance</legend>" in html
    assert len(re.findall(r'type="radio"[^>]*value="It depends"', html)) == 1
    assert ">Why?</label>" in html
    # The answer key and the trainer's note never reach a trainee.
    assert "Names are heard." not in html
    # The case: content notes first, the story as rich text, then its questions.
    assert "talks about addiction, prison" in html
    assert "Tomas sleeps near the <b>bus station</b>." in html
    assert html.index("talks about addiction") < html.index("Tomas sleeps")
    assert html.index("Tomas sleeps") < html.index("Who could help?")
    # Who sees the answers, in plain words, for each part.
    assert "Only you can see these answers." in html
    assert "Your trainer can read these answers. Other trainees cannot." in html
    assert "may share them with the group for the talk afterwards" in html
    # Saving works without JavaScript: a real form with the version it was loaded at.
    assert 'name="base_version" value="0"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'aria-live="polite"' in html
    assert "Yes, hand it in now" in html


def test_opening_the_page_does_not_create_a_response(as_user, trainee, enrolment, worksheet):
    as_user(trainee).get(url("fill", enrolment, worksheet))
    assert not WorksheetResponse.objects.exists()


def test_saved_answers_are_shown_back_escaped(as_user, trainee, enrolment, worksheet, programme):
    private, *_rest = keys(worksheet, programme)
    judgement = next(k for k in keys(worksheet, programme) if k.endswith(":judgement"))
    saved(
        trainee,
        enrolment,
        worksheet,
        {private: '<script>alert("hi")</script> & <b>bold</b>', judgement: "No"},
        0,
    )
    html = as_user(trainee).get(url("fill", enrolment, worksheet)).content.decode()
    assert "<script>alert" not in html
    assert (
        "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    )
    assert re.search(r'value="No" id="answer-\d+-2" checked', html)
    assert 'name="base_version" value="1"' in html
    assert "Started, not handed in yet" in html


def test_a_withdrawn_trainee_may_read_but_not_change_their_answers(
    as_user, trainee, enrolment, worksheet, programme
):
    private = keys(worksheet, programme)[0]
    saved(trainee, enrolment, worksheet, {private: "Kept words"}, 0)
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    client = as_user(trainee)
    reply = client.get(url("fill", enrolment, worksheet))
    assert reply.status_code == 200
    html = reply.content.decode()
    assert "Kept words" in html
    assert "You are no longer taking part in this group" in html
    assert 'id="worksheet-form"' not in html
    assert re.search(r"<textarea[^>]*disabled>\s*Kept words</textarea>", html)
    reply = client.post(url("save", enrolment, worksheet), {private: "New", "base_version": 1})
    assert reply.status_code == 403
    assert client.post(url("submit", enrolment, worksheet)).status_code == 403
    assert WorksheetResponse.objects.get().answers == {private: "Kept words"}


def test_a_handed_in_worksheet_is_read_only_with_a_clear_message(
    as_user, trainee, enrolment, worksheet, programme
):
    response = saved(trainee, enrolment, worksheet, {keys(worksheet, programme)[0]: "Done"}, 0)
    services.response_submit(user=trainee, response=response)
    html = as_user(trainee).get(url("fill", enrolment, worksheet)).content.decode()
    assert "You handed in this worksheet on" in html
    assert "Handed in" in html
    assert 'id="worksheet-form"' not in html
    assert "Save my answers" not in html
    assert "Yes, hand it in now" not in html
    assert re.search(r"<textarea[^>]*disabled>\s*Done</textarea>", html)
    assert re.search(r'type="radio"[^>]*disabled', html)


def test_a_returned_worksheet_shows_the_feedback_and_can_be_changed_again(
    as_user, trainee, trainer, enrolment, worksheet, programme
):
    parts = worksheet.layout(programme=programme)
    shared = keys(worksheet, programme)[1]  # the first table cell, shared with the group
    private = keys(worksheet, programme)[0]
    response = saved(trainee, enrolment, worksheet, {shared: "Smile", private: "Mine"}, 0)
    assert AnswerFeedback.objects.count() == 0
    services.response_submit(user=trainee, response=response)
    services.answer_feedback_add(
        trainer=trainer, response=response, key=shared, text="Can you give an example?", parts=parts
    )
    services.response_review(
        trainer=trainer, response=response, decision="returned", feedback="Nearly there."
    )
    html = as_user(trainee).get(url("fill", enrolment, worksheet)).content.decode()
    assert "Given back to you" in html
    assert "Comments from your trainer" in html
    assert "Nearly there." in html
    assert "Can you give an example?" in html
    assert 'id="worksheet-form"' in html
    comment = re.search(r'id="(answer-\d+)-comments"', html)
    assert f'aria-describedby="part-2-col-0-hint {comment.group(1)}-comments"' in html


def test_an_accepted_worksheet_says_it_is_finished(
    as_user, trainee, trainer, enrolment, worksheet, programme
):
    response = saved(trainee, enrolment, worksheet, {keys(worksheet, programme)[1]: "Done"}, 0)
    services.response_submit(user=trainee, response=response)
    services.response_review(trainer=trainer, response=response, decision="accepted")
    html = as_user(trainee).get(url("fill", enrolment, worksheet)).content.decode()
    assert "Your trainer has accepted this worksheet" in html
    assert 'id="worksheet-form"' not in html


# --- saving without JavaScript -------------------------------------------------------------------


def test_a_form_post_without_javascript_saves_the_answers(
    as_user, trainee, enrolment, worksheet, programme
):
    private, cell, *_rest = keys(worksheet, programme)
    judgement = next(k for k in keys(worksheet, programme) if k.endswith(":judgement"))
    client = as_user(trainee)
    reply = client.post(
        url("save", enrolment, worksheet),
        {private: "Line one\r\nLine two", cell: "", judgement: "Yes", "base_version": "0"},
        follow=True,
    )
    assert reply.redirect_chain == [(url("fill", enrolment, worksheet), 302)]
    assert "Your answers are saved." in reply.content.decode()
    response = WorksheetResponse.objects.get()
    # Browsers send line ends as \r\n; stored answers use \n like the autosave does.
    assert response.answers == {private: "Line one\nLine two", judgement: "Yes"}
    assert response.version == 1
    assert ResponseVersion.objects.get().device == "form"


def test_a_form_post_saves_only_what_was_changed_on_the_page(
    as_user, trainee, enrolment, worksheet, programme
):
    private, cell, *_rest = keys(worksheet, programme)
    saved(trainee, enrolment, worksheet, {private: "First", cell: "Listen"}, 0)
    # Another device changes the table cell after this page was loaded at version 1.
    saved(trainee, enrolment, worksheet, {cell: "Listen and smile"}, 1)
    reply = as_user(trainee).post(
        url("save", enrolment, worksheet),
        {private: "First, then more", cell: "Listen", "base_version": "1"},
    )
    assert reply.status_code == 302
    response = WorksheetResponse.objects.get()
    assert response.answers == {private: "First, then more", cell: "Listen and smile"}


def test_a_form_post_that_conflicts_keeps_the_typed_text_and_shows_the_other(
    as_user, trainee, enrolment, worksheet, programme
):
    private = keys(worksheet, programme)[0]
    saved(trainee, enrolment, worksheet, {private: "Start"}, 0)
    saved(trainee, enrolment, worksheet, {private: "Written on the phone"}, 1)
    reply = as_user(trainee).post(
        url("save", enrolment, worksheet), {private: "Written on the laptop", "base_version": "1"}
    )
    assert reply.status_code == 409
    html = reply.content.decode()
    assert "Some answers were also changed on another device." in html
    assert re.search(r"<textarea[^>]*>\s*Written on the laptop</textarea>", html)
    assert "Written on the phone" in html
    # Saving the page again keeps what is in the box.
    assert 'name="base_version" value="2"' in html
    assert WorksheetResponse.objects.get().answers == {private: "Written on the phone"}


def test_a_too_long_form_post_keeps_the_text_and_explains(
    as_user, trainee, enrolment, worksheet, programme
):
    private = keys(worksheet, programme)[0]
    text = "word " * (ANSWER_MAX_LENGTH // 4)
    reply = as_user(trainee).post(
        url("save", enrolment, worksheet), {private: text, "base_version": "0"}
    )
    assert reply.status_code == 400
    html = reply.content.decode()
    assert f"longer than {ANSWER_MAX_LENGTH} characters" in html
    assert text.strip() in html
    assert not WorksheetResponse.objects.exists()


# --- handing in ----------------------------------------------------------------------------------


def test_handing_in_locks_the_worksheet_and_says_so(
    as_user, trainee, enrolment, worksheet, programme
):
    saved(trainee, enrolment, worksheet, {keys(worksheet, programme)[0]: "All done"}, 0)
    reply = as_user(trainee).post(url("submit", enrolment, worksheet), follow=True)
    assert reply.redirect_chain == [(url("fill", enrolment, worksheet), 302)]
    html = reply.content.decode()
    assert "You have handed in “Everything at once”" in html
    assert "You handed in this worksheet on" in html
    response = WorksheetResponse.objects.get()
    assert response.status == WorksheetResponse.Status.SUBMITTED
    assert response.submitted_at is not None


def test_handing_in_twice_is_refused_with_a_message(
    as_user, trainee, enrolment, worksheet, programme
):
    saved(trainee, enrolment, worksheet, {keys(worksheet, programme)[0]: "All done"}, 0)
    client = as_user(trainee)
    client.post(url("submit", enrolment, worksheet))
    first = WorksheetResponse.objects.get().submitted_at
    reply = client.post(url("submit", enrolment, worksheet), follow=True)
    assert "You have already handed in this worksheet." in reply.content.decode()
    assert WorksheetResponse.objects.get().submitted_at == first


def test_an_empty_worksheet_cannot_be_handed_in(as_user, trainee, enrolment, worksheet):
    reply = as_user(trainee).post(url("submit", enrolment, worksheet), follow=True)
    assert "Write at least one answer before you hand it in." in reply.content.decode()
    assert not WorksheetResponse.objects.filter(status="submitted").exists()


def test_handing_in_without_javascript_saves_the_last_text_first(
    as_user, trainee, enrolment, worksheet, programme
):
    private = keys(worksheet, programme)[0]
    saved(trainee, enrolment, worksheet, {private: "Draft"}, 0)
    reply = as_user(trainee).post(
        url("submit", enrolment, worksheet),
        {private: "Final words", "base_version": "1", "hand_in": "1"},
    )
    assert reply.status_code == 302
    response = WorksheetResponse.objects.get()
    assert response.answers == {private: "Final words"}
    assert response.status == WorksheetResponse.Status.SUBMITTED


def test_submitting_needs_a_post(as_user, trainee, enrolment, worksheet):
    assert as_user(trainee).get(url("submit", enrolment, worksheet)).status_code == 405


# --- what is due ---------------------------------------------------------------------------------


@pytest.fixture
def five_worksheets(programme, trainee, trainer, enrolment):
    """Five worksheets in two sessions, one in each state a trainee can meet."""
    sheets = [
        worksheet_with_parts(title, part("reflection", "trainer"))
        for title in ("Alpha", "Bravo", "Charlie", "Delta", "Echo")
    ]
    make_session(programme, 2, activities=[activity(worksheet=w) for w in sheets[:3]])
    make_session(programme, 3, activities=[activity(worksheet=w) for w in sheets[3:]])
    key = {w.title: keys(w, programme)[0] for w in sheets}
    saved(trainee, enrolment, sheets[1], {key["Bravo"]: "Begun"}, 0)
    for sheet, decision in ((sheets[2], None), (sheets[3], "returned"), (sheets[4], "accepted")):
        response = saved(trainee, enrolment, sheet, {key[sheet.title]: "Done"}, 0)
        services.response_submit(user=trainee, response=response)
        if decision:
            services.response_review(trainer=trainer, response=response, decision=decision)
    return sheets


def test_the_home_page_lists_the_worksheets_due_with_their_status(
    as_user, trainee, enrolment, five_worksheets
):
    html = as_user(trainee).get("/").content.decode()
    assert "What is next for me" in html
    assert "Worksheets for Kent, spring" in html
    for title, status in [
        ("Alpha", "Not started"),
        ("Bravo", "Started, not handed in yet"),
        ("Charlie", "Handed in"),
        ("Delta", "Given back to you"),
        ("Echo", "Accepted"),
    ]:
        sheet = next(w for w in five_worksheets if w.title == title)
        link = f'<a href="{url("fill", enrolment, sheet)}">{title}</a>'
        assert re.search(re.escape(link) + r'\s*<span class="ws-status[^"]*">' + status, html)
    # In teaching order, session by session, with the programme's sessions still below.
    assert html.index("Alpha") < html.index("Charlie") < html.index("Delta")
    assert "Session 3: Session 3" in html
    assert html.index("What is next for me") < html.index("2 sessions")


def test_the_home_page_leaves_out_groups_the_trainee_has_left(
    as_user, trainee, enrolment, five_worksheets
):
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    html = as_user(trainee).get("/").content.decode()
    assert "Worksheets for Kent, spring" not in html
    assert "Your trainer will tell you the date of your next session." in html
    # The list of all their worksheets still offers what they wrote.
    html = as_user(trainee).get(reverse("worksheets:mine")).content.decode()
    assert "Worksheets for Kent, spring" in html
    assert "You are no longer taking part in this group" in html


def test_my_worksheets_lists_every_worksheet_with_a_link_to_fill_it(
    as_user, trainee, enrolment, five_worksheets
):
    html = as_user(trainee).get(reverse("worksheets:mine")).content.decode()
    assert url("fill", enrolment, five_worksheets[0]) in html
    assert "Handed in" in html
    assert reverse("worksheets:portfolio") in html


def test_a_worksheet_without_online_parts_is_shown_as_on_paper(
    as_user, trainee, programme, enrolment
):
    paper = worksheet_with_parts("Only on paper")
    make_session(programme, 4, activities=[activity(worksheet=paper)])
    html = as_user(trainee).get("/").content.decode()
    assert re.search(r"Only on paper</a>\s*<span[^>]*>On paper, in the session", html)


# --- PDFs ----------------------------------------------------------------------------------------


def test_the_trainee_downloads_their_worksheet_as_a_pdf(
    as_user, trainee, enrolment, worksheet, programme
):
    saved(trainee, enrolment, worksheet, {keys(worksheet, programme)[0]: "My aunt Rosa"}, 0)
    reply = as_user(trainee).get(url("response_pdf", enrolment, worksheet))
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Cache-Control"] == "private, no-store"
    assert reply.content.startswith(b"%PDF")


def test_the_portfolio_holds_only_the_trainees_own_worksheets(
    as_user, trainee, other_trainee, cohort, enrolment, worksheet, programme
):
    pypdf = pytest.importorskip("pypdf")
    import io

    private = keys(worksheet, programme)[0]
    saved(trainee, enrolment, worksheet, {private: "Rosa taught me patience"}, 0)
    theirs = Enrolment.objects.get(cohort=cohort, trainee=other_trainee)
    saved(other_trainee, theirs, worksheet, {private: "Somebody else entirely"}, 0)
    reply = as_user(trainee).get(reverse("worksheets:portfolio"))
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(reply.content)).pages)
    assert "Rosa taught me patience" in text
    assert "Somebody else entirely" not in text


# --- query counts --------------------------------------------------------------------------------


def count_queries(client, target, django_assert_max_num_queries, limit=25):
    with django_assert_max_num_queries(limit) as captured:
        reply = client.get(target)
    assert reply.status_code == 200
    return len(captured.captured_queries)


def enrol_many(cohort, count):
    for _ in range(count):
        Enrolment.objects.create(cohort=cohort, trainee=UserFactory(roles=[Role.TRAINEE]))


def test_the_fill_page_costs_the_same_however_many_trainees_and_answers(
    as_user,
    trainee,
    cohort,
    enrolment,
    worksheet,
    programme,
    trainer,
    django_assert_max_num_queries,
):
    all_keys = keys(worksheet, programme)
    saved(trainee, enrolment, worksheet, {all_keys[0]: "One answer"}, 0)
    client = as_user(trainee)
    target = url("fill", enrolment, worksheet)
    client.get(target)
    small = count_queries(client, target, django_assert_max_num_queries)

    enrol_many(cohort, 8)
    text = {key: "Many words" for key in all_keys if not key.endswith(":judgement")}
    response = saved(trainee, enrolment, worksheet, text)
    parts = worksheet.layout(programme=programme)
    for key in all_keys[1:4]:
        services.answer_feedback_add(
            trainer=trainer, response=response, key=key, text="Good", parts=parts
        )
    large = count_queries(client, target, django_assert_max_num_queries)
    assert large == small


def test_the_trainee_home_costs_the_same_however_many_trainees_and_worksheets(
    as_user, trainee, cohort, enrolment, programme, django_assert_max_num_queries
):
    first = worksheet_with_parts("First", part("reflection", "trainer"))
    make_session(programme, 1, activities=[activity(worksheet=first)])
    saved(trainee, enrolment, first, {keys(first, programme)[0]: "Yes"}, 0)
    client = as_user(trainee)
    client.get("/")
    # The home includes the H5P partial: +4 at most (enrolments, session plans, activities,
    # results; 3 when the programme has no H5P activity).
    home_limit = 25 + 4
    small = count_queries(client, "/", django_assert_max_num_queries, home_limit)

    enrol_many(cohort, 8)
    more = [worksheet_with_parts(f"More {n}", part("reflection", "trainer")) for n in range(6)]
    make_session(programme, 2, activities=[activity(minutes=10, worksheet=w) for w in more])
    for sheet in more:
        saved(trainee, enrolment, sheet, {keys(sheet, programme)[0]: "Yes"}, 0)
    large = count_queries(client, "/", django_assert_max_num_queries, home_limit)
    assert large == small
    assert "More 5" in client.get("/").content.decode()


def test_a_second_cohort_elsewhere_does_not_show_on_the_home_page(
    as_user, trainee, cohort, programme, other_organisation
):
    sheet = worksheet_with_parts("Shared sheet", part("reflection", "trainer"))
    make_session(programme, 1, activities=[activity(worksheet=sheet)])
    make_cohort(programme, other_organisation, trainees=[], name="Somewhere else")
    html = as_user(trainee).get("/").content.decode()
    assert "Worksheets for Kent, spring" in html
    assert "Somewhere else" not in html
