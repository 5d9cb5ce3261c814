"""Evaluation pages: the trainee's consent, questionnaire and own answers; who may read
what (trainers and managers never see answers one by one); reports, CSV and query counts."""

import csv
import io
import time

import pytest
from django.urls import reverse

from assessments import evaluation as ev
from assessments.models import EvaluationConsent, EvaluationInvitation, EvaluationResponse
from lms.reauth import CONFIRMED_AT
from lms.roles import Role
from tests.assessments.conftest_evaluation import (  # noqa: F401 (fixture)
    Timepoint,
    add_pairs,
    all_answers,
    answer,
    evaluation_signals,
    recovery,
    schedule,
)
from tests.factories import UserFactory, make_cohort
from training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(programme, cohort):
    return schedule(programme, recovery())


@pytest.fixture
def pre(plan, trainee):
    return EvaluationInvitation.objects.get(enrolment__trainee=trainee, timepoint=Timepoint.PRE)


def fill_url(invitation):
    return reverse("assessments:evaluation_fill", args=[invitation.pk])


# --- the trainee ---------------------------------------------------------------------------


def test_the_home_page_says_a_questionnaire_is_waiting_and_asks_consent_first(
    as_user, trainee, pre
):
    client = as_user(trainee)
    html = client.get("/").content.decode()
    assert "A short questionnaire is waiting" in html
    consent_link = f"{reverse('assessments:evaluation_consent')}?next={pre.pk}"
    assert consent_link in html
    assert fill_url(pre) not in html

    # Going straight to the questionnaire leads to the consent page.
    response = client.get(fill_url(pre))
    assert response.status_code == 302 and response["Location"] == consent_link
    page = client.get(consent_link).content.decode()
    assert "Who reads your answers:" in page and "It is your choice:" in page
    assert "Your trainer and the people who run your group do not see them" in page

    response = client.post(
        reverse("assessments:evaluation_consent"), {"choice": "yes", "next": pre.pk}
    )
    assert response.status_code == 302 and response["Location"] == fill_url(pre)
    consent = EvaluationConsent.objects.get(user=trainee)
    assert consent.statement == str(ev.CONSENT_STATEMENT)
    assert fill_url(pre) in client.get("/").content.decode()


def test_saying_no_stops_the_questions(as_user, trainee, pre):
    client = as_user(trainee)
    client.post(reverse("assessments:evaluation_consent"), {"choice": "no"})
    assert ev.consent_state(trainee) == ev.WITHDRAWN
    assert "A short questionnaire is waiting" not in client.get("/").content.decode()


