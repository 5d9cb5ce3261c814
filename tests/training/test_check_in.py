"""Trainees checking themselves in with the code on the projector, and the trainer's screen
that opens and closes the window."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from lms.roles import Role
from tests.factories import UserFactory, make_cohort, make_scheduled_session, mark
from training import attendance
from training.models import AttendanceMark, CatchUp, Enrolment

CHECK_IN = "/check-in/"


@pytest.fixture(autouse=True)
def fresh_cache():
    # The wrong-code counter lives in the cache, which outlives a test otherwise.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today(cohort, session_plans):
    """Session 2 of ``cohort``, started five minutes ago."""
    return make_scheduled_session(
        cohort, session_plans[1], starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )


def screen_url(session):
    return reverse("training:check_in_screen", args=[session.cohort_id, session.pk])


def open_window(session, minutes=30, opened_at=None):
    attendance.open_check_in(session, minutes=minutes, now=opened_at)
    session.refresh_from_db()
    return session.check_in_code


def wrong_code(code):
    return f"{(int(code) + 1) % 10**6:06d}"


# --- the trainer's screen -----------------------------------------------------------------------


def test_the_trainer_opens_check_in_and_sees_a_six_digit_code(as_user, trainer, today):
    client = as_user(trainer)
    page = client.get(screen_url(today)).content.decode()
    assert "Open check-in and show the code" in page
    assert 'value="30" checked' in page

    before = timezone.now()
    reply = client.post(screen_url(today), {"action": "open", "minutes": "15"})

    assert reply.status_code == 302
    today.refresh_from_db()
    code = today.check_in_code
    assert len(code) == 6 and code.isdigit()
    assert before <= today.check_in_opens_at <= timezone.now()
    assert today.check_in_closes_at - today.check_in_opens_at == datetime.timedelta(minutes=15)
    page = client.get(screen_url(today)).content.decode()
    assert f'<p class="check-in-code" id="check-in-code">{code}</p>' in page
    assert "0 people have checked in." in page
    assert "http://testserver/check-in/" in page


def test_the_window_lasts_30_minutes_unless_told_and_only_15_30_or_60(as_user, trainer, today):
    client = as_user(trainer)
    client.post(screen_url(today), {"action": "open"})
    today.refresh_from_db()
    assert today.check_in_closes_at - today.check_in_opens_at == datetime.timedelta(minutes=30)

    client.post(screen_url(today), {"action": "close"})
    reply = client.post(screen_url(today), {"action": "open", "minutes": "45"}, follow=True)
    assert "Please choose 15, 30 or 60 minutes." in reply.content.decode()
    today.refresh_from_db()
    assert not today.check_in_open()


def test_codes_come_from_secrets_and_differ(today):
    codes = {attendance.new_check_in_code() for _ in range(50)}
    assert len(codes) > 45
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_closing_check_in_stops_the_code(as_user, trainer, trainee, today):
    code = open_window(today)
    as_user(trainer).post(screen_url(today), {"action": "close"})
    today.refresh_from_db()
    assert not today.check_in_open()
    reply = as_user(trainee).post(CHECK_IN, {"code": code})
    assert "This code does not work" in reply.content.decode()
    assert not AttendanceMark.objects.exists()


def test_check_in_cannot_open_for_a_session_days_ahead(as_user, trainer, scheduled):
    reply = as_user(trainer).post(screen_url(scheduled[2]), {"action": "open"}, follow=True)
    assert "This session has not started yet" in reply.content.decode()
    scheduled[2].refresh_from_db()
    assert scheduled[2].check_in_code == ""


def test_the_screen_counts_who_checked_in(as_user, trainer, trainee, other_trainee, today):
    code = open_window(today)
    as_user(trainee).post(CHECK_IN, {"code": code})
    as_user(other_trainee).post(CHECK_IN, {"code": code})
    client = as_user(trainer)
    count_url = reverse("training:check_in_count", args=[today.cohort_id, today.pk])
    assert client.get(count_url).json() == {"count": 2, "open": True}
    assert "2 people have checked in." in client.get(screen_url(today)).content.decode()


@pytest.mark.parametrize("persona", ["trainee", "other_org_trainer"])
def test_only_the_groups_staff_run_the_screen(request, as_user, today, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(screen_url(today)).status_code == 403
    assert client.post(screen_url(today), {"action": "open"}).status_code == 403
    count_url = reverse("training:check_in_count", args=[today.cohort_id, today.pk])
    assert client.get(count_url).status_code == 403
    today.refresh_from_db()
    assert today.check_in_code == ""


# --- the trainee's side ----------------------------------------------------------------------


def test_the_right_code_checks_the_trainee_in(as_user, trainee, today, enrolment):
    code = open_window(today)
    client = as_user(trainee)
    form = client.get(CHECK_IN).content.decode()
    assert 'inputmode="numeric"' in form

    reply = client.post(CHECK_IN, {"code": f" {code[:3]} {code[3:]} "})

    assert reply.status_code == 302
    saved = AttendanceMark.objects.get(scheduled_session=today, enrolment=enrolment)
    assert (saved.status, saved.source, saved.marked_by) == ("present", "check_in", trainee)
    today.refresh_from_db()
    assert today.register_taken_at is not None
    page = client.get(reply["Location"]).content.decode()
    assert "You are checked in for Session 2. Welcome!" in page


def test_arriving_more_than_15_minutes_late_is_marked_late(as_user, trainee, today, enrolment):
    code = open_window(today)
    later = today.starts_at + datetime.timedelta(minutes=16)
    result = attendance.check_in(trainee, code, now=later)
    assert result.checked_in
    assert AttendanceMark.objects.get(enrolment=enrolment).status == "late"


def test_arriving_15_minutes_after_the_start_is_still_present(trainee, today, enrolment):
    code = open_window(today)
    result = attendance.check_in(
        trainee, code, now=today.starts_at + datetime.timedelta(minutes=15)
    )
    assert result.mark.status == "present"


def test_a_wrong_code_says_so_and_saves_nothing(as_user, trainee, today):
    code = open_window(today)
    reply = as_user(trainee).post(CHECK_IN, {"code": wrong_code(code)})
    assert reply.status_code == 200
    assert "This code does not work" in reply.content.decode()
    assert 'aria-invalid="true"' in reply.content.decode()
    assert not AttendanceMark.objects.exists()


def test_the_code_works_only_inside_the_window(trainee, today):
    code = open_window(today, minutes=15)
    after = today.check_in_closes_at + datetime.timedelta(seconds=1)
    with pytest.raises(Exception, match="This code does not work"):
        attendance.check_in(trainee, code, now=after)
    assert not AttendanceMark.objects.exists()


def test_a_code_from_another_group_does_not_work(as_user, trainee, other_cohort):
    theirs = make_scheduled_session(other_cohort, starts_at=timezone.now())
    code = open_window(theirs)
    reply = as_user(trainee).post(CHECK_IN, {"code": code})
    assert "This code does not work" in reply.content.decode()
    assert not AttendanceMark.objects.exists()


def test_a_withdrawn_trainee_cannot_check_in(as_user, trainee, today, enrolment):
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    code = open_window(today)
    reply = as_user(trainee).post(CHECK_IN, {"code": code})
    assert "This code does not work" in reply.content.decode()
    assert not AttendanceMark.objects.exists()


def test_five_wrong_codes_block_check_in_for_a_while(as_user, trainee, other_trainee, today):
    code = open_window(today)
    client = as_user(trainee)
    for _ in range(5):
        reply = client.post(CHECK_IN, {"code": wrong_code(code)})
        assert "This code does not work" in reply.content.decode()

    reply = client.post(CHECK_IN, {"code": code})

    assert "Too many wrong codes. Please wait 10 minutes" in reply.content.decode()
    assert not AttendanceMark.objects.exists()
    # The limit is per person: someone else at the next table still gets in.
    assert as_user(other_trainee).post(CHECK_IN, {"code": code}).status_code == 302
    # Once the ten minutes are over (the cache entry expired), the right code works again.
    cache.clear()
    assert as_user(trainee).post(CHECK_IN, {"code": code}).status_code == 302
    assert AttendanceMark.objects.count() == 2


def test_a_guest_catching_up_checks_in_through_their_own_enrolment(
    as_user, today, programme, organisation, session_plans
):
    guest_user = UserFactory(roles=[Role.TRAINEE], organisation=organisation)
    autumn = make_cohort(programme, organisation, trainees=[guest_user], name="Kent, autumn")
    guest = autumn.enrolments.get()
    catch_up = CatchUp.objects.create(
        enrolment=guest,
        session_plan=session_plans[1],
        kind=CatchUp.Kind.OTHER_COHORT,
        scheduled_session=today,
    )
    code = open_window(today)
    client = as_user(guest_user)

    assert client.post(CHECK_IN, {"code": code}).status_code == 302
    saved = AttendanceMark.objects.get()
    assert (saved.enrolment, saved.scheduled_session, saved.source) == (guest, today, "check_in")

    # A cancelled catch-up no longer lets them in.
    saved.delete()
    catch_up.status = CatchUp.Status.CANCELLED
    catch_up.save()
    assert "This code does not work" in client.post(CHECK_IN, {"code": code}).content.decode()
    assert not AttendanceMark.objects.exists()


def test_a_mark_the_trainer_saved_is_not_overwritten(as_user, trainer, trainee, today, enrolment):
    mark(today, enrolment, "excused", marked_by=trainer, note="Phoned in")
    code = open_window(today)
    client = as_user(trainee)

    reply = client.post(CHECK_IN, {"code": code})

    assert reply.status_code == 302
    saved = AttendanceMark.objects.get()
    assert (saved.status, saved.source, saved.note, saved.version) == (
        "excused",
        "register",
        "Phoned in",
        1,
    )
    page = client.get(reply["Location"]).content.decode()
    assert "Your trainer has already marked you for Session 2 (Excused)." in page
    assert "Welcome!" not in page


def test_the_done_page_shows_only_the_visitors_own_mark(as_user, trainee, other_trainee, today):
    code = open_window(today)
    as_user(trainee).post(CHECK_IN, {"code": code})
    done = reverse("training:check_in_done", args=[today.pk])
    assert as_user(other_trainee).get(done).status_code == 404


def test_check_in_needs_a_login(client):
    reply = client.get(CHECK_IN)
    assert reply.status_code == 302
    assert reply["Location"].startswith(reverse("login"))
