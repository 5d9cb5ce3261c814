"""Before a story with content notes a trainee of an adapted cohort chooses to read it or to
step out; the trainers of that cohort, and only they, see who stepped out."""

import re

from django.urls import reverse

from profiles.models import StoryChoice
from tests.factories import make_scheduled_session, part, worksheet_with_parts
from training.models import Enrolment


def story_url(cohort, scenario):
    return reverse("profiles:story", args=[cohort.pk, scenario.pk])


def schedule_url(meeting):
    return reverse("profiles:schedule", args=[meeting.pk])


def test_the_schedule_shows_the_notes_and_both_choices_before_the_story(
    as_user, trainee, meeting, story
):
    page = as_user(trainee).get(schedule_url(meeting)).content.decode()
    assert "Before this story" in page
    assert re.search(r"talks about\s+prison, addiction|talks about\s+addiction, prison", page)
    assert 'value="read"' in page and "Read it" in page
    assert 'value="stepped_out"' in page and "Step out of this one" in page
    # The story itself is not on the schedule.
    assert "Valladolid" not in page


def test_stepping_out_is_recorded_and_the_story_stays_closed(as_user, trainee, meeting, story):
    client = as_user(trainee)
    back = schedule_url(meeting)
    response = client.post(
        story_url(meeting.cohort, story), {"choice": "stepped_out", "next": back}
    )
    assert response.status_code == 302
    choice = StoryChoice.objects.get(enrolment__trainee=trainee, scenario=story)
    assert choice.stepped_out
    page = client.get(response["Location"]).content.decode()
    assert "You chose to step out of this one" in page
    assert "Valladolid" not in page
    assert f'href="{back}"' in page
    schedule = client.get(back).content.decode()
    assert "You chose to step out of this one" in schedule
    assert "I want to read it after all" in schedule


def test_reading_it_shows_the_story_and_a_trainee_may_change_their_mind(
    as_user, trainee, meeting, story
):
    client = as_user(trainee)
    url = story_url(meeting.cohort, story)
    client.post(url, {"choice": "stepped_out"})
    response = client.post(url, {"choice": "read"}, follow=True)
    assert "Valladolid" in response.content.decode()
    assert StoryChoice.objects.get(scenario=story).choice == StoryChoice.Choice.READ
    assert StoryChoice.objects.count() == 1


def test_a_story_page_asks_first_and_shows_nothing_until_the_trainee_chooses(
    as_user, trainee, meeting, story
):
    page = as_user(trainee).get(story_url(meeting.cohort, story)).content.decode()
    assert "Before you read" in page
    assert "Step out of this one" in page
    assert "Valladolid" not in page


def test_a_choice_that_is_neither_is_refused_with_a_message(as_user, trainee, meeting, story):
    response = as_user(trainee).post(
        story_url(meeting.cohort, story), {"choice": "maybe"}, follow=True
    )
    assert "Choose “Read it” or “Step out of this one”." in response.content.decode()
    assert not StoryChoice.objects.exists()


def test_the_trainer_sees_who_stepped_out(as_user, trainee, other_trainee, trainer, meeting, story):
    as_user(trainee).post(story_url(meeting.cohort, story), {"choice": "stepped_out"})
    as_user(other_trainee).post(story_url(meeting.cohort, story), {"choice": "read"})
    client = as_user(trainer)
    plan_page = client.get(
        reverse("profiles:trainer_plan", args=[meeting.cohort.pk, meeting.pk])
    ).content.decode()
    name = trainee.get_full_name()
    assert re.search(rf"Stepped out:</strong>\s*{re.escape(name)}", plan_page)
    assert other_trainee.get_full_name() not in plan_page
    overview = client.get(reverse("profiles:cohort_plans", args=[meeting.cohort.pk]))
    assert name in overview.content.decode()
    assert "Stepping out is never counted against anyone" in overview.content.decode()


def test_a_trainer_sees_step_outs_of_their_own_cohort_only(
    as_user, trainer, other_org_trainer, meeting, story, other_cohort, autistic, plan
):
    other_cohort.profile = autistic
    other_cohort.save()
    stranger_enrolment = other_cohort.enrolments.get()
    StoryChoice.record(
        enrolment=stranger_enrolment, scenario=story, choice=StoryChoice.Choice.STEPPED_OUT
    )
    page = (
        as_user(trainer)
        .get(reverse("profiles:cohort_plans", args=[meeting.cohort.pk]))
        .content.decode()
    )
    assert stranger_enrolment.trainee.get_full_name() not in page
    assert "Nobody has stepped out of a story." in page
    # Another organisation's trainer cannot open this cohort's pages at all.
    client = as_user(other_org_trainer)
    assert client.get(reverse("profiles:cohort_plans", args=[meeting.cohort.pk])).status_code == 403
    assert (
        client.get(
            reverse("profiles:trainer_plan", args=[meeting.cohort.pk, meeting.pk])
        ).status_code
        == 403
    )


