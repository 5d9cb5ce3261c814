"""Self-assessment: how sure a trainee feels about each learning outcome of a session, once
before and once after it.

The rules live here so that the trainee page, the demo and the tests share them:

- ``record_ratings`` saves one phase for every outcome at once, in one transaction. A second
  submit updates the same rows (one row per enrolment, outcome and phase, enforced by a
  unique constraint), so a double tap never makes duplicates.
- ``before_open`` / ``after_open`` say when each phase may be given.
- ``trainee_change`` and ``cohort_distribution`` read the answers back in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import SessionLearningOutcome, SessionPlanPage
from training.models import Enrolment, ScheduledSession
from training.signals import progress_inputs_changed

from .models import SelfAssessment, SelfRating
from .models.self_assessment import SCALE

Phase = SelfRating.Phase
SCALE_VALUES = [value for value, _label in SCALE]
SCALE_LABELS = dict(SCALE)


def scale_label(value):
    return str(SCALE_LABELS.get(value, ""))


# --- which session, and when ------------------------------------------------------------------


def outcomes_of(session_plan):
    """The statements to rate, in the editor's order. Outcomes made in code rather than
    in the editor have no sort order; they come in the order they were added (by id)."""
    return list(
        SessionLearningOutcome.objects.filter(page=session_plan).order_by("sort_order", "pk")
    )


def cohort_meeting(cohort, session_plan):
    """The cohort's (not cancelled) meeting of the session plan, if it is on the calendar."""
    return (
        ScheduledSession.objects.filter(cohort=cohort, session_plan=session_plan, cancelled=False)
        .order_by("starts_at")
        .first()
    )


def plan_in_programme(session_plan, programme):
    return SessionPlanPage.objects.child_of(programme).live().filter(pk=session_plan.pk).exists()


def after_open(meeting, now=None):
    """ "After" may be given once the cohort's session has started.

    The editor's choice "at the start of the next session" only changes when the trainer
    asks for it (and how the reminder reads): the answer is the same either way, and one
    rule is easier to explain than two. A trainee who rates at the end of the session or a
    week later at the start of the next one both gives an honest "after".
    """
    now = now or timezone.now()
    return meeting is not None and not meeting.cancelled and meeting.starts_at <= now


def before_open(after_complete):
    """ "Before" stays open until the trainee has said "after" for every statement.

    A trainee who arrived late, or was away, can still fill in "before" afterwards rather
    than be locked out of a requirement they could never meet. Once "after" is complete the
    pair is fixed, so "before" cannot be rewritten to flatter the change. If an editor adds
    a statement later, "after" is no longer complete and "before" opens again for it.
    """
    return not after_complete


def saved_values(enrolment, self_assessment, phase=None):
    """``{(phase, outcome_id): value}`` for one trainee, one query."""
    rows = SelfRating.objects.filter(enrolment=enrolment, self_assessment=self_assessment)
    if phase:
        rows = rows.filter(phase=phase)
    return {
        (phase, outcome_id): value
        for phase, outcome_id, value in rows.values_list("phase", "outcome_id", "value")
    }


# --- saving ---------------------------------------------------------------------------------


