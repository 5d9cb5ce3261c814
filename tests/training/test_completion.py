"""The completion engine: planned sessions, the rule's switches, catch-ups, worksheets, stored
progress and enrolment status, and what is left in plain words."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

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
from training.completion import (
    RequirementResult,
    progress_for,
    recompute_enrolments,
    recompute_programme,
    register_requirement_provider,
    requirement_providers,
    rule_for,
    what_is_left,
)
from training.models import (
    AttendanceMark,
    CatchUp,
    CompletionRule,
    Enrolment,
    ProgrammeProgress,
)
from training.signals import progress_inputs_changed
from worksheets.models import WorksheetResponse

Status = AttendanceMark.Status
Response = WorksheetResponse.Status


def plans(programme, count, worksheets=None):
    """``count`` published session plans; ``worksheets`` maps a number to a worksheet."""
    worksheets = worksheets or {}
    return [
        make_session(
            programme,
            number=n,
            title=f"Session {n}",
            activities=[activity(worksheet=worksheets.get(n))],
        )
        for n in range(1, count + 1)
    ]


def held(cohort, plan_list, count):
    """The first ``count`` plans held in the past, one day apart; the rest ahead."""
    return [
        make_scheduled_session(cohort, plan, days_from_now=(-30 + i) if i < count else 7 + i)
        for i, plan in enumerate(plan_list)
    ]


def progress(enrolment):
    return progress_for([enrolment])[0]


def texts(items):
    return [item.text for item in items]


# --- planned sessions ---------------------------------------------------------------------------


def test_attendance_is_a_share_of_all_planned_sessions_not_only_those_held(cohort, enrolment):
    plan_list = plans(cohort.programme, 5)
    sessions = held(cohort, plan_list, 2)
    mark(sessions[0], enrolment, Status.PRESENT)
    mark(sessions[1], enrolment, Status.PRESENT)

    result = progress(enrolment)

    assert result.sessions_planned == 5
    assert result.sessions_counted == 2
    assert result.sessions_held == 2
    assert result.attendance_percent == 40
    assert result.sessions_needed == 4
    assert not result.attendance_ok
    assert not result.is_complete
    recompute_enrolments([enrolment.pk])
    stored = ProgrammeProgress.objects.get(enrolment=enrolment)
    assert (stored.sessions_planned, stored.sessions_attended, stored.sessions_held) == (5, 2, 2)
    assert stored.attendance_percent == 40
    assert not stored.is_complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_eighty_percent_of_planned_sessions_completes_and_sets_the_enrolment_completed(
    cohort, enrolment, other_enrolment
):
    plan_list = plans(cohort.programme, 5)
    sessions = held(cohort, plan_list, 5)
    for session in sessions[:4]:
        mark(session, enrolment, Status.PRESENT)
    for session in sessions[:3]:
        mark(session, other_enrolment, Status.PRESENT)

    recompute_enrolments([enrolment.pk, other_enrolment.pk])

    enrolment.refresh_from_db()
    other_enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at is not None
    assert ProgrammeProgress.objects.get(enrolment=enrolment).is_complete
    assert other_enrolment.status == Enrolment.Status.ACTIVE
    assert other_enrolment.completed_at is None
    assert not ProgrammeProgress.objects.get(enrolment=other_enrolment).is_complete


def test_a_programme_without_published_sessions_completes_nobody(cohort, enrolment):
    recompute_enrolments([enrolment.pk])
    assert not ProgrammeProgress.objects.get(enrolment=enrolment).is_complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_a_withdrawn_trainee_is_never_marked_completed(cohort, enrolment):
    sessions = held(cohort, plans(cohort.programme, 1), 1)
    mark(sessions[0], enrolment, Status.PRESENT)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)

    recompute_enrolments([enrolment.pk])

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert ProgrammeProgress.objects.get(enrolment=enrolment).is_complete


# --- the rule's switches ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "switch", "counts_when_on"),
    [(Status.LATE, "late_counts", True), (Status.LEFT_EARLY, "left_early_counts", True)],
)
def test_late_and_left_early_count_only_when_the_rule_says_so(
    cohort, enrolment, status, switch, counts_when_on
):
    sessions = held(cohort, plans(cohort.programme, 2), 2)
    mark(sessions[0], enrolment, status)
    mark(sessions[1], enrolment, Status.PRESENT)

    assert progress(enrolment).sessions_counted == 2
    CompletionRule.objects.create(programme=cohort.programme, **{switch: False})
    result = progress(enrolment)
    assert result.sessions_counted == 1
    assert not result.sessions[0].attended
    assert "does not count" in result.sessions[0].state_label
    assert result.sessions[0].missed


@pytest.mark.parametrize("status", [Status.EXCUSED, Status.ABSENT])
def test_excused_and_absent_do_not_count(cohort, enrolment, status):
    sessions = held(cohort, plans(cohort.programme, 2), 2)
    mark(sessions[0], enrolment, status)
    mark(sessions[1], enrolment, Status.PRESENT)

    result = progress(enrolment)

    assert result.sessions_counted == 1
    assert result.sessions[0].state == status
    assert result.sessions[0].missed


def test_rule_for_gives_an_unsaved_default_or_the_saved_rule(programme):
    default = rule_for(programme)
    assert default.pk is None
    assert default.min_attendance_percent == 80
    saved = CompletionRule.objects.create(programme=programme, min_attendance_percent=60)
    assert rule_for(programme) == saved


# --- catch-ups ----------------------------------------------------------------------------------


def test_a_catch_up_task_counts_once_the_trainer_confirms_it(cohort, enrolment, trainer):
    plan_list = plans(cohort.programme, 1)
    sessions = held(cohort, plan_list, 1)
    mark(sessions[0], enrolment, Status.ABSENT)
    catch_up = CatchUp.objects.create(
        enrolment=enrolment, session_plan=plan_list[0], kind=CatchUp.Kind.TASK, task="Read"
    )
    assert not progress(enrolment).sessions[0].caught_up

    catch_up.status = CatchUp.Status.DONE
    catch_up.save()
    result = progress(enrolment)
    assert result.sessions[0].caught_up
    assert result.sessions[0].state == "caught_up"
    assert result.is_complete

    CompletionRule.objects.create(programme=cohort.programme, catch_up_allowed=False)
    assert not progress(enrolment).is_complete


def test_a_cancelled_catch_up_does_not_count(cohort, enrolment):
    plan_list = plans(cohort.programme, 1)
    held(cohort, plan_list, 1)
    CatchUp.objects.create(
        enrolment=enrolment,
        session_plan=plan_list[0],
        kind=CatchUp.Kind.TASK,
        status=CatchUp.Status.CANCELLED,
    )
    assert not progress(enrolment).sessions[0].caught_up


def test_attending_the_session_with_another_group_counts(
    cohort, enrolment, programme, organisation, trainer
):
    plan_list = plans(programme, 2)
    sessions = held(cohort, plan_list, 2)
    mark(sessions[0], enrolment, Status.PRESENT)
    mark(sessions[1], enrolment, Status.ABSENT)
    autumn = make_cohort(programme, organisation, name="Kent, autumn")
    theirs = make_scheduled_session(autumn, plan_list[1], days_from_now=-1)
    CatchUp.objects.create(
        enrolment=enrolment,
        session_plan=plan_list[1],
        kind=CatchUp.Kind.OTHER_COHORT,
        scheduled_session=theirs,
    )
    assert not progress(enrolment).sessions[1].caught_up

    # The register of the other group marks the guest on their own enrolment.
    mark(theirs, enrolment, Status.PRESENT)

    result = progress(enrolment)
    assert result.sessions[1].caught_up
    assert result.sessions_counted == 2
    assert result.is_complete


# --- worksheets ---------------------------------------------------------------------------------


@pytest.fixture
def role_model():
    return worksheet_with_parts("My role model", part("reflection"))


@pytest.mark.parametrize(
    ("requirement", "status", "done"),
    [
        ("submitted", Response.SUBMITTED, True),
        ("submitted", Response.ACCEPTED, True),
        ("submitted", Response.RETURNED, False),
        ("submitted", Response.DRAFT, False),
        ("accepted", Response.SUBMITTED, False),
        ("accepted", Response.ACCEPTED, True),
        ("accepted", Response.RETURNED, False),
    ],
)
def test_worksheets_done_follow_the_rule(cohort, enrolment, role_model, requirement, status, done):
    sessions = held(cohort, plans(cohort.programme, 1, {1: role_model}), 1)
    mark(sessions[0], enrolment, Status.PRESENT)
    CompletionRule.objects.create(programme=cohort.programme, worksheets=requirement)
    WorksheetResponse.objects.create(enrolment=enrolment, worksheet=role_model, status=status)

    result = progress(enrolment)

    assert result.worksheets_required == 1
    assert result.worksheets_done == (1 if done else 0)
    assert result.sessions[0].is_complete is done
    assert result.is_complete is done


def test_optional_worksheets_and_a_rule_without_worksheets_require_nothing(
    cohort, enrolment, role_model
):
    sessions = held(cohort, plans(cohort.programme, 1, {1: role_model}), 1)
    mark(sessions[0], enrolment, Status.PRESENT)
    assert not progress(enrolment).is_complete

    rule = CompletionRule.objects.create(programme=cohort.programme)
    rule.optional_worksheets.add(role_model)
    result = progress(enrolment)
    assert result.worksheets_required == 0
    assert result.is_complete

    rule.optional_worksheets.clear()
    rule.worksheets = CompletionRule.WorksheetRequirement.NONE
    rule.save()
    assert progress(enrolment).is_complete


# --- recomputed when things change --------------------------------------------------------------


def test_a_rule_change_recomputes_stored_progress_and_status_both_ways(
    cohort, enrolment, django_capture_on_commit_callbacks
):
    sessions = held(cohort, plans(cohort.programme, 5), 5)
    for session in sessions[:4]:
        mark(session, enrolment, Status.PRESENT)
    recompute_enrolments([enrolment.pk])
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED

    with django_capture_on_commit_callbacks(execute=True):
        rule = CompletionRule.objects.create(programme=cohort.programme, min_attendance_percent=100)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.completed_at is None
    assert not ProgrammeProgress.objects.get(enrolment=enrolment).is_complete

    with django_capture_on_commit_callbacks(execute=True):
        rule.min_attendance_percent = 60
        rule.save()

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert ProgrammeProgress.objects.get(enrolment=enrolment).is_complete


def test_a_completion_set_by_hand_is_kept_when_the_rule_is_not_met(
    cohort, enrolment, django_capture_on_commit_callbacks
):
    held(cohort, plans(cohort.programme, 2), 2)
    recompute_enrolments([enrolment.pk])
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)

    with django_capture_on_commit_callbacks(execute=True):
        CompletionRule.objects.create(programme=cohort.programme, min_attendance_percent=50)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_changing_optional_worksheets_recomputes(
    cohort, enrolment, role_model, django_capture_on_commit_callbacks
):
    sessions = held(cohort, plans(cohort.programme, 1, {1: role_model}), 1)
    mark(sessions[0], enrolment, Status.PRESENT)
    rule = CompletionRule.objects.create(programme=cohort.programme)
    recompute_enrolments([enrolment.pk])
    assert not ProgrammeProgress.objects.get(enrolment=enrolment).is_complete

    with django_capture_on_commit_callbacks(execute=True):
        rule.optional_worksheets.add(role_model)

    assert ProgrammeProgress.objects.get(enrolment=enrolment).is_complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_publishing_a_new_session_plan_changes_the_planned_count(
    cohort, enrolment, django_capture_on_commit_callbacks
):
    sessions = held(cohort, plans(cohort.programme, 4), 4)
    for session in sessions:
        mark(session, enrolment, Status.PRESENT)
    recompute_enrolments([enrolment.pk])
    assert ProgrammeProgress.objects.get(enrolment=enrolment).sessions_planned == 4

    with django_capture_on_commit_callbacks(execute=True):
        extra = [make_session(cohort.programme, number=n) for n in (5, 6)]

    stored = ProgrammeProgress.objects.get(enrolment=enrolment)
    assert stored.sessions_planned == 6
    # 4 of 6 is 67%, below 80%.
    assert not stored.is_complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE

    with django_capture_on_commit_callbacks(execute=True):
        extra[1].unpublish()

    assert ProgrammeProgress.objects.get(enrolment=enrolment).sessions_planned == 5
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_handing_in_a_worksheet_recomputes_but_an_autosave_does_not(
    cohort, enrolment, role_model, django_capture_on_commit_callbacks, django_assert_num_queries
):
    sessions = held(cohort, plans(cohort.programme, 1, {1: role_model}), 1)
    mark(sessions[0], enrolment, Status.PRESENT)
    with django_capture_on_commit_callbacks(execute=True):
        response = WorksheetResponse.objects.create(enrolment=enrolment, worksheet=role_model)
    assert not ProgrammeProgress.objects.filter(enrolment=enrolment).exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response.answers = {"a": "text"}
        response.save(update_fields=["answers", "version", "updated_at"])
    assert callbacks == []

    with django_capture_on_commit_callbacks(execute=True):
        response.status = Response.SUBMITTED
        response.save(update_fields=["status", "submitted_at", "updated_at"])
    assert ProgrammeProgress.objects.get(enrolment=enrolment).is_complete

    with django_capture_on_commit_callbacks(execute=True):
        response.delete()
    assert not ProgrammeProgress.objects.get(enrolment=enrolment).is_complete


def test_the_progress_signal_recomputes_the_enrolments_it_names(cohort, enrolment):
    sessions = held(cohort, plans(cohort.programme, 1), 1)
    mark(sessions[0], enrolment, Status.PRESENT)

    progress_inputs_changed.send(sender=AttendanceMark, enrolment_ids=[enrolment.pk])

    assert ProgrammeProgress.objects.get(enrolment=enrolment).is_complete


def test_recompute_programme_and_the_command_cover_every_cohort(
    cohort, enrolment, other_cohort, programme
):
    plans(programme, 1)
    assert recompute_programme(programme) == 3
    assert ProgrammeProgress.objects.count() == 3
    ProgrammeProgress.objects.all().delete()
    call_command("recompute_progress", "--programme", str(programme.pk), verbosity=0)
    assert ProgrammeProgress.objects.count() == 3


# --- the extension point ------------------------------------------------------------------------


def test_a_requirement_provider_adds_required_assessments(cohort, enrolment):
    sessions = held(cohort, plans(cohort.programme, 1), 1)
    mark(sessions[0], enrolment, Status.PRESENT)

    def final_quiz(programme, enrolments):
        return {
            e.pk: RequirementResult(required=1, passed=0, left=["Pass the quiz"])
            for e in enrolments
        }

    register_requirement_provider(final_quiz)
    try:
        result = progress(enrolment)
        assert (result.assessments_required, result.assessments_passed) == (1, 0)
        assert not result.is_complete
        assert "Pass the quiz" in texts(what_is_left(result))
    finally:
        requirement_providers.remove(final_quiz)
    assert progress(enrolment).is_complete


# --- what is left -------------------------------------------------------------------------------


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def test_what_is_left_speaks_plainly(cohort, enrolment, role_model):
    plan_list = plans(cohort.programme, 5, {2: role_model})
    sessions = held(cohort, plan_list[:2], 2)
    mark(sessions[0], enrolment, Status.ABSENT)
    mark(sessions[1], enrolment, Status.PRESENT)
    make_scheduled_session(cohort, plan_list[2], starts_at=at(datetime.date(2031, 4, 15)))
    make_scheduled_session(cohort, plan_list[3], starts_at=at(datetime.date(2031, 4, 22)))

    items = texts(what_is_left(progress(enrolment)))

    assert items == [
        "Come to Session 3 on Tuesday 15 April at 10:00",
        "Hand in the worksheet My role model",
        "You missed Session 1: ask your trainer for a catch-up",
        "Come to Session 4 on Tuesday 22 April at 10:00",
        "1 more session still needs a date: your trainer will tell you",
        # 5 planned, 4 needed: one miss allowed, and Session 1 is already missed.
        "Come to every session that is left to complete the programme",
    ]


def test_what_is_left_counts_the_misses_still_allowed(cohort, enrolment):
    CompletionRule.objects.create(programme=cohort.programme, min_attendance_percent=60)
    sessions = held(cohort, plans(cohort.programme, 5), 2)
    mark(sessions[0], enrolment, Status.ABSENT)
    mark(sessions[1], enrolment, Status.PRESENT)

    items = texts(what_is_left(progress(enrolment)))

    assert items[-1] == "You can miss at most 1 more session"


def test_what_is_left_names_catch_ups_and_returned_worksheets(
    cohort, enrolment, role_model, programme, organisation
):
    plan_list = plans(programme, 2, {1: role_model})
    sessions = held(cohort, plan_list, 2)
    mark(sessions[0], enrolment, Status.PRESENT)
    mark(sessions[1], enrolment, Status.EXCUSED)
    WorksheetResponse.objects.create(
        enrolment=enrolment, worksheet=role_model, status=Response.RETURNED
    )
    autumn = make_cohort(programme, organisation, name="Kent, autumn")
    theirs = make_scheduled_session(
        autumn, plan_list[1], starts_at=at(datetime.date(2031, 4, 15), 14), place="Hall B"
    )
    CatchUp.objects.create(
        enrolment=enrolment,
        session_plan=plan_list[1],
        kind=CatchUp.Kind.OTHER_COHORT,
        scheduled_session=theirs,
    )

    items = what_is_left(progress(enrolment))

    assert texts(items)[:2] == [
        "Come to Session 2 with the group Kent, autumn on Tuesday 15 April at 14:00",
        "Your trainer gave back the worksheet My role model: change it and hand it in again",
    ]
    assert items[0].detail == "Hall B"


def test_what_is_left_says_when_the_programme_is_complete(cohort, enrolment):
    sessions = held(cohort, plans(cohort.programme, 1), 1)
    mark(sessions[0], enrolment, Status.PRESENT)
    assert texts(what_is_left(progress(enrolment))) == ["You have completed the programme"]


def test_worksheets_are_read_as_the_worksheets_app_reads_them(programme, role_model):
    from training.completion import _worksheets_by_plan, planned_sessions
    from worksheets.selectors import programme_worksheets

    other = worksheet_with_parts("Other", part("reflection"))
    make_session(programme, number=1, activities=[activity(worksheet=role_model)])
    make_session(programme, number=2, activities=[activity(), activity(worksheet=other)])
    # Used again later: counted once, in the first session.
    make_session(programme, number=3, activities=[activity(worksheet=role_model)])

    mine = _worksheets_by_plan({programme.pk: planned_sessions(programme)})[programme.pk]

    theirs = {}
    for session, worksheet in programme_worksheets(programme):
        theirs.setdefault(session.pk, []).append(worksheet)
    assert mine == theirs
    assert sum(len(w) for w in mine.values()) == 2


# --- queries ------------------------------------------------------------------------------------


def cohort_of(size, programme, organisation, plan_list, name):
    trainees = [UserFactory() for _ in range(size)]
    group = make_cohort(programme, organisation, trainees=trainees, name=name)
    sessions = [
        make_scheduled_session(group, plan, days_from_now=-10 + i)
        for i, plan in enumerate(plan_list)
    ]
    for enrolment in group.enrolments.all():
        for session in sessions[:3]:
            mark(session, enrolment, Status.PRESENT)
    return group


def test_recompute_costs_the_same_queries_for_3_or_30_trainees(
    programme, organisation, role_model, django_assert_max_num_queries
):
    plan_list = plans(programme, 5, {1: role_model})
    small = cohort_of(3, programme, organisation, plan_list, "Small")
    large = cohort_of(30, programme, organisation, plan_list, "Large")
    counts = []
    for group in (small, large):
        ids = list(group.enrolments.values_list("pk", flat=True))
        with django_assert_max_num_queries(20) as captured:
            recompute_enrolments(ids)
        counts.append(len(captured.captured_queries))
        # The second run updates the rows in place.
        with django_assert_max_num_queries(20):
            recompute_enrolments(ids)
    assert counts[0] == counts[1]
    assert ProgrammeProgress.objects.filter(enrolment__cohort=large).count() == 30
