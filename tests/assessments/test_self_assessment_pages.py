"""The trainee's self-assessment page, the trainer's counts, the home and cohort parts, the
admin and the demo."""

# Fixtures are imported from conftest_self_assessment by name, so pytest finds them.
# ruff: noqa: F811

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import demo_self_assessment
from assessments import self_assessment as services
from assessments.models import SelfAssessment, SelfRating
from assessments.views.self_assessment import i_can, self_assessments_to_do
from tests.factories import make_programme, make_scheduled_session, make_session
from training.models import CompletionRule, Enrolment

from .conftest_self_assessment import (  # noqa: F401
    answers,
    enrol_many,
    enrolment,
    form_data,
    other_enrolment,
    outcome_ids,
    plan,
    sa,
    started,
    upcoming,
)

pytestmark = pytest.mark.django_db


def page_url(enrolment, plan):
    return reverse("assessments:self_assessment", args=[enrolment.pk, plan.pk])


def cohort_url(cohort, plan, people=False):
    name = "self_assessment_people" if people else "self_assessment_cohort"
    return reverse(f"assessments:{name}", args=[cohort.pk, plan.pk])


def rate(enrolment, sa, plan, before, after=None):
    services.record_ratings(
        enrolment=enrolment,
        self_assessment=sa,
        phase="before",
        values=answers(plan, *before),
        user=enrolment.trainee,
    )
    if after:
        services.record_ratings(
            enrolment=enrolment,
            self_assessment=sa,
            phase="after",
            values=answers(plan, *after),
            user=enrolment.trainee,
        )


def radios(html):
    return re.findall(r'<input type="radio" name="(outcome-\d+)" value="(\d)"( checked)?', html)


# --- the trainee's page -----------------------------------------------------------------------


def test_i_can_reads_as_one_sentence():
    assert i_can("Define the role") == "define the role"
    assert i_can("ATL terms") == "ATL terms"
    assert i_can("") == ""


def test_the_page_needs_a_login(client, enrolment, sa, plan):
    response = client.get(page_url(enrolment, plan))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_trainees_page_is_not_found(as_user, other_trainee, enrolment, sa, plan):
    client = as_user(other_trainee)
    assert client.get(page_url(enrolment, plan)).status_code == 404
    response = client.post(page_url(enrolment, plan), form_data(plan, "before", 1, 1, 1))
    assert response.status_code == 404
    assert not SelfRating.objects.exists()


def test_a_session_without_self_assessment_or_of_another_programme_is_not_found(
    as_user, trainee, enrolment, plan
):
    client = as_user(trainee)
    assert client.get(page_url(enrolment, plan)).status_code == 404
    elsewhere = make_session(make_programme("Cooking"), number=1, outcomes=("Cook rice",))
    SelfAssessment.objects.create(session_plan=elsewhere)
    assert client.get(page_url(enrolment, elsewhere)).status_code == 404


def test_the_before_form_asks_every_outcome_with_five_worded_answers(
    as_user, trainee, enrolment, sa, plan, upcoming
):
    html = as_user(trainee).get(page_url(enrolment, plan)).content.decode()
    assert "Before session 1: how sure do you feel?" in html
    assert "Tell us how sure." in html
    assert 'name="phase" value="before"' in html
    assert html.count('class="sa-i-can">I can</span> define the role of a peer supporter') == 1
    assert "name three responsibilities of a peer supporter" in html
    found = radios(html)
    assert len(found) == 15 and not any(checked for _n, _v, checked in found)
    for label in ("Not yet", "A little", "Partly", "Mostly", "Fully"):
        assert html.count(f"</span> {label}</span>") == 3
    assert "csrfmiddlewaretoken" in html


def test_before_is_saved_then_the_trainee_waits_for_the_session(
    as_user, trainee, enrolment, sa, plan, upcoming
):
    client = as_user(trainee)
    response = client.post(page_url(enrolment, plan), form_data(plan, "before", 1, 2, 3))
    assert response.status_code == 302 and response["Location"] == page_url(enrolment, plan)
    assert SelfRating.objects.filter(enrolment=enrolment, phase="before").count() == 3
    html = client.get(page_url(enrolment, plan)).content.decode()
    assert "Your answers are saved" in html or "your answers are saved" in html
    assert "At the end of the session you will answer the same sentences again" in html
    assert "Not yet (1 of 5)" in html and "Partly (3 of 5)" in html
    # "Before" may still be changed, and the form shows what was chosen.
    html = client.get(page_url(enrolment, plan) + "?phase=before").content.decode()
    assert [(n, v) for n, v, checked in radios(html) if checked] == [
        (f"outcome-{pk}", str(v)) for pk, v in zip(outcome_ids(plan), (1, 2, 3), strict=True)
    ]
    # "After" is not offered before the session starts.
    html = client.get(page_url(enrolment, plan) + "?phase=after").content.decode()
    assert 'value="after"' not in html