def test_trainees_cannot_open_the_trainer_pages(as_user, trainee, meeting):
    client = as_user(trainee)
    assert client.get(reverse("profiles:cohort_plans", args=[meeting.cohort.pk])).status_code == 403
    url = reverse("profiles:trainer_plan", args=[meeting.cohort.pk, meeting.pk])
    assert client.get(url).status_code == 403


def test_a_trainee_of_another_cohort_cannot_choose_for_this_one(
    as_user, other_cohort, meeting, story
):
    stranger = other_cohort.enrolments.get().trainee
    response = as_user(stranger).post(story_url(meeting.cohort, story), {"choice": "stepped_out"})
    assert response.status_code == 403
    assert not StoryChoice.objects.exists()


def test_a_trainer_previewing_the_story_records_nothing(as_user, trainer, meeting, story):
    client = as_user(trainer)
    page = client.get(story_url(meeting.cohort, story)).content.decode()
    assert "Valladolid" in page
    assert client.post(story_url(meeting.cohort, story), {"choice": "read"}).status_code == 403
    assert not StoryChoice.objects.exists()


def test_a_story_the_programme_does_not_use_is_not_found(as_user, trainee, meeting):
    from tests.factories import CaseScenarioFactory

    unused = CaseScenarioFactory(notes=["Violence"])
    assert as_user(trainee).get(story_url(meeting.cohort, unused)).status_code == 404


def test_the_next_address_must_stay_on_the_site(as_user, trainee, meeting, story):
    response = as_user(trainee).post(
        story_url(meeting.cohort, story),
        {"choice": "read", "next": "https://evil.example/"},
    )
    assert "evil.example" not in response["Location"]


def test_the_trainer_plan_shows_stretched_times_alternatives_and_a_booking_warning(
    as_user, trainer, meeting
):
    page = (
        as_user(trainer)
        .get(reverse("profiles:trainer_plan", args=[meeting.cohort.pk, meeting.pk]))
        .content.decode()
    )
    assert "10:20–11:00" in page
    assert "break added by the profile" in page
    assert "Use the lower-demand way" in page
    assert "Hand in a written answer instead." in page
    assert "Easy read for trainees" in page
    # 125 minutes fit in the default 150-minute booking: no warning.
    assert "but this session is booked for" not in page
    meeting.duration_minutes = 120
    meeting.save()
    page = (
        as_user(trainer)
        .get(reverse("profiles:trainer_plan", args=[meeting.cohort.pk, meeting.pk]))
        .content.decode()
    )
    assert "The adapted plan takes 125 minutes, but this session is booked for 120." in page


# --- the story in a worksheet ------------------------------------------------------------------


def _worksheet_with_story(programme, story, plan):
    from curriculum.models import SessionPlanPage
    from tests.factories import activity

    worksheet = worksheet_with_parts(
        "Questions on Tomas", part("case_questions", "trainer", case_scenario=story.pk)
    )
    page = SessionPlanPage.objects.get(pk=plan.pk)
    page.activities = [
        *page.activities.raw_data,
        activity("Answer the questions", 10, worksheet=worksheet),
    ]
    page.save_revision().publish()
    return worksheet


def test_in_a_worksheet_of_an_adapted_cohort_the_trainee_may_step_out(
    as_user, trainee, meeting, story, programme, plan
):
    worksheet = _worksheet_with_story(programme, story, plan)
    enrolment = Enrolment.objects.get(trainee=trainee, cohort=meeting.cohort)
    url = reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])
    client = as_user(trainee)
    page = client.get(url).content.decode()
    assert "Before you read" in page
    assert "Step out of this one" in page
    assert story_url(meeting.cohort, story) in page
    client.post(story_url(meeting.cohort, story), {"choice": "stepped_out"})
    page = client.get(url).content.decode()
    assert "You chose to step out of this one" in page
    assert "Valladolid" not in page


def test_in_a_worksheet_of_a_plain_cohort_the_story_shows_as_before(
    as_user, trainee, cohort, story, programme, plan
):
    worksheet = _worksheet_with_story(programme, story, plan)
    make_scheduled_session(cohort, plan, days_from_now=1)
    enrolment = Enrolment.objects.get(trainee=trainee, cohort=cohort)
    page = (
        as_user(trainee)
        .get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk]))
        .content.decode()
    )
    assert "Step out of this one" not in page
    assert "Please note" in page


def test_the_cohort_page_link_shows_only_for_a_cohort_with_a_profile(cohort, autistic):
    from django.template.loader import render_to_string

    assert "Adapted plans" not in render_to_string("profiles/_cohort_link.html", {"cohort": cohort})
    cohort.profile = autistic
    html = render_to_string("profiles/_cohort_link.html", {"cohort": cohort})
    assert reverse("profiles:cohort_plans", args=[cohort.pk]) in html
