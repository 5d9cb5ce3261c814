"""The trainee's visual schedule: who may see it, from when, and what it shows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.roles import Role
from tests.factories import UserFactory, activity, make_scheduled_session, make_session
from tests.profiles.conftest import EASY_ROLE_MODEL
from training.models import CohortTrainer, Enrolment


def url(meeting):
    return reverse("profiles:schedule", args=[meeting.pk])


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_trainee_of_an_adapted_cohort_sees_the_steps_on_the_clock(as_user, trainee, meeting):
    response = as_user(trainee).get(url(meeting))
    assert response.status_code == 200
    page = text_of(response)
    assert "Your plan for" in page
    # Stretched by 1.25, a break after about 45 minutes (see test_schedule.py).
    for start, end, title in [
        ("10:00", "10:20", "Introduction"),
        ("10:20", "11:00", "My role model"),
        ("11:00", "11:10", "Break"),
        ("11:10", "11:50", "The story of Tomas"),
        ("11:50", "12:05", "Closing round"),
    ]:
        assert re.search(
            rf"<time>{start}</time>–<time>{end}</time>\s*</span>\s*<strong class=\"step-title\">"
            rf"{re.escape(title)}",
            response.content.decode(),
        ), title
    assert "From 10:00 to 12:05." in page
    assert "Room 4, Library" in page
    # Who: the cohort's trainers by name.
    assert "trainer" in page.lower()
    assert "On your own, then with the whole group." in page
    assert 'href="#icon-writing"' in page  # the profile prefers the lower-demand way


def test_the_trainee_reads_the_easy_read_text_first_with_the_standard_text_one_tap_away(
    as_user, trainee, meeting
):
    page = text_of(as_user(trainee).get(url(meeting)))
    assert EASY_ROLE_MODEL in page
    assert "Show the standard text" in page
    assert "Run My role model with the group." in page  # the procedure, behind the toggle
    assert page.index(EASY_ROLE_MODEL) < page.index("Show the standard text")
    # The ways to take part in plain words; the trainer's wording stays on the trainer's page.
    assert "In writing instead of speaking" in page
    assert "Hand in a written answer instead." not in page


def test_a_profile_without_easy_read_first_shows_the_standard_text_first(
    as_user, trainee, meeting, autistic
):
    autistic.prefer_easy_read = False
    autistic.save()
    page = text_of(as_user(trainee).get(url(meeting)))
    assert page.index("What happens in this step") < page.index("Show the easy-read text")


def test_the_schedule_is_hidden_before_the_share_date(as_user, trainee, adapted, plan):
    later = make_scheduled_session(adapted, plan, days_from_now=8)  # shared 7 days before
    response = as_user(trainee).get(url(later))
    assert response.status_code == 404
    page = text_of(response)
    assert "not ready yet" in page
    assert "My role model" not in page
    share = timezone.localdate() + datetime.timedelta(days=1)
    assert f"{share.day} " in page


def test_the_schedule_is_shown_from_the_share_date(as_user, trainee, adapted, plan):
    exactly = make_scheduled_session(adapted, plan, days_from_now=7)
    assert as_user(trainee).get(url(exactly)).status_code == 200


def test_the_home_page_links_to_shared_plans_only(as_user, trainee, adapted, plan, programme):
    shared = make_scheduled_session(adapted, plan, days_from_now=2)
    later_plan = make_session(programme, number=3, title="Listening")
    not_yet = make_scheduled_session(adapted, later_plan, days_from_now=20)
    page = as_user(trainee).get(reverse("home")).content.decode()
    assert url(shared) in page
    weekday = timezone.localtime(shared.starts_at).strftime("%A")
    assert f"Your plan for {weekday}" in page
    assert url(not_yet) not in page


def test_trainers_preview_the_schedule_before_it_is_shared(as_user, trainer, adapted, plan):
    later = make_scheduled_session(adapted, plan, days_from_now=30)
    response = as_user(trainer).get(url(later))
    assert response.status_code == 200
    assert "This is what the trainees of this group see" in response.content.decode()


def test_a_trainee_of_another_cohort_is_refused(as_user, other_cohort, meeting):
    stranger = other_cohort.enrolments.get().trainee
    assert as_user(stranger).get(url(meeting)).status_code == 403


def test_a_trainer_of_another_organisation_is_refused(as_user, other_org_trainer, meeting):
    assert as_user(other_org_trainer).get(url(meeting)).status_code == 403


def test_a_trainee_who_left_is_refused(as_user, trainee, meeting):
    Enrolment.objects.filter(trainee=trainee).update(status=Enrolment.Status.WITHDRAWN)
    assert as_user(trainee).get(url(meeting)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, meeting):
    response = client.get(url(meeting))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_cohort_without_a_profile_has_no_visual_schedule_nor_easy_read(
    as_user, trainee, cohort, plan
):
    plain = make_scheduled_session(cohort, plan, days_from_now=1)
    client = as_user(trainee)
    assert client.get(url(plain)).status_code == 404
    assert url(plain) not in client.get(reverse("home")).content.decode()
    # The session page trainees read is unchanged: no easy read, no procedure.
    page = client.get(plan.url).content.decode()
    assert "My role model" in page
    assert EASY_ROLE_MODEL not in page
    assert "Run My role model with the group." not in page


def test_a_cancelled_session_has_no_schedule(as_user, trainee, meeting):
    meeting.cancelled = True
    meeting.save()
    assert as_user(trainee).get(url(meeting)).status_code == 404


def test_the_schedule_costs_the_same_queries_for_a_longer_plan_and_a_bigger_cohort(
    as_user, trainee, adapted, programme, story, django_assert_max_num_queries
):
    def schedule_for(number, activities, trainees):
        session = make_session(
            programme,
            number=number,
            activities=[
                activity(f"Step {n}", 10, scenario=story if n % 2 else None, easy_read="<p>E</p>")
                for n in range(activities)
            ],
        )
        for _ in range(trainees):
            person = UserFactory(roles=[Role.TRAINEE])
            Enrolment.objects.create(cohort=adapted, trainee=person)
        co = UserFactory(roles=[Role.TRAINER])
        CohortTrainer.objects.create(cohort=adapted, user=co, role=CohortTrainer.Role.CO_TRAINER)
        return make_scheduled_session(adapted, session, days_from_now=1)

    client = as_user(trainee)
    small = schedule_for(5, 2, 1)
    client.get(url(small))  # warm caches (site root, content types)
    with django_assert_max_num_queries(12) as small_queries:
        assert client.get(url(small)).status_code == 200
    big = schedule_for(6, 12, 10)
    with django_assert_max_num_queries(len(small_queries)) as big_queries:
        response = client.get(url(big))
    assert response.status_code == 200
    assert response.content.decode().count('class="step step-activity') == 12
    assert len(big_queries) == len(small_queries)


@pytest.mark.parametrize("days", [0, 1])
def test_the_print_style_sheet_and_button_are_there(as_user, trainee, adapted, plan, days):
    meeting = make_scheduled_session(adapted, plan, days_from_now=days)
    page = as_user(trainee).get(url(meeting)).content.decode()
    assert "profiles/schedule" in page and ".css" in page
    assert "Print this plan" in page


def test_the_plans_selector_lists_shared_sessions_of_current_cohorts_only(
    trainee, adapted, plan, programme
):
    from profiles.selectors import plans_to_share

    soon = make_scheduled_session(adapted, plan, days_from_now=1)
    later_plan = make_session(programme, number=3, title="Listening")
    make_scheduled_session(adapted, later_plan, days_from_now=9)
    assert plans_to_share(trainee) == [soon]
    Enrolment.objects.filter(trainee=trainee).update(status=Enrolment.Status.WITHDRAWN)
    assert plans_to_share(trainee) == []
