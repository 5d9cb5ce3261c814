"""Minutes, ranges of minutes and the clock-time agenda of a session.

Session plans give durations such as "30 min" or "20-30 min". A trainer needs to know when
each part starts; with ranges, a part can start anywhere in a window, so the agenda carries
an earliest and a latest start for every part rather than pretending to one exact time.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Minutes:
    """A planned length: fixed (``low == high``) or a range such as 20-30 minutes."""

    low: int
    high: int

    @classmethod
    def of(cls, low, high=None):
        """A length from stored values, which may be missing or, in old data, text."""
        low = _whole_minutes(low)
        high = _whole_minutes(high) or low
        return cls(low, max(low, high))

    @property
    def is_range(self):
        return self.high != self.low

    def __add__(self, other):
        return Minutes(self.low + other.low, self.high + other.high)

    def __str__(self):
        if self.is_range:
            return _("%(low)s–%(high)s min") % {"low": self.low, "high": self.high}
        return _("%(low)s min") % {"low": self.low}


ZERO = Minutes(0, 0)


def _whole_minutes(value):
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class Window:
    """A moment known only to lie between two clock times."""

    earliest: datetime.datetime
    latest: datetime.datetime

    def shifted(self, minutes: Minutes):
        return Window(
            self.earliest + datetime.timedelta(minutes=minutes.low),
            self.latest + datetime.timedelta(minutes=minutes.high),
        )

    def __str__(self):
        first = self.earliest.strftime("%H:%M")
        if self.latest == self.earliest:
            return first
        return f"{first}–{self.latest.strftime('%H:%M')}"


@dataclass(frozen=True)
class TimedPart:
    """One part of a session in running order: the introduction, an activity, a break or
    the closure. ``value`` is the StreamField value for activities and breaks."""

    kind: str
    title: str
    minutes: Minutes
    value: object = None
    number: int | None = None


@dataclass(frozen=True)
class AgendaItem:
    part: TimedPart
    starts: Window
    ends: Window

    def __getattr__(self, name):
        # Templates read item.title, item.kind... straight through to the part.
        return getattr(self.part, name)


@dataclass
class Agenda:
    """The parts of a session laid on the clock from a start time."""

    start: datetime.time
    planned_minutes: int
    items: list[AgendaItem] = field(default_factory=list)

    @classmethod
    def build(cls, parts, *, start: datetime.time, planned_minutes: int):
        agenda = cls(start=start, planned_minutes=planned_minutes)
        # Any fixed date will do: only the clock time is ever shown.
        moment = datetime.datetime.combine(datetime.date(2000, 1, 3), start)
        window = Window(moment, moment)
        for part in parts:
            ends = window.shifted(part.minutes)
            agenda.items.append(AgendaItem(part=part, starts=window, ends=ends))
            window = ends
        return agenda

    @property
    def total(self):
        total = ZERO
        for item in self.items:
            total = total + item.minutes
        return total

    @property
    def ends(self):
        if not self.items:
            moment = datetime.datetime.combine(datetime.date(2000, 1, 3), self.start)
            return Window(moment, moment)
        return self.items[-1].ends

    @property
    def booked_until(self):
        moment = datetime.datetime.combine(datetime.date(2000, 1, 3), self.start)
        return moment + datetime.timedelta(minutes=self.planned_minutes)

    @property
    def fits(self):
        """True when the shortest version of every part fits in the planned time."""
        return self.total.low <= self.planned_minutes

    @property
    def may_overrun(self):
        """True when the longest version of the parts would run past the planned time."""
        return self.total.high > self.planned_minutes


START_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_start_time(raw, default=datetime.time(10, 0)):
    """Read a start time such as ``09:30`` or ``9:30`` from a query string; anything else
    falls back to ``default`` rather than guessing."""
    match = START_TIME.match(raw or "")
    if not match:
        return default
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return default
    return datetime.time(hour, minute)