def test_after_is_asked_once_the_session_started_and_shows_the_change(
    as_user, trainee, enrolment, sa, plan, started
):
    client = as_user(trainee)
    client.post(page_url(enrolment, plan), form_data(plan, "before", 1, 4, 3))
    # Straight after "before", the trainee is thanked, not sent on to "after".
    html = client.get(page_url(enrolment, plan)).content.decode()
    assert "At the end of the session, answer the same sentences again" in html
    assert 'type="radio"' not in html
    assert f'href="{page_url(enrolment, plan)}?phase=after"' in html
    html = client.get(page_url(enrolment, plan) + "?phase=after").content.decode()
    assert "After session 1: how sure do you feel now?" in html
    # "After" starts empty rather than copying "before".
    assert not any(checked for _n, _v, checked in radios(html))
    response = client.post(page_url(enrolment, plan), form_data(plan, "after", 3, 3, 3))
    assert response.status_code == 302
    html = client.get(page_url(enrolment, plan)).content.decode()
    assert "Your change in session 1" in html
    assert "Up 2 steps" in html and "Down 1 step" in html and "The same as before" in html
    assert "Not yet (1 of 5)" in html and "Partly (3 of 5)" in html
    # Before is closed now; after may still be corrected.
    assert "Change my answers before the session" not in html
    assert "Change my answers after the session" in html


