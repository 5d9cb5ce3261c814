"""Putting sessions on the calendar: all at once, one at a time, and moving them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_scheduled_session, make_session
from training import scheduling
from training.models import ScheduleChange, ScheduledSession


def day(days_from_now):
    return timezone.localdate() + datetime.timedelta(days=days_from_now)


def row(plan, date, start="10:00", duration="150", place="Hall", link=""):
    prefix = f"plan-{plan.pk}"
    return {
        f"{prefix}-date": date.isoformat() if date else "",
        f"{prefix}-start": start,
        f"{prefix}-duration": duration,
        f"{prefix}-place": place,
        f"{prefix}-online_link": link,
    }


# --- the scheduling form --------------------------------------------------------------------


def test_the_form_offers_every_plan_without_a_date_a_week_apart(
    as_user, trainer, cohort, session_plans
):
    cohort.starts_on = day(10)
    cohort.save()
    make_scheduled_session(cohort, session_plans[1], days_from_now=3)
    response = as_user(trainer).get(reverse("training:schedule", args=[cohort.pk]))
    forms = response.context["forms"]
    assert [form.plan for form in forms] == [session_plans[0], session_plans[2]]
    # After the session already set (day 3)? No: the cohort starts on day 10, later.
    assert forms[0].initial["date"] == day(10)
    assert forms[1].initial["date"] == day(17)
    assert forms[0].initial["duration"] == session_plans[0].planned_duration
    assert "10:00" in response.content.decode()


def test_a_cohort_that_already_started_is_offered_dates_from_next_week(
    as_user, trainer, cohort, session_plans
):
    cohort.starts_on = day(-30)
    cohort.save()
    forms = as_user(trainer).get(reverse("training:schedule", args=[cohort.pk])).context["forms"]
    assert [f.initial["date"] for f in forms] == [day(7), day(14), day(21)]


def test_scheduling_puts_every_filled_row_on_the_calendar(as_user, trainer, cohort, session_plans):
    data = {
        **row(session_plans[0], day(7), start="13:30", place="Room 4"),
        **row(session_plans[1], day(14), link="https://meet.example.org/abc", place=""),
        **row(session_plans[2], None, place=""),  # left for later
    }
    response = as_user(trainer).post(reverse("training:schedule", args=[cohort.pk]), data)
    assert response.status_code == 302
    sessions = list(ScheduledSession.objects.filter(cohort=cohort).order_by("starts_at"))
    assert [s.session_plan for s in sessions] == session_plans[:2]
    first = timezone.localtime(sessions[0].starts_at)
    assert (first.date(), first.hour, first.minute) == (day(7), 13, 30)
    assert sessions[0].place == "Room 4"
    assert sessions[1].online_link == "https://meet.example.org/abc"
    assert sessions[0].duration_minutes == 150


def test_one_date_in_the_past_saves_nothing_and_keeps_what_was_typed(
    as_user, trainer, cohort, session_plans
):
    data = {
        **row(session_plans[0], day(7), place="Room 4"),
        **row(session_plans[1], day(-2), place="Room 5"),
        **row(session_plans[2], day(21), place="Room 6"),
    }
    response = as_user(trainer).post(reverse("training:schedule", args=[cohort.pk]), data)
    assert response.status_code == 400
    assert not ScheduledSession.objects.filter(cohort=cohort).exists()
    page = response.content.decode()
    assert "That date has passed" in page
    assert "Nothing was saved" in page
    # The trainer's typing is all still there.
    for value in ["Room 4", "Room 5", "Room 6", day(21).isoformat()]:
        assert value in page
    bad = next(f for f in response.context["forms"] if f.plan == session_plans[1])
    assert "date" in bad.errors


def test_a_plan_scheduled_meanwhile_is_refused_on_its_row(as_user, trainer, cohort, session_plans):
    client = as_user(trainer)
    client.get(reverse("training:schedule", args=[cohort.pk]))
    # Someone else gives session 2 a date while this trainer fills in the form.
    make_scheduled_session(cohort, session_plans[1], days_from_now=30)
    data = {**row(session_plans[0], day(7)), **row(session_plans[1], day(14))}
    response = client.post(reverse("training:schedule", args=[cohort.pk]), data)
    assert response.status_code == 400
    assert "already has a date" in response.content.decode()
    assert ScheduledSession.objects.filter(cohort=cohort).count() == 1


def test_an_empty_form_asks_for_a_date(as_user, trainer, cohort, session_plans):
    data = {**row(session_plans[0], None, place="")}
    response = as_user(trainer).post(reverse("training:schedule", args=[cohort.pk]), data)
    assert response.status_code == 400
    assert "at least one session" in response.content.decode()


def test_the_service_refuses_a_plan_of_another_programme(cohort, session_plans):
    from tests.factories import make_programme

    stranger = make_session(make_programme("Another course"), number=1)
    rows = [
        scheduling.SessionRow(
            plan=stranger,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            duration_minutes=150,
        )
    ]
    with pytest.raises(ValidationError):
        scheduling.sessions_schedule(cohort=cohort, rows=rows)
    assert not ScheduledSession.objects.exists()


# --- one session ----------------------------------------------------------------------------


def test_a_support_session_needs_a_title_but_no_plan(as_user, trainer, cohort, session_plans):
    url = reverse("training:session_new", args=[cohort.pk])
    client = as_user(trainer)
    base = {"kind": "support", "date": day(40).isoformat(), "start": "18:00", "duration": "90"}
    response = client.post(url, {**base, "title": ""})
    assert response.status_code == 400
    assert "Give this meeting a title" in response.content.decode()
    assert not ScheduledSession.objects.exists()

    response = client.post(url, {**base, "title": "Monthly support", "place": "Café"})
    assert response.status_code == 302
    session = ScheduledSession.objects.get()
    assert session.kind == ScheduledSession.Kind.SUPPORT
    assert session.session_plan is None
    assert session.title == "Monthly support"
    assert session.duration_minutes == 90


def test_a_training_session_takes_a_plan_without_a_date(as_user, trainer, cohort, session_plans):
    make_scheduled_session(cohort, session_plans[0])
    url = reverse("training:session_new", args=[cohort.pk])
    client = as_user(trainer)
    choices = client.get(url).context["form"].fields["session_plan"].queryset
    assert list(choices) == session_plans[1:]
    response = client.post(
        url,
        {
            "kind": "training",
            "session_plan": session_plans[0].pk,
            "date": day(9).isoformat(),
            "start": "10:00",
            "duration": "150",
        },
    )
    assert response.status_code == 400  # already scheduled: not a valid choice
    response = client.post(
        url,
        {
            "kind": "training",
            "session_plan": session_plans[2].pk,
            "date": day(9).isoformat(),
            "start": "10:00",
            "duration": "150",
        },
    )
    assert response.status_code == 302
    assert ScheduledSession.objects.filter(cohort=cohort, session_plan=session_plans[2]).exists()


def test_a_new_session_cannot_be_in_the_past(as_user, trainer, cohort, session_plans):
    response = as_user(trainer).post(
        reverse("training:session_new", args=[cohort.pk]),
        {
            "kind": "supervision",
            "title": "Supervision",
            "date": day(-1).isoformat(),
            "start": "10:00",
            "duration": "60",
        },
    )
    assert response.status_code == 400
    assert "That date has passed" in response.content.decode()
    assert not ScheduledSession.objects.exists()


# --- rescheduling ---------------------------------------------------------------------------


def edit(session, **changes):
    local = timezone.localtime(session.starts_at)
    data = {
        "date": local.date().isoformat(),
        "start": local.strftime("%H:%M"),
        "duration": str(session.duration_minutes),
        "place": session.place,
        "online_link": session.online_link,
        "reason": "",
    }
    if session.cancelled:
        data["cancelled"] = "on"
    if session.session_plan_id is None:
        data["title"] = session.title
    data.update(changes)
    return data


def test_moving_a_session_keeps_the_old_time_and_place(as_user, trainer, cohort, scheduled):
    session = scheduled[1]
    before, before_place = session.starts_at, session.place
    url = reverse("training:session_edit", args=[cohort.pk, session.pk])
    client = as_user(trainer)
    response = client.post(
        url,
        edit(
            session, date=day(9).isoformat(), start="14:00", place="Library", reason="Room not free"
        ),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).hour == 14
    assert session.place == "Library"
    change = ScheduleChange.objects.get(scheduled_session=session)
    assert change.previous_starts_at == before
    assert change.previous_place == before_place
    assert change.starts_at == session.starts_at
    assert change.place == "Library"
    assert change.reason == "Room not free"
    assert change.changed_by == trainer

    page = client.get(url).content.decode()
    assert "Room not free" in page
    assert "Community room" in page  # the old place, in the history


def test_cancelling_is_recorded_and_saving_unchanged_is_not(as_user, trainer, cohort, scheduled):
    session = scheduled[2]
    url = reverse("training:session_edit", args=[cohort.pk, session.pk])
    client = as_user(trainer)
    assert client.post(url, edit(session)).status_code == 302
    assert not ScheduleChange.objects.exists()
    assert client.post(url, edit(session, cancelled="on", reason="Strike")).status_code == 302
    session.refresh_from_db()
    assert session.cancelled
    change = ScheduleChange.objects.get()
    assert change.cancelled and change.reason == "Strike"


def test_a_session_cannot_be_moved_into_the_past(as_user, trainer, cohort, scheduled):
    session = scheduled[1]
    before = session.starts_at
    response = as_user(trainer).post(
        reverse("training:session_edit", args=[cohort.pk, session.pk]),
        edit(session, date=day(-3).isoformat()),
    )
    assert response.status_code == 400
    assert "That date has passed" in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == before
    assert not ScheduleChange.objects.exists()


def test_a_past_session_can_still_be_cancelled_or_have_its_place_fixed(
    as_user, trainer, cohort, scheduled
):
    session = scheduled[0]  # a week ago
    response = as_user(trainer).post(
        reverse("training:session_edit", args=[cohort.pk, session.pk]),
        edit(session, place="The real room"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "The real room"
    assert ScheduleChange.objects.get().previous_place == "Community room"


def test_the_service_refuses_the_past_too(scheduled, trainer):
    with pytest.raises(ValidationError):
        scheduling.session_reschedule(
            session=scheduled[1],
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            duration_minutes=150,
            by=trainer,
        )
    assert not ScheduleChange.objects.exists()


def test_rescheduling_tells_completion_after_commit(
    scheduled, trainer, enrolment, django_capture_on_commit_callbacks
):
    from training.signals import progress_inputs_changed

    received = []

    def listener(sender, enrolment_ids, **kwargs):
        received.append(set(enrolment_ids))

    progress_inputs_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            scheduling.session_reschedule(
                session=scheduled[1],
                starts_at=scheduled[1].starts_at,
                duration_minutes=150,
                place=scheduled[1].place,
                cancelled=True,
                by=trainer,
            )
    finally:
        progress_inputs_changed.disconnect(listener)
    assert received and enrolment.pk in received[0]


def test_a_support_session_can_be_renamed(as_user, trainer, cohort):
    session = make_scheduled_session(cohort, None, kind="support", title="Support")
    response = as_user(trainer).post(
        reverse("training:session_edit", args=[cohort.pk, session.pk]),
        edit(session, title="Peer supervision circle"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Peer supervision circle"
