"""The trainer's cohort matrix, the trainee's progress page and home, and the completion rule
admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.roles import Role
from tests.factories import (
    UserFactory,
    activity,
    make_cohort,
    make_scheduled_session,
    make_session,
    mark,
    part,
    worksheet_with_parts,
)
from training.models import (
    AttendanceMark,
    CatchUp,
    CompletionRule,
    Enrolment,
    ProgrammeProgress,
)

Status = AttendanceMark.Status


@pytest.fixture
def role_model():
    return worksheet_with_parts("My role model", part("reflection"))


@pytest.fixture
def five_sessions(programme, role_model):
    """Five planned sessions; session 2 uses the worksheet "My role model"."""
    return [
        make_session(
            programme,
            number=n,
            title=f"Session {n}",
            activities=[activity(worksheet=role_model if n == 2 else None)],
        )
        for n in range(1, 6)
    ]


@pytest.fixture
def calendar(cohort, five_sessions):
    """Sessions 1 and 2 held, 3 and 4 ahead, 5 without a date."""
    return [
        make_scheduled_session(cohort, five_sessions[0], days_from_now=-14),
        make_scheduled_session(cohort, five_sessions[1], days_from_now=-7),
        make_scheduled_session(cohort, five_sessions[2], days_from_now=7, place="Room 3"),
        make_scheduled_session(cohort, five_sessions[3], days_from_now=14),
    ]


@pytest.fixture
def marked(calendar, enrolment, other_enrolment):
    """``trainee`` missed session 1 and came to 2; ``other_trainee`` came late to both."""
    mark(calendar[0], enrolment, Status.ABSENT)
    mark(calendar[1], enrolment, Status.PRESENT)
    mark(calendar[0], other_enrolment, Status.LATE)
    mark(calendar[1], other_enrolment, Status.LATE)
    return calendar


def matrix_url(cohort):
    return reverse("training:matrix", args=[cohort.pk])


# --- the matrix ---------------------------------------------------------------------------------


def test_the_matrix_shows_each_trainee_by_session_with_symbols_and_words(
    as_user, trainer, cohort, enrolment, other_enrolment, marked, five_sessions
):
    page = as_user(trainer).get(matrix_url(cohort))

    assert page.status_code == 200
    html = page.content.decode()
    rows = {row.enrolment.pk: row for row in page.context["rows"]}
    mine, theirs = rows[enrolment.pk], rows[other_enrolment.pk]
    assert [s.symbol for s in mine.progress.sessions] == ["✗", "✓", "·", "·", "·"]
    assert [s.symbol for s in theirs.progress.sessions] == ["L", "L", "·", "·", "·"]
    assert 'title="Absent">✗</abbr><span class="visually-hidden">Absent</span>' in html
    assert 'title="Late">L</abbr>' in html
    # Session 1 missed: one link to set a catch-up, for the trainee who missed it.
    link = reverse("training:catch_up_new", args=[cohort.pk, enrolment.pk, five_sessions[0].pk])
    assert f'href="{link}"' in html
    assert html.count('class="cm-catch-up no-print"') == 1
    # Worksheets done for session 2, and the end columns.
    assert "0/1" in html
    assert mine.progress.attendance_percent == 20
    assert "1 of 5 (needs 80%)" in html
    assert theirs.progress.attendance_percent == 40
    assert "Still to do: 3 sessions, 1 worksheet" in html
    assert "To complete, a trainee comes to at least 80% of the 5 planned sessions" in html


def test_the_matrix_says_complete(as_user, trainer, cohort, enrolment, five_sessions):
    sessions = [
        make_scheduled_session(cohort, plan, days_from_now=-20 + i)
        for i, plan in enumerate(five_sessions)
    ]
    for session in sessions[:4]:
        mark(session, enrolment, Status.PRESENT)
    CompletionRule.objects.create(programme=cohort.programme, worksheets="none")

    page = as_user(trainer).get(matrix_url(cohort))

    row = next(r for r in page.context["rows"] if r.enrolment.pk == enrolment.pk)
    assert row.summary == "Complete"
    assert "cm-status cm-complete" in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("trainer", 200),
        ("co_trainer", 200),
        ("manager", 200),
        ("other_org_trainer", 403),
        ("trainee", 403),
        ("editor", 403),
    ],
)
def test_only_the_cohorts_staff_see_the_matrix(request, as_user, cohort, marked, persona, status):
    page = as_user(request.getfixturevalue(persona)).get(matrix_url(cohort))
    assert page.status_code == status


def test_the_matrix_needs_a_login(client, cohort):
    page = client.get(matrix_url(cohort))
    assert page.status_code == 302
    assert "login" in page["Location"]


def test_the_matrix_of_another_organisation_is_forbidden(as_user, trainer, other_cohort):
    assert as_user(trainer).get(matrix_url(other_cohort)).status_code == 403


def build_cohort(programme, organisation, trainer, plans, size, name):
    from training.models import CohortTrainer

    trainees = [UserFactory(roles=[Role.TRAINEE]) for _ in range(size)]
    group = make_cohort(
        programme,
        organisation,
        trainers=[(trainer, CohortTrainer.Role.LEAD)],
        trainees=trainees,
        name=name,
    )
    sessions = [
        make_scheduled_session(group, plan, days_from_now=-3 + i) for i, plan in enumerate(plans)
    ]
    statuses = [Status.PRESENT, Status.ABSENT, Status.LATE]
    for index, enrolment in enumerate(group.enrolments.all()):
        for session in sessions[:3]:
            mark(session, enrolment, statuses[index % 3])
        CatchUp.objects.create(
            enrolment=enrolment, session_plan=plans[0], kind=CatchUp.Kind.TASK, task="Read"
        )
    return group, trainees


def test_the_matrix_costs_the_same_queries_for_3_or_30_trainees(
    as_user, programme, organisation, trainer, five_sessions, django_assert_max_num_queries
):
    small, _ = build_cohort(programme, organisation, trainer, five_sessions, 3, "Small")
    large, _ = build_cohort(programme, organisation, trainer, five_sessions, 30, "Large")
    client = as_user(trainer)
    client.get(matrix_url(small))  # warm shared caches
    counts = []
    for group in (small, large):
        with django_assert_max_num_queries(25) as captured:
            page = client.get(matrix_url(group))
        assert page.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert len(page.context["rows"]) == 30


# --- the trainee's progress ---------------------------------------------------------------------


def test_the_trainee_sees_what_is_left_and_each_session(as_user, trainee, marked):
    page = as_user(trainee).get(reverse("training:my_progress"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Hand in the worksheet My role model" in html
    assert "You missed Session 1: ask your trainer for a catch-up" in html
    assert "Come to Session 3 on" in html
    assert "Room 3" in html
    assert "You have come to 1 of 5 sessions. You need 4." in html
    assert "Session 1: Session 1" in html
    assert "Absent" in html
    assert "Worksheet My role model" in html


def test_a_trainee_sees_only_their_own_progress(
    as_user, trainee, other_trainee, marked, other_enrolment, five_sessions
):
    CatchUp.objects.create(
        enrolment=other_enrolment,
        session_plan=five_sessions[0],
        kind=CatchUp.Kind.TASK,
        task="Secret task for the other trainee",
    )
    page = as_user(trainee).get(reverse("training:my_progress"))

    assert "Secret task for the other trainee" not in page.content.decode()
    cards = page.context["cards"]
    assert [card.enrolment.trainee for card in cards] == [trainee]


def test_a_withdrawn_group_is_not_listed(as_user, trainee, enrolment, marked):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    page = as_user(trainee).get(reverse("training:my_progress"))
    assert page.context["cards"] == []
    assert "You are not in a training group yet" in page.content.decode()


def test_a_trainee_answers_their_catch_up_task(as_user, trainee, enrolment, marked, five_sessions):
    catch_up = CatchUp.objects.create(
        enrolment=enrolment, session_plan=five_sessions[0], kind=CatchUp.Kind.TASK, task="Read"
    )
    client = as_user(trainee)

    page = client.post(
        reverse("training:catch_up_answer", args=[catch_up.pk]), {"answer": "I read it."}
    )

    assert page.status_code == 302
    assert page["Location"].endswith(f"#catch-up-{catch_up.pk}")
    catch_up.refresh_from_db()
    assert catch_up.answer == "I read it."
    # The trainer still has to confirm it.
    assert catch_up.status == CatchUp.Status.SET
    html = client.get(reverse("training:my_progress")).content.decode()
    assert "Your trainer will check your catch-up task for Session 1" in html


def test_a_refused_answer_comes_back_in_its_box(as_user, trainee, enrolment, marked, five_sessions):
    catch_up = CatchUp.objects.create(
        enrolment=enrolment,
        session_plan=five_sessions[0],
        kind=CatchUp.Kind.TASK,
        task="Read",
        status=CatchUp.Status.DONE,
    )
    page = as_user(trainee).post(
        reverse("training:catch_up_answer", args=[catch_up.pk]), {"answer": "My words"}
    )
    assert page.status_code == 400
    catch_up.refresh_from_db()
    assert catch_up.answer == ""

    catch_up.status = CatchUp.Status.SET
    catch_up.save()
    too_long = "x" * 5001
    page = as_user(trainee).post(
        reverse("training:catch_up_answer", args=[catch_up.pk]), {"answer": too_long}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "longer than 5000 characters" in html
    assert too_long in html
    catch_up.refresh_from_db()
    assert catch_up.answer == ""


def test_a_trainee_cannot_answer_someone_elses_task(
    as_user, trainee, other_enrolment, marked, five_sessions
):
    catch_up = CatchUp.objects.create(
        enrolment=other_enrolment, session_plan=five_sessions[0], kind=CatchUp.Kind.TASK
    )
    page = as_user(trainee).post(
        reverse("training:catch_up_answer", args=[catch_up.pk]), {"answer": "Mine now"}
    )
    assert page.status_code == 404
    catch_up.refresh_from_db()
    assert catch_up.answer == ""


def test_answering_needs_a_post(as_user, trainee, enrolment, marked, five_sessions):
    catch_up = CatchUp.objects.create(
        enrolment=enrolment, session_plan=five_sessions[0], kind=CatchUp.Kind.TASK
    )
    page = as_user(trainee).get(reverse("training:catch_up_answer", args=[catch_up.pk]))
    assert page.status_code == 405


# --- the trainee home ---------------------------------------------------------------------------


def test_the_home_shows_what_is_left_above_the_worksheets(as_user, trainee, marked):
    page = as_user(trainee).get(reverse("home"))

    html = page.content.decode()
    assert page.status_code == 200
    left = html.index("What is left to complete")
    assert left < html.index("What is next for me")
    # The first three items, then a link to the rest.
    assert "Come to Session 3 on" in html
    assert "Hand in the worksheet My role model" in html
    assert "You missed Session 1: ask your trainer for a catch-up" in html
    assert "Come to Session 4 on" not in html
    assert reverse("training:my_progress") in html
    # The next session, with its place.
    assert "My next session" in html
    assert "Where: Room 3" in html


def test_the_home_offers_check_in_on_the_day_of_a_session(
    as_user, trainee, cohort, five_sessions, calendar
):
    calendar[2].starts_at = timezone.now() + datetime.timedelta(minutes=5)
    calendar[2].save()
    if timezone.localdate(calendar[2].starts_at) != timezone.localdate():
        pytest.skip("Too close to midnight to have a session later today.")

    html = as_user(trainee).get(reverse("home")).content.decode()

    assert "Check in to today's session" in html
    assert f'href="{reverse("training:check_in")}"' in html


def test_no_check_in_link_without_a_session_today(as_user, trainee, calendar):
    html = as_user(trainee).get(reverse("home")).content.decode()
    assert "Check in to today" not in html


def test_the_home_costs_the_same_queries_for_3_or_30_trainees(
    as_user, programme, organisation, trainer, role_model, django_assert_max_num_queries
):
    plans_small = [make_session(programme, number=n) for n in (1, 2, 3)]
    small, small_trainees = build_cohort(programme, organisation, trainer, plans_small, 3, "A")
    large, large_trainees = build_cohort(programme, organisation, trainer, plans_small, 30, "B")
    counts = []
    for person in (small_trainees[0], large_trainees[0]):
        client = as_user(person)
        client.get(reverse("home"))  # warm shared caches
        with django_assert_max_num_queries(40) as captured:
            page = client.get(reverse("home"))
        assert page.status_code == 200
        assert "What is left to complete" in page.content.decode()
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_progress_page_costs_the_same_queries_for_few_or_many_sessions(
    as_user, programme, organisation, trainer, django_assert_max_num_queries
):
    from tests.factories import make_programme

    longer = make_programme("A longer programme")
    short_plans = [make_session(programme, number=n) for n in (1, 2)]
    long_plans = [make_session(longer, number=n) for n in range(1, 13)]
    _, small_trainees = build_cohort(programme, organisation, trainer, short_plans, 3, "A")
    _, large_trainees = build_cohort(longer, organisation, trainer, long_plans, 30, "B")
    counts = []
    for person in (small_trainees[0], large_trainees[0]):
        client = as_user(person)
        client.get(reverse("training:my_progress"))
        with django_assert_max_num_queries(30) as captured:
            page = client.get(reverse("training:my_progress"))
        assert page.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- the completion rule admin ------------------------------------------------------------------


def test_an_editor_creates_a_rule_in_the_admin_and_progress_is_recomputed(
    as_user,
    editor,
    cohort,
    enrolment,
    five_sessions,
    role_model,
    django_capture_on_commit_callbacks,
):
    sessions = [
        make_scheduled_session(cohort, plan, days_from_now=-20 + i)
        for i, plan in enumerate(five_sessions)
    ]
    for session in sessions[:3]:
        mark(session, enrolment, Status.PRESENT)
    client = as_user(editor)
    assert client.get(reverse("completion_rules:add")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("completion_rules:add"),
            {
                "programme": cohort.programme.pk,
                "min_attendance_percent": 60,
                "late_counts": "on",
                "left_early_counts": "on",
                "worksheets": "submitted",
                "optional_worksheets": [role_model.pk],
                "assessments": "taken",
                "catch_up_allowed": "on",
            },
        )

    assert page.status_code == 302, page.content.decode()[:2000]
    rule = CompletionRule.objects.get(programme=cohort.programme)
    assert (rule.assessments, rule.self_assessments) == ("taken", False)
    assert list(rule.optional_worksheets.all()) == [role_model]
    stored = ProgrammeProgress.objects.get(enrolment=enrolment)
    assert (stored.sessions_attended, stored.sessions_planned) == (3, 5)
    assert stored.worksheets_required == 0
    assert stored.is_complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_a_trainer_cannot_open_the_rule_admin(as_user, trainer):
    page = as_user(trainer).get(reverse("completion_rules:add"))
    assert page.status_code in (302, 403)
    assert not CompletionRule.objects.exists()
