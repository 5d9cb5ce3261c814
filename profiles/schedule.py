"""The visual schedule: a session laid out step by step on the clock for an adapted cohort.

A session plan gives lengths such as "20-30 min" and a trainer's agenda shows windows
(``curriculum.timing.Agenda``). Someone who needs to know what comes next is better served
by one time per step, so the schedule plans for the longest time of each step and, with a
profile's duration factor, gives extra time on top. Breaks the profile asks for are added
between steps, never in the middle of one.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Stretched lengths are rounded up to whole five minutes: clock times such as 10:45 are
# easier to read and remember than 10:47, and the rounding only ever adds time.
ROUND_TO = 5

# How a trainee reads each way of working (curriculum.blocks.GROUPINGS), in running order.
TRAINEE_GROUPING_WORDS = {
    "individual": gettext_lazy("on your own"),
    "pairs": gettext_lazy("in pairs"),
    "small_groups": gettext_lazy("in small groups"),
    "plenary": gettext_lazy("with the whole group"),
}
GROUPING_ICONS = {
    "individual": "person",
    "pairs": "pair",
    "small_groups": "group",
    "plenary": "group",
}
LOW_DEMAND_ICONS = {"pairs": "pair", "writing": "writing", "own": "person"}


def adapted_minutes(planned, factor):
    """The length a step gets in an adapted schedule.

    ``planned`` is a ``curriculum.timing.Minutes``. With no stretch the step keeps the
    longest planned time. With a factor such as 1.25, the shortest time is stretched and
    rounded up to five minutes, and the step never gets less than its longest planned time.
    """
    factor = Decimal(factor or 1)
    if factor <= 1:
        return planned.high
    stretched = math.ceil(Decimal(planned.low) * factor / ROUND_TO) * ROUND_TO
    return max(planned.high, stretched)


@dataclass(frozen=True)
class Step:
    """One line of the visual schedule."""

    kind: str  # "introduction", "activity", "break" or "closure"
    title: str
    starts: datetime.datetime
    minutes: int
    value: object = None
    number: int | None = None
    # True for a break the profile added; False for one the session plan has.
    added: bool = False

    @property
    def ends(self):
        return self.starts + datetime.timedelta(minutes=self.minutes)

    @property
    def scenario(self):
        if self.kind != "activity" or self.value is None:
            return None
        return self.value.get("case_scenario")

    @property
    def groupings(self):
        if self.kind != "activity" or self.value is None:
            return []
        return list(self.value.get("groupings") or [])

    @property
    def low_demand_ways(self):
        if self.kind != "activity" or self.value is None:
            return []
        return list(self.value.get("low_demand_ways") or [])

    @property
    def how_you_work(self):
        """'On your own, then with the whole group.' from the activity's ways of working."""
        words = [
            TRAINEE_GROUPING_WORDS[code]
            for code in self.groupings
            if code in TRAINEE_GROUPING_WORDS
        ]
        if not words:
            return ""
        sentence = _(", then ").join(str(word) for word in words)
        return sentence[:1].upper() + sentence[1:] + "."

    def icon(self, *, low_demand=False):
        """The name of the symbol drawn beside the step (profiles/_icons.html)."""
        if self.kind == "introduction":
            return "hello"
        if self.kind == "closure":
            return "goodbye"
        if self.kind == "break":
            return "break"
        if self.scenario is not None:
            return "story"
        if low_demand:
            for code in self.low_demand_ways:
                if code in LOW_DEMAND_ICONS:
                    return LOW_DEMAND_ICONS[code]
        for code in self.groupings:
            if code in GROUPING_ICONS:
                return GROUPING_ICONS[code]
        return "group"


@dataclass
class VisualSchedule:
    starts: datetime.datetime
    steps: list[Step] = field(default_factory=list)

    @property
    def ends(self):
        return self.steps[-1].ends if self.steps else self.starts

    @property
    def total_minutes(self):
        return sum(step.minutes for step in self.steps)

    @property
    def breaks(self):
        return [step for step in self.steps if step.kind == "break"]

    @property
    def added_breaks(self):
        return [step for step in self.steps if step.added]


def build_schedule(parts, *, starts, profile=None):
    """Lay ``parts`` (``SessionPlanPage.timed_parts()``) on the clock from ``starts``.

    With a profile, steps are stretched by its duration factor; planned breaks last at
    least the profile's break length; and once ``break_every_minutes`` of work have passed
    since the last break, a break follows the step in which that happened, unless the
    next step is a break already or the session ends there.
    """
    factor = profile.duration_factor if profile is not None else 1
    every = profile.break_every_minutes if profile is not None else None
    break_length = profile.break_minutes if profile is not None else 0
    schedule = VisualSchedule(starts=starts)
    moment = starts
    since_break = 0
    parts = list(parts)

    def add(step):
        nonlocal moment
        schedule.steps.append(step)
        moment = step.ends

    for index, part in enumerate(parts):
        if part.kind == "break":
            add(
                Step(
                    "break",
                    part.title,
                    moment,
                    max(part.minutes.high, break_length),
                    value=part.value,
                )
            )
            since_break = 0
            continue
        minutes = adapted_minutes(part.minutes, factor)
        add(Step(part.kind, part.title, moment, minutes, value=part.value, number=part.number))
        since_break += minutes
        following = parts[index + 1] if index + 1 < len(parts) else None
        if every and following is not None and following.kind != "break" and since_break >= every:
            add(Step("break", _("Break"), moment, break_length, added=True))
            since_break = 0
    return schedule
