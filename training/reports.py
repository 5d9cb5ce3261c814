"""Figures for programme managers: peer supporters trained against targets, attendance and
drop-out, per cohort and per session.

Funders ask how many peer supporters an organisation has trained and whether trainees come
to the sessions. These selectors answer in a fixed number of queries whatever the number of
cohorts, trainees or marks: the database counts (grouped ``COUNT ... FILTER``), Python only
joins the few grouped rows together. The web page, the spreadsheet and the PDF all read the
same ``Report``, so the three never disagree.

Definitions, kept in one place because the page explains them in plain words:

* **trained** (completed): the enrolment's status is "Completed". Trainees whose stored
  progress meets the completion rule but whose place is not marked completed yet are counted
  apart as "ready to sign off", never as trained;
* **in training**: invited or active; **withdrawn**: left the programme;
* only *training* sessions count (support and supervision meetings do not);
* a session is **held** when it is not cancelled and its register was taken or its start
  time has passed (the same rule as ``ScheduledSession.is_held``, written in SQL);
* **planned** sessions are the programme's published session plans;
* **attendance rate**: marks "present", "late" or "left early" in held sessions, divided by
  (trainees still enrolled × sessions held). Trainees who withdrew are left out of both,
  and so are visitors catching up a session from another cohort;
* **drop-out rate**: withdrawn ÷ everyone ever enrolled in the cohort.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import ProgrammePage, SessionPlanPage
from lms.roles import Role, has_role

from .access import managed_cohorts
from .models import (
    AttendanceMark,
    Cohort,
    Enrolment,
    Organisation,
    ScheduledSession,
    TrainingTarget,
)

IN_TRAINING = (Enrolment.Status.INVITED, Enrolment.Status.ACTIVE)
IN_THE_ROOM = tuple(AttendanceMark.IN_THE_ROOM)


def can_see_reports(user):
    """Programme managers (and superusers, through ``has_role``) read the reports."""
    return user.is_authenticated and has_role(user, Role.PROGRAMME_MANAGER)


def report_organisations(user):
    """Organisations whose figures this person may read: all for a superuser, the ones a
    programme manager belongs to, none for anyone else. An organisation with a target and
    no cohort yet still shows, with nothing trained."""
    if not can_see_reports(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(members=user)


def report_programmes(user):
    """Programmes that appear in this person's figures: run by one of their cohorts or
    named in one of their organisations' targets (published or not)."""
    return ProgrammePage.objects.filter(
        Q(pk__in=managed_cohorts(user).values("programme"))
        | Q(
            pk__in=TrainingTarget.objects.filter(
                organisation__in=report_organisations(user)
            ).values("programme")
        )
    ).order_by("title")


@dataclass(frozen=True)
class ReportFilters:
    organisation: Organisation | None = None
    programme: ProgrammePage | None = None
    starts_from: date | None = None
    starts_to: date | None = None
    # Only for the per-session section: one cohort's sessions instead of all by number.
    cohort: Cohort | None = None

    @property
    def by_date(self):
        return bool(self.starts_from or self.starts_to)


def filtered_cohorts(user, filters=None):
    """The cohorts in scope after the organisation, programme and date filters. A date
    filter leaves out cohorts without a first session date."""
    filters = filters or ReportFilters()
    cohorts = managed_cohorts(user)
    if filters.organisation:
        cohorts = cohorts.filter(organisation=filters.organisation)
    if filters.programme:
        cohorts = cohorts.filter(programme=filters.programme)
    if filters.starts_from:
        cohorts = cohorts.filter(starts_on__gte=filters.starts_from)
    if filters.starts_to:
        cohorts = cohorts.filter(starts_on__lte=filters.starts_to)
    return cohorts


def held_q(now, prefix=""):
    """``ScheduledSession.is_held`` as a Q object, optionally through a relation."""
    return Q(**{f"{prefix}cancelled": False}) & (
        Q(**{f"{prefix}register_taken_at__isnull": False}) | Q(**{f"{prefix}starts_at__lte": now})
    )


def percent(part, whole):
    """``part`` as a whole-number percentage of ``whole`` (halves rounded up), or None when
    there is nothing to divide by, which the page shows as a dash rather than 0%."""
    if not whole:
        return None
    value = Decimal(100 * part) / Decimal(whole)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- 1. trained against target -----------------------------------------------------------


