"""Demo credits for the demo programme "Becoming a peer support agent".

Two indicative mappings (ECTS and RQF) worked out from the programme's hours, and a
recognised mapping in a made-up framework, the "Kent peer support qualification", so the
demo shows both bases side by side. The framework and its awarding panel are invented for
the demo; nothing here describes a real qualification.

``load()`` runs after ``manage.py load_demo`` and is safe to run again: frameworks and
mappings are found by their names and their programme, and updated in place.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from curriculum.models import ProgrammePage
from lms.page_translations import in_library

from .credits import programme_credit_summary
from .models import CreditFramework, CreditMapping

PROGRAMME_SLUG = "peer-support-agent"
PROGRAMME_TITLE = "Becoming a peer support agent"
# Reading, the worksheets between sessions and keeping a learning journal.
SELF_STUDY_HOURS = Decimal("12")

DEMO_FRAMEWORK = {
    "short_name": "KPSQ (demo)",
    "name": "Kent peer support qualification (demo)",
    "description": (
        "An invented regional qualification, here only to show recognised credits in the "
        "demo. One credit stands for 10 hours of learning, at a Foundation or a Practitioner "
        "level."
    ),
    "hours_per_credit_min": Decimal("10"),
    "hours_per_credit_max": Decimal("10"),
    "credit_name": "Kent credits",
    "levels": ["Foundation", "Practitioner"],
    "url": "",
}
RECOGNITION = {
    "recognised_by": "Kent Peer Network awarding panel (demo)",
    "agreement_reference": "KPN-DEMO-2026-01",
    "agreed_on": datetime.date(2026, 9, 1),
    "valid_from": datetime.date(2026, 9, 1),
    "valid_until": datetime.date(2029, 8, 31),
    "credits": Decimal("3"),
    "level": "Foundation",
}


def find_programme():
    programme = (
        in_library(ProgrammePage.objects.filter(slug=PROGRAMME_SLUG)).first()
        or in_library(ProgrammePage.objects.filter(title=PROGRAMME_TITLE)).first()
    )
    if programme is None:
        raise ValueError("Load the demo first: python manage.py load_demo")
    return programme


def contact_hours(programme):
    minutes = programme.total_planned_minutes()
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def save_mapping(programme, framework, outcomes, **fields):
    mapping, _ = CreditMapping.objects.update_or_create(
        programme=programme, framework=framework, defaults=fields
    )
    mapping.full_clean()
    mapping.programme_outcomes.set(outcomes)
    return mapping


def load(*, stdout=None):
    """Add the demo framework and mappings; returns the programme's credit summary."""
    programme = find_programme()
    hours = {
        "contact_hours": contact_hours(programme),
        "self_study_hours": SELF_STUDY_HOURS,
        "placement_hours": Decimal(0),
    }
    outcomes = list(programme.learning_outcomes.all())
    with transaction.atomic():
        fields = dict(DEMO_FRAMEWORK)
        framework, _ = CreditFramework.objects.update_or_create(
            short_name=fields.pop("short_name"), defaults=fields
        )
        save_mapping(
            programme,
            CreditFramework.objects.get(short_name="ECTS", built_in=True),
            outcomes,
            basis=CreditMapping.Basis.INDICATIVE,
            credits=None,
            level="",
            note="Worked out from the planned session time and the expected self-study.",
            **hours,
        )
        save_mapping(
            programme,
            CreditFramework.objects.get(short_name="RQF", built_in=True),
            outcomes,
            basis=CreditMapping.Basis.INDICATIVE,
            credits=None,
            level="2",
            note="Worked out from the planned session time and the expected self-study.",
            **hours,
        )
        save_mapping(
            programme,
            framework,
            outcomes,
            basis=CreditMapping.Basis.RECOGNISED,
            note="Demo only: the panel and the agreement are invented.",
            **RECOGNITION,
            **hours,
        )
    summary = programme_credit_summary(programme)
    if stdout is not None:
        described = ", ".join(
            f"{item.short_name} {item.credits if item.credits is not None else '-'} ({item.basis})"
            for item in summary
        )
        stdout.write(f"  credits for '{programme.title}': {described}")
    return summary