def test_a_bad_answer_is_refused_and_the_chosen_answers_stay(
    as_user, trainee, enrolment, sa, plan, upcoming
):
    client = as_user(trainee)
    data = form_data(plan, "before", 2, 9, 4)
    response = client.post(page_url(enrolment, plan), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose one of the five answers" in html and 'role="alert"' in html
    checked = [(n, v) for n, v, c in radios(html) if c]
    ids = outcome_ids(plan)
    assert checked == [(f"outcome-{ids[0]}", "2"), (f"outcome-{ids[2]}", "4")]
    assert not SelfRating.objects.exists()

    response = client.post(page_url(enrolment, plan), form_data(plan, "before", 2, 3))
    assert response.status_code == 400
    assert "Choose an answer for every statement" in response.content.decode()
    assert not SelfRating.objects.exists()


def test_after_sent_too_early_is_refused_with_a_message(
    as_user, trainee, enrolment, sa, plan, upcoming
):
    client = as_user(trainee)
    client.post(page_url(enrolment, plan), form_data(plan, "before", 1, 1, 1))
    response = client.post(page_url(enrolment, plan), form_data(plan, "after", 5, 5, 5))
    assert response.status_code == 400
    assert "once it has started" in response.content.decode()
    assert not SelfRating.objects.filter(phase="after").exists()


def test_posting_without_the_csrf_token_is_refused(trainee, enrolment, sa, plan, upcoming):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    response = client.post(page_url(enrolment, plan), form_data(plan, "before", 1, 1, 1))
    assert response.status_code == 403
    assert not SelfRating.objects.exists()


def test_a_trainee_who_left_reads_but_cannot_answer(as_user, trainee, enrolment, sa, plan):
    rate(enrolment, sa, plan, (2, 2, 2))
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    client = as_user(trainee)
    html = client.get(page_url(enrolment, plan)).content.decode()
    assert "A little (2 of 5)" in html and 'type="radio"' not in html
    response = client.post(page_url(enrolment, plan), form_data(plan, "before", 5, 5, 5))
    assert response.status_code == 400
    assert set(SelfRating.objects.values_list("value", flat=True)) == {2}


def test_the_trainee_page_costs_the_same_for_3_and_30_trainees(
    as_user, trainee, cohort, enrolment, sa, plan, started, django_assert_max_num_queries
):
    rate(enrolment, sa, plan, (1, 2, 3), (2, 3, 4))
    client = as_user(trainee)
    url = page_url(enrolment, plan)

    def count():
        with django_assert_max_num_queries(14) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    small = count()
    for other in enrol_many(cohort, 27):
        rate(other, sa, plan, (1, 1, 1), (5, 5, 5))
    assert count() == small


# --- the trainer's pages ----------------------------------------------------------------------


def test_the_trainer_sees_counts_without_names(
    as_user, trainer, cohort, enrolment, other_enrolment, sa, plan, started
):
    rate(enrolment, sa, plan, (1, 2, 3), (3, 3, 4))
    rate(other_enrolment, sa, plan, (1, 4, 3))
    html = as_user(trainer).get(cohort_url(cohort, plan)).content.decode()
    assert "2 answered before, 1 after" in html
    assert "define the role of a peer supporter" in html
    first = html.split("<table")[1].split("</table>")[0]
    cells = re.findall(r'<span class="sa-count">(\d+)</span>', first)
    # Rows per scale point, before then after: Not yet 2/0, A little 0/0, Partly 0/1...
    assert cells[:6] == ["2", "0", "0", "0", "0", "1"]
    assert "Middle answer (median)" in html
    for e in (enrolment, other_enrolment):
        assert e.trainee.get_full_name() not in html
        # Whole words: a surname such as "Chang" is also the start of "Change".
        assert not re.search(rf"\b{re.escape(e.trainee.last_name)}\b", html)
    assert "See each trainee&#x27;s answers" in html or "See each trainee's answers" in html


def test_the_cohorts_trainers_may_see_each_trainee(
    as_user, co_trainer, cohort, enrolment, other_enrolment, sa, plan, started
):
    rate(enrolment, sa, plan, (1, 2, 3), (3, 3, 4))
    html = as_user(co_trainer).get(cohort_url(cohort, plan, people=True)).content.decode()
    assert enrolment.trainee.get_full_name() in html
    assert "1 → 3" in html and "(+2)" in html
    assert other_enrolment.trainee.get_full_name() in html and "no answer" in html


def test_a_manager_sees_counts_but_not_names(as_user, manager, cohort, sa, plan):
    client = as_user(manager)
    html = client.get(cohort_url(cohort, plan)).content.decode()
    assert "answered before" in html
    assert "See each trainee" not in html
    assert client.get(cohort_url(cohort, plan, people=True)).status_code == 403


@pytest.mark.parametrize("who", ["other_org_trainer", "trainee", "editor"])
def test_people_outside_the_group_are_refused(request, as_user, cohort, sa, plan, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(cohort_url(cohort, plan)).status_code == 403
    assert client.get(cohort_url(cohort, plan, people=True)).status_code == 403


def test_a_plan_without_self_assessment_is_not_found(as_user, trainer, cohort, plan):
    assert as_user(trainer).get(cohort_url(cohort, plan)).status_code == 404


def test_the_trainer_pages_cost_the_same_for_3_and_30_trainees(
    as_user, trainer, cohort, sa, plan, started, django_assert_max_num_queries
):
    client = as_user(trainer)

    def count(url):
        with django_assert_max_num_queries(16) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    for e in [*cohort.enrolments.all(), *enrol_many(cohort, 1)]:
        rate(e, sa, plan, (1, 2, 3), (4, 4, 4))
    small = (count(cohort_url(cohort, plan)), count(cohort_url(cohort, plan, people=True)))
    for e in enrol_many(cohort, 27):
        rate(e, sa, plan, (2, 2, 2), (3, 3, 3))
    assert cohort.enrolments.count() == 30
    large = (count(cohort_url(cohort, plan)), count(cohort_url(cohort, plan, people=True)))
    assert large == small
    assert "30 answered before, 30 after" in client.get(cohort_url(cohort, plan)).content.decode()


# --- the trainee home and the cohort page -----------------------------------------------------


def test_the_home_lists_before_then_after(as_user, trainee, cohort, enrolment, sa, plan):
    meeting = make_scheduled_session(cohort, plan, days_from_now=2)
    client = as_user(trainee)
    html = client.get("/").content.decode()
    assert "How sure do you feel?" in html
    assert f'href="{page_url(enrolment, plan)}"' in html and "Before session 1" in html

    rate(enrolment, sa, plan, (1, 2, 3))
    assert "How sure do you feel?" not in client.get("/").content.decode()

    meeting.starts_at = timezone.now() - datetime.timedelta(minutes=20)
    meeting.save()
    html = client.get("/").content.decode()
    assert "After session 1" in html
    assert f'href="{page_url(enrolment, plan)}?phase=after"' in html

    services.record_ratings(
        enrolment=enrolment,
        self_assessment=sa,
        phase="after",
        values=answers(plan, 2, 2, 2),
        user=enrolment.trainee,
    )
    assert "How sure do you feel?" not in client.get("/").content.decode()


def test_the_home_offers_only_the_next_session_ahead(programme, trainee, cohort, enrolment, sa):
    later = make_session(programme, number=2, outcomes=("Listen",))
    SelfAssessment.objects.create(session_plan=later)
    make_scheduled_session(cohort, sa.session_plan, days_from_now=2)
    make_scheduled_session(cohort, later, days_from_now=9)
    todo = self_assessments_to_do(trainee)
    assert [(t.plan.number, t.phase) for t in todo] == [(1, "before")]


def test_the_home_leaves_out_groups_the_trainee_left(trainee, cohort, enrolment, sa, plan):
    make_scheduled_session(cohort, plan, days_from_now=1)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    assert self_assessments_to_do(trainee) == []


def test_the_home_part_costs_the_same_however_many_sessions(
    programme, trainee, cohort, enrolment, sa, plan, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert self_assessments_to_do(trainee) == []
    make_scheduled_session(cohort, plan, days_from_now=-1)
    with django_assert_num_queries(3):
        assert len(self_assessments_to_do(trainee)) == 1
    for number in range(2, 8):
        other = make_session(programme, number=number, outcomes=("A", "B"))
        SelfAssessment.objects.create(session_plan=other)
        make_scheduled_session(cohort, other, days_from_now=-number)
        rate(enrolment, other.self_assessment, other, (1, 1))
    with django_assert_num_queries(3):
        todo = self_assessments_to_do(trainee)
    # In date order: sessions 7 to 2 were longer ago and only have "before".
    expected = [(n, "after") for n in range(7, 1, -1)] + [(1, "before")]
    assert [(t.plan.number, t.phase) for t in todo] == expected
    # Only the trainee's own enrolment, never a fellow trainee's.
    assert {t.enrolment_id for t in todo} == {enrolment.pk}


def test_the_cohort_page_links_to_the_counts(as_user, trainer, cohort, sa, plan):
    from django.template.loader import render_to_string

    from assessments.templatetags.self_assessment_tags import self_assessment_plans

    assert [p.pk for p in self_assessment_plans(cohort)] == [plan.pk]
    html = render_to_string("assessments/cohort/_self_assessment.html", {"cohort": cohort})
    assert f'href="{cohort_url(cohort, plan)}"' in html
    assert "Session 1: What peer support is" in html
    SelfAssessment.objects.all().delete()
    html = render_to_string("assessments/cohort/_self_assessment.html", {"cohort": cohort})
    assert "Self-assessment" not in html


# --- admin ------------------------------------------------------------------------------------


def test_an_editor_turns_it_on_and_sees_the_outcomes(as_user, editor, plan):
    client = as_user(editor)
    add = reverse("wagtailsnippets_assessments_selfassessment:add")
    html = client.get(add).content.decode()
    assert "Save to see the outcomes here" in html
    response = client.post(
        add,
        {
            "session_plan": plan.pk,
            "introduction": "How sure are you?",
            "after": "next",
            "counts_towards_completion": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sa = SelfAssessment.objects.get(session_plan=plan)
    assert sa.after == "next"
    edit = reverse("wagtailsnippets_assessments_selfassessment:edit", args=[sa.pk])
    html = client.get(edit).content.decode()
    assert "<li>Define the role of a peer supporter</li>" in html


def test_the_completion_rule_form_has_the_assessment_fields(as_user, editor, programme):
    html = as_user(editor).get(reverse("completion_rules:add")).content.decode()
    assert 'name="assessments"' in html and 'name="self_assessments"' in html


# --- demo -------------------------------------------------------------------------------------


def test_the_demo_turns_it_on_and_is_the_same_when_run_twice(client):
    call_command("load_demo", verbosity=0)
    first = demo_self_assessment.load()
    rows = sorted(SelfRating.objects.values_list("enrolment_id", "outcome_id", "phase", "value"))
    second = demo_self_assessment.load()
    # One for the original session; the demo adaptation has its own copy.
    assert first.pk == second.pk
    assert SelfAssessment.objects.filter(session_plan=first.session_plan).count() == 1
    assert (
        sorted(SelfRating.objects.values_list("enrolment_id", "outcome_id", "phase", "value"))
        == rows
    )
    plan = second.session_plan
    assert plan.number == 2
    outcomes = plan.learning_outcomes.count()
    marie = Enrolment.objects.get(trainee__username="marie", cohort__name="Kent, spring 2027")
    assert SelfRating.objects.filter(enrolment=marie, phase="before").count() == outcomes
    assert not SelfRating.objects.filter(enrolment=marie, phase="after").exists()
    spring = SelfRating.objects.filter(enrolment__cohort__name="Kent, spring 2027")
    assert spring.filter(phase="after").count() == 6 * outcomes
    assert CompletionRule.objects.get(programme=plan.get_parent()).self_assessments

    todo = self_assessments_to_do(marie.trainee)
    assert [(t.plan.number, t.phase) for t in todo] == [(2, "after")]
    first_outcome = services.cohort_distribution(marie.cohort, second)[0]
    assert first_outcome.before.total == 7 and first_outcome.after.total == 6