def parse_value(raw):
    """A scale value from a form, or None when it is missing or not one of the scale."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if value in SCALE_VALUES else None


def record_ratings(*, enrolment, self_assessment, phase, values, user, now=None):
    """Save one phase for every outcome of the session, all at once.

    ``values`` maps an outcome id to a scale value (1-5). Refuses, with a plain message and
    nothing saved, an answer outside the scale, an outcome of another session, a missing
    answer, a phase that is not open yet (or any more), a session outside the trainee's
    programme and a trainee who left the group. Returns the saved ratings.
    """
    if phase not in Phase.values:
        raise ValidationError(_("Choose before or after."))
    if not enrolment.can_work:
        raise ValidationError(_("You are no longer taking part in this group."))
    plan = self_assessment.session_plan
    if not plan_in_programme(plan, enrolment.cohort.programme):
        raise ValidationError(_("This session is not part of your programme."))
    outcomes = outcomes_of(plan)
    if not outcomes:
        raise ValidationError(_("This session has no statements to rate yet."))
    by_id = {outcome.pk: outcome for outcome in outcomes}

    cleaned = {}
    for key, raw in values.items():
        try:
            outcome_id = int(key)
        except (TypeError, ValueError):
            outcome_id = None
        if outcome_id not in by_id:
            raise ValidationError(_("One of the answers is for a statement of another session."))
        value = parse_value(raw)
        if value is None:
            raise ValidationError(
                _("Choose one of the five answers, from “%(low)s” to “%(high)s”.")
                % {"low": scale_label(SCALE_VALUES[0]), "high": scale_label(SCALE_VALUES[-1])}
            )
        cleaned[outcome_id] = value
    missing = [outcome for outcome in outcomes if outcome.pk not in cleaned]
    if missing:
        raise ValidationError(
            _("Choose an answer for every statement. Still open: %(list)s")
            % {"list": "; ".join(outcome.text for outcome in missing)}
        )

    now = now or timezone.now()
    with transaction.atomic():
        # Lock the enrolment so two submits (two tabs, a double tap) queue up instead of
        # racing on the timing checks; the unique constraint makes the write itself safe.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        after_count = SelfRating.objects.filter(
            enrolment=enrolment,
            self_assessment=self_assessment,
            phase=Phase.AFTER,
            outcome_id__in=by_id,
        ).count()
        if phase == Phase.BEFORE and not before_open(after_count >= len(by_id)):
            raise ValidationError(
                _("You already said how you feel after the session, so “before” is closed.")
            )
        if phase == Phase.AFTER:
            if not after_open(cohort_meeting(enrolment.cohort, plan), now):
                raise ValidationError(
                    _("You can say how you feel after the session once it has started.")
                )
            before = SelfRating.objects.filter(
                enrolment=enrolment,
                self_assessment=self_assessment,
                phase=Phase.BEFORE,
                outcome_id__in=by_id,
            ).count()
            if before < len(by_id):
                raise ValidationError(_("Please fill in “before” first."))
        rows = [
            SelfRating(
                enrolment=enrolment,
                self_assessment=self_assessment,
                outcome=by_id[outcome_id],
                outcome_text=by_id[outcome_id].text[:300],
                phase=phase,
                value=value,
                rated_by=user,
            )
            for outcome_id, value in cleaned.items()
        ]
        # One statement for all outcomes; a second submit updates the same rows.
        SelfRating.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["enrolment", "outcome", "phase"],
            update_fields=["value", "outcome_text", "rated_by", "rated_at"],
        )
        # bulk_create sends no post_save, so completion hears about it here, once saved.
        enrolment_id = enrolment.pk
        transaction.on_commit(
            lambda: progress_inputs_changed.send(sender=SelfRating, enrolment_ids=[enrolment_id])
        )
    return rows


# --- reading back ---------------------------------------------------------------------------


@dataclass
class OutcomeChange:
    text: str
    before: int | None
    after: int | None

    @property
    def difference(self):
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def steps(self):
        """How many scale points the answer moved, either way."""
        return abs(self.difference or 0)

    @property
    def before_label(self):
        return scale_label(self.before)

    @property
    def after_label(self):
        return scale_label(self.after)

    @property
    def before_percent(self):
        return _percent(self.before)

    @property
    def after_percent(self):
        return _percent(self.after)


def _percent(value):
    return round(100 * value / SCALE_VALUES[-1]) if value else 0


def trainee_change(enrolment, self_assessment, outcomes=None):
    """Before, after and the difference per outcome, in the session's order. Answers to an
    outcome an editor has since removed follow, under the wording the trainee saw."""
    outcomes = outcomes_of(self_assessment.session_plan) if outcomes is None else outcomes
    rows = SelfRating.objects.filter(enrolment=enrolment, self_assessment=self_assessment)
    by_outcome, orphans = {}, {}
    for rating in rows.only("outcome_id", "outcome_text", "phase", "value"):
        if rating.outcome_id is None:
            orphans.setdefault(rating.outcome_text, {})[rating.phase] = rating.value
        else:
            by_outcome.setdefault(rating.outcome_id, {})[rating.phase] = rating.value
    changes = [
        OutcomeChange(
            outcome.text,
            by_outcome.get(outcome.pk, {}).get(Phase.BEFORE),
            by_outcome.get(outcome.pk, {}).get(Phase.AFTER),
        )
        for outcome in outcomes
    ]
    changes += [
        OutcomeChange(text, phases.get(Phase.BEFORE), phases.get(Phase.AFTER))
        for text, phases in orphans.items()
    ]
    return changes


@dataclass
class PhaseDistribution:
    counts: list[tuple[int, str, int]] = field(default_factory=list)  # (value, label, count)

    @property
    def total(self):
        return sum(count for _value, _label, count in self.counts)

    @property
    def median(self):
        """The middle answer (the lower middle for an even number), as a scale value."""
        total = self.total
        if not total:
            return None
        middle, seen = (total + 1) // 2, 0
        for value, _label, count in self.counts:
            seen += count
            if seen >= middle:
                return value
        return None

    @property
    def median_label(self):
        return scale_label(self.median)

    @property
    def bars(self):
        """``(value, label, count, percent of the largest)`` for a bar chart."""
        top = max((count for _v, _l, count in self.counts), default=0) or 1
        return [(v, label, count, round(100 * count / top)) for v, label, count in self.counts]


@dataclass
class OutcomeDistribution:
    outcome_id: int
    text: str
    before: PhaseDistribution
    after: PhaseDistribution

    @property
    def rows(self):
        """One row per scale point: the before and after bars side by side."""
        return list(zip(self.before.bars, self.after.bars, strict=True))


def cohort_distribution(cohort, self_assessment, outcomes=None):
    """For each outcome, how many of the cohort's trainees (who have not left) gave each
    scale point before and after, with the median. Two queries however big the group."""
    outcomes = outcomes_of(self_assessment.session_plan) if outcomes is None else outcomes
    counts = {}
    rows = (
        SelfRating.objects.filter(
            self_assessment=self_assessment,
            enrolment__cohort=cohort,
            outcome__isnull=False,
        )
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .values("outcome_id", "phase", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[(row["outcome_id"], row["phase"], row["value"])] = row["n"]

    def phase(outcome_id, name):
        return PhaseDistribution(
            [
                (value, str(label), counts.get((outcome_id, name, value), 0))
                for value, label in SCALE
            ]
        )

    return [
        OutcomeDistribution(
            outcome.pk,
            outcome.text,
            phase(outcome.pk, Phase.BEFORE),
            phase(outcome.pk, Phase.AFTER),
        )
        for outcome in outcomes
    ]


def cohort_people(cohort, self_assessment, outcomes=None):
    """Each trainee's before and after per outcome, for the cohort's own trainers. Three
    queries: enrolments, outcomes, ratings."""
    outcomes = outcomes_of(self_assessment.session_plan) if outcomes is None else outcomes
    enrolments = list(
        cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("trainee")
        .order_by("trainee__first_name", "trainee__last_name", "trainee__username")
    )
    values = {}
    for enrolment_id, outcome_id, phase, value in SelfRating.objects.filter(
        self_assessment=self_assessment, enrolment__in=enrolments, outcome__isnull=False
    ).values_list("enrolment_id", "outcome_id", "phase", "value"):
        values[(enrolment_id, outcome_id, phase)] = value
    people = []
    for enrolment in enrolments:
        changes = [
            OutcomeChange(
                outcome.text,
                values.get((enrolment.pk, outcome.pk, Phase.BEFORE)),
                values.get((enrolment.pk, outcome.pk, Phase.AFTER)),
            )
            for outcome in outcomes
        ]
        name = enrolment.trainee.get_full_name() or enrolment.trainee.username
        people.append((name, changes))
    return people


def self_assessment_for_plan(session_plan_id):
    return SelfAssessment.objects.select_related("session_plan").filter(
        session_plan_id=session_plan_id
    )
