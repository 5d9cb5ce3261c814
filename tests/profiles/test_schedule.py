"""The visual schedule's clock: stretched steps and the breaks a profile adds."""

import datetime
from decimal import Decimal

import pytest

from curriculum.timing import Minutes, TimedPart
from profiles.models import AdaptationProfile
from profiles.schedule import adapted_minutes, build_schedule

START = datetime.datetime(2027, 3, 2, 10, 0)


def parts(*items):
    """("activity", 30) or ("activity", 30, 40) or ("break", 10) as timed parts."""
    found = []
    for kind, *minutes in items:
        found.append(TimedPart(kind, kind.title(), Minutes.of(*minutes), value=None))
    return found


def profile(**fields):
    fields.setdefault("duration_factor", Decimal("1.25"))
    fields.setdefault("break_every_minutes", 45)
    fields.setdefault("break_minutes", 10)
    return AdaptationProfile(name="Test", **fields)


def times(schedule):
    return [
        (step.kind, step.starts.strftime("%H:%M"), step.ends.strftime("%H:%M"))
        for step in schedule.steps
    ]


@pytest.mark.parametrize(
    ("planned", "factor", "expected"),
    [
        (Minutes(30, 30), "1.25", 40),  # 37.5 rounded up to five minutes
        (Minutes(15, 15), "1.25", 20),  # 18.75
        (Minutes(20, 30), "1.25", 30),  # 25, but never less than the longest planned time
        (Minutes(30, 40), "1.50", 45),
        (Minutes(17, 17), "1", 17),  # no stretch: the planned time, not rounded
        (Minutes(20, 30), "1", 30),  # no stretch: the longest planned time
        (Minutes(10, 10), "1.00", 10),
    ],
)
def test_a_step_is_stretched_by_the_factor_and_rounded_up(planned, factor, expected):
    assert adapted_minutes(planned, Decimal(factor)) == expected


def test_the_demo_shape_gets_longer_steps_and_a_break_after_about_45_minutes():
    schedule = build_schedule(
        parts(("introduction", 15), ("activity", 30), ("activity", 30, 40), ("closure", 10)),
        starts=START,
        profile=profile(),
    )
    assert times(schedule) == [
        ("introduction", "10:00", "10:20"),
        ("activity", "10:20", "11:00"),
        ("break", "11:00", "11:10"),
        ("activity", "11:10", "11:50"),
        ("closure", "11:50", "12:05"),
    ]
    assert schedule.ends.strftime("%H:%M") == "12:05"
    assert schedule.total_minutes == 125
    assert len(schedule.added_breaks) == 1
    assert schedule.steps[2].added


def test_a_planned_break_resets_the_count_and_lasts_at_least_the_profiles_break():
    schedule = build_schedule(
        parts(
            ("introduction", 15),
            ("activity", 30),
            ("break", 5),
            ("activity", 30),
            ("activity", 30),
            ("closure", 10),
        ),
        starts=START,
        profile=profile(),
    )
    assert times(schedule) == [
        ("introduction", "10:00", "10:20"),
        ("activity", "10:20", "11:00"),
        # The plan's 5-minute break becomes 10, and no extra break is added before it.
        ("break", "11:00", "11:10"),
        ("activity", "11:10", "11:50"),
        ("activity", "11:50", "12:30"),
        ("break", "12:30", "12:40"),
        ("closure", "12:40", "12:55"),
    ]
    assert [step.added for step in schedule.steps if step.kind == "break"] == [False, True]


def test_no_break_is_added_after_the_last_step():
    schedule = build_schedule(
        parts(("introduction", 50), ("closure", 50)), starts=START, profile=profile()
    )
    assert [step.kind for step in schedule.steps] == ["introduction", "break", "closure"]
    assert schedule.steps[-1].kind == "closure"


def test_without_extra_breaks_or_stretch_the_schedule_follows_the_longest_planned_times():
    schedule = build_schedule(
        parts(("introduction", 15, 20), ("activity", 60), ("closure", 10)),
        starts=START,
        profile=profile(duration_factor=Decimal("1.00"), break_every_minutes=None),
    )
    assert times(schedule) == [
        ("introduction", "10:00", "10:20"),
        ("activity", "10:20", "11:20"),
        ("closure", "11:20", "11:30"),
    ]


def test_without_a_profile_the_times_are_the_plans():
    schedule = build_schedule(
        parts(("introduction", 15), ("activity", 30), ("break", 5), ("closure", 10)),
        starts=START,
    )
    assert schedule.total_minutes == 60
    assert [step.minutes for step in schedule.steps] == [15, 30, 5, 10]