def test_filling_in_the_questionnaire(as_user, trainee, pre, plan):
    ev.give_consent(trainee)
    client = as_user(trainee)
    html = client.get(fill_url(pre)).content.decode()
    assert "I believe my life can get better." in html
    assert html.count('type="radio"') == 12 * 5
    assert 'aria-label="1: Strongly disagree"' in html
    assert "1 means “Strongly disagree”, 5 means “Strongly agree”." in html

    # One answer missing: the page comes back with the choices kept and nothing stored.
    data = all_answers(plan.instrument, "4")
    del data["citizenship_2"]
    response = client.post(fill_url(pre), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "One question has no answer yet. Nothing was saved." in page
    assert 'id="citizenship_2-error"' in page
    assert 'id="hope_1-4" name="hope_1" value="4" checked' in page
    assert not EvaluationResponse.objects.exists()

    data["citizenship_2"] = "5"
    response = client.post(fill_url(pre), data)
    assert response["Location"] == reverse("assessments:evaluation_thanks", args=[pre.pk])
    stored = EvaluationResponse.objects.get()
    assert stored.answers["citizenship_2"] == 5 and stored.answers["hope_1"] == 4

    # A second post (back button, second tab) keeps the first answers.
    data = all_answers(plan.instrument, "1")
    response = client.post(fill_url(pre), data, follow=True)
    assert "You have already answered this questionnaire" in response.content.decode()
    assert EvaluationResponse.objects.get().answers["hope_1"] == 4

    mine = client.get(reverse("assessments:evaluation_mine")).content.decode()
    assert "I believe my life can get better." in mine
    assert "I no longer want to take part" in mine


def test_withdrawing_from_my_answers_page(as_user, trainee, pre, plan):
    enrolment = pre.enrolment
    answer(enrolment, plan, Timepoint.PRE, 3)
    client = as_user(trainee)
    assert client.get(reverse("assessments:evaluation_withdraw")).status_code == 200
    client.post(reverse("assessments:evaluation_withdraw"))
    assert ev.consent_state(trainee) == ev.WITHDRAWN
    mine = client.get(reverse("assessments:evaluation_mine")).content.decode()
    assert "You do not take part at the moment" in mine
    # Still readable to the trainee themself.
    assert "I believe my life can get better." in mine


def test_a_trainee_cannot_open_someone_elses_questionnaire(as_user, other_trainee, pre):
    ev.give_consent(other_trainee)
    client = as_user(other_trainee)
    assert client.get(fill_url(pre)).status_code == 404
    assert client.post(fill_url(pre), all_answers(recovery(), "3")).status_code == 404
    thanks = reverse("assessments:evaluation_thanks", args=[pre.pk])
    assert client.get(thanks).status_code == 404
    assert not EvaluationResponse.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, pre):
    for url in (
        fill_url(pre),
        reverse("assessments:evaluation_consent"),
        reverse("assessments:evaluation_mine"),
        reverse("assessments:evaluation_reports"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_posts_need_the_csrf_token(trainee, pre):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    response = client.post(reverse("assessments:evaluation_consent"), {"choice": "yes"})
    assert response.status_code == 403
    assert not EvaluationConsent.objects.exists()


# --- who reads what ------------------------------------------------------------------------


@pytest.fixture
def answered(cohort, plan):
    """Six pairs in the Kent cohort: enough to show."""
    return add_pairs(cohort, plan, 6, before=2, after=4)


def report_url(programme, **query):
    url = reverse("assessments:evaluation_report", args=[programme.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def password_confirmed(client):
    """As if the person had just typed their password again (``lms.reauth``)."""
    session = client.session
    session[CONFIRMED_AT] = time.time()
    session.save()
    return client


def test_the_evaluation_lead_sees_paired_change_and_pseudonyms(
    as_user, evaluation_lead, programme, cohort, answered
):
    client = password_confirmed(as_user(evaluation_lead))
    html = client.get(report_url(programme)).content.decode()
    assert "Before and after: My recovery" in html
    assert ev.pseudonym(answered[0].pk) in html
    assert "+2.0" in html or "+2" in html
    assert "<svg" in html and "before 2" in html and "after 4" in html
    # People appear by code only, never by name.
    assert answered[0].trainee.username not in html
    # The whole name: a short surname such as "Tran" also occurs inside ordinary words.
    assert answered[0].trainee.get_full_name() not in html

    home = client.get("/").content.decode()
    assert report_url(programme) in home


def test_the_csv_holds_pseudonymised_pairs(as_user, evaluation_lead, programme, answered):
    client = password_confirmed(as_user(evaluation_lead))
    response = client.get(reverse("assessments:evaluation_csv", args=[programme.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["pseudonym", "organisation", "cohort", "questionnaire"]
    assert "hope before" in rows[0] and "hope_1 after" in rows[0]
    assert len(rows) == 7
    assert {row[0] for row in rows[1:]} == {ev.pseudonym(e.pk) for e in answered}
    body = response.content.decode()
    assert all(e.trainee.username not in body for e in answered)
    change = rows[0].index("total change")
    # Reversed items move the other way: 2.33 before, 3.67 after.
    assert {row[change] for row in rows[1:]} == {"1.34"}


@pytest.mark.parametrize("persona", ["trainer", "manager", "trainee", "other_org_trainer"])
def test_only_evaluation_leads_read_pairs(request, as_user, persona, programme, answered):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(report_url(programme)).status_code == 403
    assert client.get(reverse("assessments:evaluation_csv", args=[programme.pk])).status_code == 403
    assert client.get(reverse("assessments:evaluation_reports")).status_code == 403


def test_a_superuser_gets_no_pairs_only_aggregates(client, programme, answered):
    """The README's rule: the evaluation lead is the only role besides the trainee that reads
    answers one by one. Running the site is not a reason to read them."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    password_confirmed(client)
    csv_url = reverse("assessments:evaluation_csv", args=[programme.pk])
    response = client.get(csv_url)
    assert response.status_code == 403
    assert ev.pseudonym(answered[0].pk) not in response.content.decode()
    assert client.get(report_url(programme)).status_code == 403
    summary = client.get(reverse("assessments:evaluation_summary", args=[programme.pk]))
    assert summary.status_code == 200
    assert ev.pseudonym(answered[0].pk) not in summary.content.decode()


def test_the_lead_types_their_password_again_before_reading_pairs(
    client, evaluation_lead, programme, answered
):
    evaluation_lead.set_password("a-long-lead-password")
    evaluation_lead.save()
    client.force_login(evaluation_lead)
    csv_url = reverse("assessments:evaluation_csv", args=[programme.pk])

    asked = client.get(csv_url)
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("confirm_password"))
    form = client.get(asked["Location"])
    assert "type your password again" in form.content.decode()

    wrong = client.post(asked["Location"], {"password": "not-it", "next": csv_url})
    assert wrong.status_code == 400
    assert client.get(csv_url).status_code == 302

    right = client.post(asked["Location"], {"password": "a-long-lead-password", "next": csv_url})
    assert right.status_code == 302 and right["Location"] == csv_url
    response = client.get(csv_url)
    assert response.status_code == 200
    assert ev.pseudonym(answered[0].pk) in response.content.decode("utf-8-sig")


def test_the_password_check_expires(client, evaluation_lead, programme, answered, settings):
    client.force_login(evaluation_lead)
    session = client.session
    session[CONFIRMED_AT] = time.time() - settings.REAUTH_MINUTES * 60 - 5
    session.save()
    assert client.get(report_url(programme)).status_code == 302


def test_the_password_check_never_sends_anyone_elsewhere(client, evaluation_lead):
    evaluation_lead.set_password("a-long-lead-password")
    evaluation_lead.save()
    client.force_login(evaluation_lead)
    response = client.post(
        reverse("confirm_password"),
        {"password": "a-long-lead-password", "next": "https://elsewhere.example/steal"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_evaluation_lead_of_another_organisation_sees_nothing_of_kent(
    as_user, other_organisation, programme, answered, other_cohort
):
    outsider = UserFactory(roles=[Role.EVALUATION_LEAD], organisation=other_organisation)
    client = as_user(outsider)
    response = client.get(report_url(programme))
    # The programme runs there too, but with nobody who answered: no Kent pair shows.
    html = response.content.decode()
    assert ev.pseudonym(answered[0].pk) not in html
    assert "Kent, spring" not in html


@pytest.mark.parametrize("persona", ["trainer", "manager"])
def test_trainers_and_managers_see_aggregates_only(
    request, as_user, persona, programme, cohort, organisation, plan, answered
):
    small = make_cohort(programme, organisation, name="Tiny group")
    from training.models import CohortTrainer

    CohortTrainer.objects.create(cohort=small, user=request.getfixturevalue("trainer"))
    add_pairs(small, plan, 3, prefix="tiny")
    client = as_user(request.getfixturevalue(persona))
    url = reverse("assessments:evaluation_summary", args=[programme.pk])
    html = client.get(url).content.decode()
    assert "Averages before and after" in html
    assert "Too few to show" in html  # the tiny group
    assert "Pairs, by code" not in html
    assert ev.pseudonym(answered[0].pk) not in html
    assert "pairs.csv" not in html
    # The cohort page shows counts only.
    cohort_page = client.get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    assert "Evaluation questionnaires" in cohort_page
    assert "6 of 8" in cohort_page  # 6 answered of 8 enrolled (trainee and other_trainee too)


def test_a_trainee_cannot_read_aggregates(as_user, trainee, programme, answered):
    client = as_user(trainee)
    url = reverse("assessments:evaluation_summary", args=[programme.pk])
    assert client.get(url).status_code == 403


def test_the_summary_of_a_trainer_leaves_out_other_cohorts(
    as_user, other_org_trainer, programme, other_cohort, answered
):
    client = as_user(other_org_trainer)
    html = client.get(reverse("assessments:evaluation_summary", args=[programme.pk])).content
    assert b"Kent, spring" not in html
    assert b"Lille, spring" in html


# --- query counts --------------------------------------------------------------------------


def count(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["report", "summary", "csv", "home", "cohort"])
def test_report_pages_cost_the_same_for_3_and_30_pairs(
    page, as_user, evaluation_lead, manager, programme, cohort, plan, django_assert_max_num_queries
):
    viewer = manager if page in ("summary", "cohort") else evaluation_lead
    client = password_confirmed(as_user(viewer))
    urls = {
        "report": report_url(programme),
        "summary": reverse("assessments:evaluation_summary", args=[programme.pk]),
        "csv": reverse("assessments:evaluation_csv", args=[programme.pk]),
        "home": "/",
        "cohort": reverse("training:cohort", args=[cohort.pk]),
    }
    limit = 40 if page == "cohort" else 20
    add_pairs(cohort, plan, 3, prefix="small")
    small = count(client, urls[page], django_assert_max_num_queries, limit)
    add_pairs(cohort, plan, 27, prefix="large")
    add_pairs(make_cohort(programme, cohort.organisation, name="Second"), plan, 5, prefix="x")
    large = count(client, urls[page], django_assert_max_num_queries, limit)
    assert large <= small, (small, large)


@pytest.mark.parametrize("page", ["fill", "mine"])
def test_trainee_pages_cost_the_same_however_many_answers(
    page, as_user, trainee, plan, pre, django_assert_max_num_queries
):
    ev.give_consent(trainee)
    client = as_user(trainee)
    url = fill_url(pre) if page == "fill" else reverse("assessments:evaluation_mine")
    if page == "mine":
        answer(pre.enrolment, plan, Timepoint.PRE, 3)
    small = count(client, url, django_assert_max_num_queries, 15)
    if page == "mine":
        post = EvaluationInvitation.objects.create(
            enrolment=pre.enrolment, schedule=plan, timepoint=Timepoint.POST, opens_at=pre.opens_at
        )
        ev.submit(post, trainee, all_answers(plan.instrument, 4))
    large = count(client, url, django_assert_max_num_queries, 15)
    assert large == small


def test_the_trainee_home_adds_at_most_two_queries(
    as_user, trainee, cohort, django_assert_max_num_queries, programme
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(trainee)
    with CaptureQueriesContext(connection) as without:
        client.get("/")
    schedule(programme, recovery())
    with CaptureQueriesContext(connection) as waiting:
        html = client.get("/").content.decode()
    assert "A short questionnaire is waiting" in html
    assert len(waiting.captured_queries) <= len(without.captured_queries) + 1
    Enrolment.objects.filter(trainee=trainee).update(status=Enrolment.Status.WITHDRAWN)
    assert "questionnaire is waiting" not in client.get("/").content.decode()