@dataclass
class TargetRow:
    organisation_id: int
    organisation: str
    programme_id: int
    programme: str
    target: int | None = None
    due_by: date | None = None
    enrolled: int = 0
    completed: int = 0
    in_training: int = 0
    withdrawn: int = 0
    ready: int = 0

    @property
    def percent_of_target(self):
        return percent(self.completed, self.target)

    @property
    def label(self):
        return f"{self.organisation} · {self.programme}"


def enrolment_counts(queryset, *group_by):
    """Enrolments of ``queryset`` counted by status, grouped by ``group_by`` fields."""
    return (
        queryset.order_by()
        .values(*group_by)
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
            in_training=Count("pk", filter=Q(status__in=IN_TRAINING)),
            withdrawn=Count("pk", filter=Q(status=Enrolment.Status.WITHDRAWN)),
            ready=Count("pk", filter=Q(status__in=IN_TRAINING, progress__is_complete=True)),
        )
    )


def target_rows(user, filters=None):
    """One row per organisation and programme that has a target or a cohort in scope, in
    two queries. The date filter narrows the counts to cohorts starting in those dates;
    targets are shown whatever the dates, since they are not tied to a cohort."""
    filters = filters or ReportFilters()
    targets = TrainingTarget.objects.filter(
        organisation__in=report_organisations(user)
    ).select_related("organisation", "programme")
    if filters.organisation:
        targets = targets.filter(organisation=filters.organisation)
    if filters.programme:
        targets = targets.filter(programme=filters.programme)
    rows = {}
    for target in targets:
        rows[(target.organisation_id, target.programme_id)] = TargetRow(
            organisation_id=target.organisation_id,
            organisation=target.organisation.name,
            programme_id=target.programme_id,
            programme=target.programme.title,
            target=target.trained,
            due_by=target.due_by,
        )
    counts = enrolment_counts(
        Enrolment.objects.filter(cohort__in=filtered_cohorts(user, filters).values("pk")),
        "cohort__organisation_id",
        "cohort__organisation__name",
        "cohort__programme_id",
        "cohort__programme__title",
    )
    for group in counts:
        key = (group["cohort__organisation_id"], group["cohort__programme_id"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = TargetRow(
                organisation_id=key[0],
                organisation=group["cohort__organisation__name"],
                programme_id=key[1],
                programme=group["cohort__programme__title"],
            )
        for name in ("enrolled", "completed", "in_training", "withdrawn", "ready"):
            setattr(row, name, group[name])
    return sorted(rows.values(), key=lambda r: (r.organisation.lower(), r.programme.lower()))


@dataclass
class ProgrammeHeadline:
    """Trained against target for one programme, summed over the person's organisations."""

    programme: str
    target: int | None
    completed: int
    in_training: int

    @property
    def percent_of_target(self):
        return percent(self.completed, self.target)


def programme_headlines(rows):
    by_programme = {}
    for row in rows:
        headline = by_programme.setdefault(
            row.programme_id, ProgrammeHeadline(row.programme, None, 0, 0)
        )
        if row.target is not None:
            headline.target = (headline.target or 0) + row.target
        headline.completed += row.completed
        headline.in_training += row.in_training
    return sorted(by_programme.values(), key=lambda h: h.programme.lower())


# --- 2. per cohort -----------------------------------------------------------------------


@dataclass
class CohortRow:
    pk: int
    name: str
    organisation: str
    programme: str
    starts_on: date | None
    ends_on: date | None
    enrolled: int = 0
    completed: int = 0
    in_training: int = 0
    withdrawn: int = 0
    sessions_held: int = 0
    sessions_planned: int = 0
    sessions_cancelled: int = 0
    in_the_room: int = 0

    @property
    def still_enrolled(self):
        return self.enrolled - self.withdrawn

    @property
    def expected(self):
        """Attendances there would be if every trainee still enrolled came to every
        session held so far."""
        return self.still_enrolled * self.sessions_held

    @property
    def attendance_percent(self):
        return percent(self.in_the_room, self.expected)

    @property
    def dropout_percent(self):
        return percent(self.withdrawn, self.enrolled)


def planned_sessions_by_programme_path():
    """Published session plans counted by their programme's tree path, in one query; the
    curriculum is small next to the delivery data, so its paths are read whole."""
    counts = {}
    steplen = SessionPlanPage.steplen
    for path in SessionPlanPage.objects.live().values_list("path", flat=True):
        parent = path[:-steplen]
        counts[parent] = counts.get(parent, 0) + 1
    return counts


def in_the_room_marks(cohort_ids, now):
    """Marks that count towards attendance: in the room, in a held training session of the
    trainee's own cohort, for a trainee who has not withdrawn."""
    return (
        AttendanceMark.objects.filter(
            scheduled_session__cohort__in=cohort_ids,
            scheduled_session__kind=ScheduledSession.Kind.TRAINING,
            status__in=IN_THE_ROOM,
            enrolment__cohort=F("scheduled_session__cohort"),
        )
        .filter(held_q(now, "scheduled_session__"))
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .order_by()
    )


def cohort_rows(user, filters=None, *, now=None):
    """One row per cohort in scope, in five queries whatever their number."""
    filters = filters or ReportFilters()
    now = now or timezone.now()
    cohorts = filtered_cohorts(user, filters)
    cohort_ids = cohorts.values("pk")
    values = cohorts.order_by("organisation__name", "starts_on", "name", "pk").values(
        "pk",
        "name",
        "starts_on",
        "ends_on",
        "organisation__name",
        "programme__title",
        "programme__path",
    )
    if not values:
        return []
    planned = planned_sessions_by_programme_path()
    rows = {
        c["pk"]: CohortRow(
            pk=c["pk"],
            name=c["name"],
            organisation=c["organisation__name"],
            programme=c["programme__title"],
            starts_on=c["starts_on"],
            ends_on=c["ends_on"],
            sessions_planned=planned.get(c["programme__path"], 0),
        )
        for c in values
    }
    for group in enrolment_counts(Enrolment.objects.filter(cohort__in=cohort_ids), "cohort_id"):
        row = rows[group["cohort_id"]]
        for name in ("enrolled", "completed", "in_training", "withdrawn"):
            setattr(row, name, group[name])
    sessions = (
        ScheduledSession.objects.filter(cohort__in=cohort_ids, kind=ScheduledSession.Kind.TRAINING)
        .order_by()
        .values("cohort_id")
        .annotate(
            held=Count("pk", filter=held_q(now)),
            cancelled=Count("pk", filter=Q(cancelled=True)),
        )
    )
    for group in sessions:
        row = rows[group["cohort_id"]]
        row.sessions_held = group["held"]
        row.sessions_cancelled = group["cancelled"]
    marks = (
        in_the_room_marks(cohort_ids, now)
        .values("scheduled_session__cohort_id")
        .annotate(n=Count("pk"))
    )
    for group in marks:
        rows[group["scheduled_session__cohort_id"]].in_the_room = group["n"]
    return list(rows.values())


# --- 3. per session ----------------------------------------------------------------------


@dataclass
class SessionRow:
    """Attendance at one session of one cohort, or at every cohort's session of a number."""

    number: int | None
    title: str
    starts_at: datetime | None = None
    held: int = 0  # sessions held (0 or 1 for a single cohort's session)
    cancelled: bool = False
    expected: int = 0
    in_the_room: int = 0
    late: int = 0
    left_early: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def attendance_percent(self):
        return percent(self.in_the_room, self.expected)


def cohort_session_rows(cohort, *, now=None):
    """Each training session of one cohort with its attendance, in two queries."""
    now = now or timezone.now()
    still_enrolled = (
        Enrolment.objects.filter(cohort=cohort).exclude(status=Enrolment.Status.WITHDRAWN).count()
    )
    own = Q(marks__enrolment__cohort=cohort) & ~Q(
        marks__enrolment__status=Enrolment.Status.WITHDRAWN
    )

    def marked(*statuses):
        return Count("marks", filter=own & Q(marks__status__in=statuses))

    sessions = (
        ScheduledSession.objects.filter(cohort=cohort, kind=ScheduledSession.Kind.TRAINING)
        .select_related("session_plan")
        .annotate(
            in_the_room=marked(*IN_THE_ROOM),
            late=marked(AttendanceMark.Status.LATE),
            left_early=marked(AttendanceMark.Status.LEFT_EARLY),
            absent=marked(AttendanceMark.Status.ABSENT),
            excused=marked(AttendanceMark.Status.EXCUSED),
        )
        .order_by("starts_at", "pk")
    )
    rows = []
    for session in sessions:
        held = not session.cancelled and (
            session.register_taken_at is not None or session.starts_at <= now
        )
        rows.append(
            SessionRow(
                number=session.session_plan.number if session.session_plan_id else None,
                title=session.display_title,
                starts_at=session.starts_at,
                held=1 if held else 0,
                cancelled=session.cancelled,
                expected=still_enrolled if held else 0,
                in_the_room=session.in_the_room if held else 0,
                late=session.late if held else 0,
                left_early=session.left_early if held else 0,
                absent=session.absent if held else 0,
                excused=session.excused if held else 0,
            )
        )
    return rows


def session_number_rows(user, filters=None, *, now=None):
    """Attendance by session number across the cohorts in scope, in two queries: session 1
    of every cohort together, then session 2, and so on. Sessions without a plan are
    grouped under no number."""
    filters = filters or ReportFilters()
    now = now or timezone.now()
    cohort_ids = filtered_cohorts(user, filters).values("pk")
    still_enrolled = (
        Enrolment.objects.filter(cohort=OuterRef("cohort"))
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    held = (
        ScheduledSession.objects.filter(cohort__in=cohort_ids, kind=ScheduledSession.Kind.TRAINING)
        .filter(held_q(now))
        .annotate(
            still_enrolled=Coalesce(Subquery(still_enrolled, output_field=IntegerField()), Value(0))
        )
        .order_by()
        .values("session_plan__number")
        .annotate(held=Count("pk"), expected=Sum("still_enrolled"))
    )
    rows = {
        group["session_plan__number"]: SessionRow(
            number=group["session_plan__number"],
            title="",
            held=group["held"],
            expected=group["expected"] or 0,
        )
        for group in held
    }
    statuses = AttendanceMark.Status
    marks = (
        AttendanceMark.objects.filter(
            scheduled_session__cohort__in=cohort_ids,
            scheduled_session__kind=ScheduledSession.Kind.TRAINING,
            enrolment__cohort=F("scheduled_session__cohort"),
        )
        .filter(held_q(now, "scheduled_session__"))
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .order_by()
        .values("scheduled_session__session_plan__number")
        .annotate(
            in_the_room=Count("pk", filter=Q(status__in=IN_THE_ROOM)),
            late=Count("pk", filter=Q(status=statuses.LATE)),
            left_early=Count("pk", filter=Q(status=statuses.LEFT_EARLY)),
            absent=Count("pk", filter=Q(status=statuses.ABSENT)),
            excused=Count("pk", filter=Q(status=statuses.EXCUSED)),
        )
    )
    for group in marks:
        row = rows.get(group["scheduled_session__session_plan__number"])
        if row is None:
            continue
        for name in ("in_the_room", "late", "left_early", "absent", "excused"):
            setattr(row, name, group[name])
    # Numbered sessions in order, then the ones without a plan.
    return sorted(rows.values(), key=lambda r: (r.number is None, r.number or 0))


# --- the whole report --------------------------------------------------------------------


@dataclass
class Report:
    filters: ReportFilters
    generated_at: datetime
    targets: list = field(default_factory=list)
    cohorts: list = field(default_factory=list)
    sessions: list = field(default_factory=list)

    @property
    def totals(self):
        """Sums over the cohort rows, for the table footer and the PDF."""
        return Totals(
            enrolled=sum(r.enrolled for r in self.cohorts),
            completed=sum(r.completed for r in self.cohorts),
            withdrawn=sum(r.withdrawn for r in self.cohorts),
            sessions_held=sum(r.sessions_held for r in self.cohorts),
            in_the_room=sum(r.in_the_room for r in self.cohorts),
            # Expected attendances do not multiply out from the sums: add them per cohort.
            expected=sum(r.expected for r in self.cohorts),
        )


@dataclass
class Totals:
    enrolled: int
    completed: int
    withdrawn: int
    sessions_held: int
    in_the_room: int
    expected: int

    @property
    def attendance_percent(self):
        return percent(self.in_the_room, self.expected)

    @property
    def dropout_percent(self):
        return percent(self.withdrawn, self.enrolled)


def build_report(user, filters=None, *, now=None):
    """Everything the page, the spreadsheet and the PDF show, in a fixed number of queries
    (about a dozen) whatever the size of the data."""
    filters = filters or ReportFilters()
    now = now or timezone.now()
    if filters.cohort is not None:
        sessions = cohort_session_rows(filters.cohort, now=now)
    else:
        sessions = session_number_rows(user, filters, now=now)
    return Report(
        filters=filters,
        generated_at=now,
        targets=target_rows(user, filters),
        cohorts=cohort_rows(user, filters, now=now),
        sessions=sessions,
    )


# --- the chart ---------------------------------------------------------------------------

CHART_ROW_HEIGHT = 112
CHART_BAR_HEIGHT = 20
# Bars use at most this share of the width; the rest holds the numbers written after them.
CHART_BAR_SPACE = 55


@dataclass
class ChartBar:
    # Organisation and programme on two lines, so a phone's width holds each of them.
    organisation: str
    programme: str
    y_label: int
    y_programme: int
    y_completed: int
    y_target: int
    completed: int
    target: int | None
    completed_width: float  # percent of the chart's width
    target_width: float
    percent_of_target: int | None

    @property
    def label(self):
        return f"{self.organisation} · {self.programme}"

    # The number is written just after the end of its bar.
    @property
    def completed_text_x(self):
        return round(self.completed_width + 1, 2)

    @property
    def target_text_x(self):
        return round(self.target_width + 1, 2)


def chart_bars(rows):
    """Geometry of the horizontal bar chart of trained against target, one pair of bars
    per organisation and programme. Widths are percentages of the chart's width, so the
    SVG fills a phone or a page while its text keeps a readable size."""
    shown = [row for row in rows if row.target or row.completed]
    largest = max([max(row.target or 0, row.completed) for row in shown] or [1]) or 1
    bars = []
    for index, row in enumerate(shown):
        top = index * CHART_ROW_HEIGHT
        bars.append(
            ChartBar(
                organisation=row.organisation,
                programme=row.programme,
                y_label=top + 18,
                y_programme=top + 38,
                y_completed=top + 48,
                y_target=top + 48 + CHART_BAR_HEIGHT + 8,
                completed=row.completed,
                target=row.target,
                completed_width=round(CHART_BAR_SPACE * row.completed / largest, 2),
                target_width=round(CHART_BAR_SPACE * (row.target or 0) / largest, 2),
                percent_of_target=row.percent_of_target,
            )
        )
    return bars


def chart_height(bars):
    return len(bars) * CHART_ROW_HEIGHT + 4


# --- what the figures mean --------------------------------------------------------------


def definitions():
    """What each figure means, in plain words; shown on the page, the workbook and PDF."""
    return [
        (
            _("Completed"),
            _(
                "Trainees whose place is marked Completed. Only these count as trained "
                "against the target."
            ),
        ),
        (
            _("Ready to sign off"),
            _(
                "Trainees who meet the programme's completion rule but whose place is not "
                "marked Completed yet. They are not counted as trained."
            ),
        ),
        (_("In training"), _("Trainees invited or taking part now.")),
        (_("Withdrawn"), _("Trainees who left the programme before the end.")),
        (
            _("Sessions held"),
            _(
                "Training sessions that were not cancelled and either had their register "
                "taken or have already started. Support and supervision meetings are not "
                "counted."
            ),
        ),
        (_("Sessions planned"), _("The published sessions of the programme.")),
        (
            _("Attendance rate"),
            _(
                "Marks Present, Late or Left early in held sessions, divided by the number "
                "of trainees still enrolled times the number of sessions held. Absent and "
                "Excused do not count as attended. Trainees who withdrew are left out."
            ),
        ),
        (_("Drop-out rate"), _("Trainees who withdrew, out of everyone ever enrolled.")),
    ]
