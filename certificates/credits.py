"""What a programme is worth: credits worked out from workload, and the summary certificates
will freeze.

Indicative credits are deliberately conservative. They divide the hours by the *upper* end
of the framework's hours per credit (30 for ECTS, not 25) and round *down* to the nearest
half credit. A receiving university or awarding body may always recognise more than we
claim; a certificate that claimed more than the workload supports would undermine every
certificate the platform issues. So 7.5 hours is 0.25 ECTS, which is shown as 0 ECTS, and
only the hours are reported; 60 hours is 2 ECTS; 20 hours is 2 RQF credits.

``programme_credit_summary`` returns plain dataclasses (no model instances) so a
certificate can store them as they were on the day it was issued.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Q
from django.utils import timezone

from curriculum.models import SessionPlanPage

from .models import CreditFramework, CreditMapping

HALF = Decimal("0.5")
ZERO = Decimal("0.0")


def indicative_credits(framework: CreditFramework, hours) -> Decimal | None:
    """Credits the hours are worth, rounded down to the nearest half; None for a
    levels-only framework such as EQF."""
    if not framework.has_credits:
        return None
    hours = Decimal(str(hours or 0))
    if hours <= 0:
        return ZERO
    halves = (hours / framework.hours_per_credit_max / HALF).to_integral_value(ROUND_FLOOR)
    return (halves * HALF).quantize(Decimal("0.1"))


def mapping_credits(mapping: CreditMapping) -> Decimal | None:
    """The mapping's stored credits when someone entered them, else the indicative ones."""
    if mapping.credits is not None:
        return mapping.credits
    return indicative_credits(mapping.framework, mapping.total_hours)


def _in_force(on):
    # Indicative mappings describe the workload, which has no period of validity; a
    # recognition only counts between its start and its end.
    return Q(basis=CreditMapping.Basis.INDICATIVE) | (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    )


def mappings_in_force(programme, on: datetime.date | None = None) -> list[CreditMapping]:
    """The programme's own mappings and those of its published session plans, in force on
    ``on`` (today by default), with framework, target and outcomes loaded (three queries)."""
    on = on or timezone.localdate()
    sessions = SessionPlanPage.objects.child_of(programme).live().values("pk")
    return list(
        CreditMapping.objects.filter(Q(programme=programme) | Q(session_plan__in=sessions))
        .filter(_in_force(on))
        .select_related("framework", "session_plan")
        .prefetch_related("programme_outcomes", "session_outcomes")
        .order_by("framework__name", "session_plan__number", "pk")
    )


@dataclass
class FrameworkCredits:
    """What the programme is worth in one framework, as a certificate will show it."""

    framework_id: int
    framework: str
    short_name: str
    credit_name: str
    basis: str  # "indicative" or "recognised"
    source: str  # "programme" (its own mapping) or "sessions" (the sum of session plans')
    contact_hours: Decimal
    self_study_hours: Decimal
    placement_hours: Decimal
    credits: Decimal | None
    level: str
    outcomes: list[str] = field(default_factory=list)
    recognised_by: str = ""
    agreement_reference: str = ""
    agreed_on: datetime.date | None = None
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    session_count: int = 0

    @property
    def total_hours(self):
        return self.contact_hours + self.self_study_hours + self.placement_hours

    @property
    def is_recognised(self):
        return self.basis == CreditMapping.Basis.RECOGNISED


def _outcomes(mappings):
    texts = []
    for mapping in mappings:
        for outcome in [*mapping.programme_outcomes.all(), *mapping.session_outcomes.all()]:
            if outcome.text not in texts:
                texts.append(outcome.text)
    return texts


def _from_programme(framework, mappings):
    # Recognised wins over indicative; among several, the most recent agreement.
    recognised = [m for m in mappings if m.basis == CreditMapping.Basis.RECOGNISED]
    if recognised:
        chosen = max(recognised, key=lambda m: (m.agreed_on or datetime.date.min, m.pk))
    else:
        chosen = max(mappings, key=lambda m: (m.updated_at, m.pk))
    return FrameworkCredits(
        framework_id=framework.pk,
        framework=framework.name,
        short_name=framework.short_name,
        credit_name=framework.credit_name,
        basis=chosen.basis,
        source="programme",
        contact_hours=chosen.contact_hours,
        self_study_hours=chosen.self_study_hours,
        placement_hours=chosen.placement_hours,
        credits=mapping_credits(chosen),
        level=chosen.level,
        outcomes=_outcomes([chosen]),
        recognised_by=chosen.recognised_by if recognised else "",
        agreement_reference=chosen.agreement_reference if recognised else "",
        agreed_on=chosen.agreed_on if recognised else None,
        valid_from=chosen.valid_from if recognised else None,
        valid_until=chosen.valid_until if recognised else None,
    )


def _lowest_level(framework, levels):
    # Sessions at different levels only add up to the lowest of them.
    levels = [level for level in levels if level]
    if not levels:
        return ""
    order = {level: i for i, level in enumerate(framework.levels or [])}
    return min(levels, key=lambda level: order.get(level, len(order)))


def _from_sessions(framework, mappings):
    """Session plans' mappings added up: recognised credits as agreed, indicative ones
    worked out again from their summed hours (rounding once loses less than per session)."""
    # One mapping per session plan: recognised wins, as for the programme.
    per_session = {}
    for mapping in mappings:
        current = per_session.get(mapping.session_plan_id)
        if current is None or (
            mapping.basis == CreditMapping.Basis.RECOGNISED
            and current.basis != CreditMapping.Basis.RECOGNISED
        ):
            per_session[mapping.session_plan_id] = mapping
    chosen = list(per_session.values())
    recognised = [m for m in chosen if m.basis == CreditMapping.Basis.RECOGNISED]
    indicative = [m for m in chosen if m.basis != CreditMapping.Basis.RECOGNISED]
    credits = None
    if framework.has_credits:
        credits = sum((mapping_credits(m) for m in recognised), ZERO) + indicative_credits(
            framework, sum((m.total_hours for m in indicative), ZERO)
        )
    all_recognised = not indicative

    def joined(name):
        values = []
        for mapping in recognised:
            value = getattr(mapping, name)
            if value and value not in values:
                values.append(value)
        return "; ".join(values) if all_recognised else ""

    starts = [m.valid_from for m in recognised if m.valid_from]
    ends = [m.valid_until for m in recognised if m.valid_until]
    agreed = [m.agreed_on for m in recognised if m.agreed_on]
    return FrameworkCredits(
        framework_id=framework.pk,
        framework=framework.name,
        short_name=framework.short_name,
        credit_name=framework.credit_name,
        basis=CreditMapping.Basis.RECOGNISED if all_recognised else CreditMapping.Basis.INDICATIVE,
        source="sessions",
        contact_hours=sum((m.contact_hours for m in chosen), ZERO),
        self_study_hours=sum((m.self_study_hours for m in chosen), ZERO),
        placement_hours=sum((m.placement_hours for m in chosen), ZERO),
        credits=credits,
        level=_lowest_level(framework, [m.level for m in chosen]),
        outcomes=_outcomes(chosen),
        recognised_by=joined("recognised_by"),
        agreement_reference=joined("agreement_reference"),
        agreed_on=max(agreed) if all_recognised and agreed else None,
        # All the recognitions hold together only where their windows overlap.
        valid_from=max(starts) if all_recognised and starts else None,
        valid_until=min(ends) if all_recognised and ends else None,
        session_count=len(chosen),
    )


def programme_credit_summary(programme, on: datetime.date | None = None) -> list[FrameworkCredits]:
    """Per framework, what the programme is worth on ``on`` (today by default).

    The programme's own mapping wins over its session plans' in the same framework, and a
    recognised one wins over an indicative one. With no mapping of its own, the session
    plans' mappings are added up. Recognised results come first, then by framework name.
    """
    by_framework = {}
    for mapping in mappings_in_force(programme, on):
        by_framework.setdefault(mapping.framework_id, (mapping.framework, []))[1].append(mapping)
    summary = []
    for framework, mappings in by_framework.values():
        own = [m for m in mappings if m.programme_id]
        if own:
            summary.append(_from_programme(framework, own))
        else:
            summary.append(_from_sessions(framework, mappings))
    summary.sort(key=lambda item: (not item.is_recognised, item.framework))
    return summary
