"""Credit frameworks, mappings and the programme's credit summary."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from certificates.credits import (
    indicative_credits,
    mapping_credits,
    mappings_in_force,
    programme_credit_summary,
)
from certificates.models import CreditFramework, CreditMapping
from tests.factories import make_session

TODAY = datetime.date(2027, 3, 1)


def framework(short_name):
    return CreditFramework.objects.get(short_name=short_name)


def recognised(**fields):
    defaults = {
        "basis": CreditMapping.Basis.RECOGNISED,
        "recognised_by": "University of Kent",
        "agreement_reference": "UK-2027-4",
        "agreed_on": datetime.date(2026, 3, 3),
    }
    return {**defaults, **fields}


@pytest.mark.django_db
def test_the_built_in_frameworks_are_there():
    assert set(
        CreditFramework.objects.filter(built_in=True).values_list("short_name", flat=True)
    ) == {
        "ECTS",
        "RQF",
        "SCQF",
        "EQF",
    }
    assert framework("ECTS").hours_per_credit_max == 30
    assert framework("RQF").levels[:3] == ["Entry 1", "Entry 2", "Entry 3"]
    assert framework("SCQF").levels[-1] == "12"
    assert not framework("EQF").has_credits
    for item in CreditFramework.objects.all():
        item.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "short_name, hours, expected",
    [
        ("ECTS", "7.5", Decimal("0.0")),  # 0.25 credits never rounds up to a claim
        ("ECTS", "60", Decimal("2.0")),
        ("ECTS", "59.9", Decimal("1.5")),
        ("ECTS", "45", Decimal("1.5")),
        ("ECTS", "0", Decimal("0.0")),
        ("RQF", "20", Decimal("2.0")),
        ("RQF", "24.9", Decimal("2.0")),
        ("RQF", "25", Decimal("2.5")),
        ("SCQF", "7.5", Decimal("0.5")),
    ],
)
def test_indicative_credits_round_down_to_a_half(short_name, hours, expected):
    assert indicative_credits(framework(short_name), Decimal(hours)) == expected


@pytest.mark.django_db
def test_a_levels_only_framework_has_no_credits():
    assert indicative_credits(framework("EQF"), Decimal(100)) is None


@pytest.mark.django_db
def test_mapping_credits_prefer_the_stored_ones(programme):
    ects = framework("ECTS")
    mapping = CreditMapping(framework=ects, programme=programme, contact_hours=Decimal(60))
    assert mapping_credits(mapping) == Decimal("2.0")
    mapping.credits = Decimal("3")
    assert mapping_credits(mapping) == Decimal("3")


@pytest.mark.django_db
def test_a_mapping_needs_exactly_one_target(programme):
    session = make_session(programme)
    rqf = framework("RQF")
    with pytest.raises(ValidationError) as both:
        CreditMapping(framework=rqf, programme=programme, session_plan=session).full_clean()
    assert "programme" in both.value.message_dict
    with pytest.raises(ValidationError):
        CreditMapping(framework=rqf).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        CreditMapping.objects.create(framework=rqf, programme=programme, session_plan=session)
    with transaction.atomic(), pytest.raises(IntegrityError):
        CreditMapping.objects.create(framework=rqf)


@pytest.mark.django_db
def test_recognised_credits_need_body_reference_and_date(programme):
    mapping = CreditMapping(
        framework=framework("ECTS"), programme=programme, basis=CreditMapping.Basis.RECOGNISED
    )
    with pytest.raises(ValidationError) as error:
        mapping.full_clean()
    assert {"recognised_by", "agreement_reference", "agreed_on"} <= set(error.value.message_dict)
    for name, value in recognised().items():
        setattr(mapping, name, value)
    mapping.full_clean()


@pytest.mark.django_db
def test_the_level_must_belong_to_the_framework(programme):
    mapping = CreditMapping(framework=framework("RQF"), programme=programme, level="9")
    with pytest.raises(ValidationError) as error:
        mapping.full_clean()
    assert "level" in error.value.message_dict
    mapping.level = "Entry 3"
    mapping.full_clean()
    eqf = CreditMapping(framework=framework("EQF"), programme=programme, credits=Decimal(1))
    with pytest.raises(ValidationError) as error:
        eqf.full_clean()
    assert "credits" in error.value.message_dict


@pytest.mark.django_db
def test_validity_must_end_after_it_starts(programme):
    mapping = CreditMapping(
        framework=framework("ECTS"),
        programme=programme,
        **recognised(valid_from=TODAY, valid_until=TODAY - datetime.timedelta(days=1)),
    )
    with pytest.raises(ValidationError) as error:
        mapping.full_clean()
    assert "valid_until" in error.value.message_dict


@pytest.mark.django_db
def test_recognised_mappings_count_only_within_their_validity(programme):
    ects, rqf = framework("ECTS"), framework("RQF")
    window = recognised(valid_from=TODAY, valid_until=datetime.date(2027, 12, 31))
    in_window = CreditMapping.objects.create(framework=ects, programme=programme, **window)
    # Indicative mappings describe the workload: dates do not switch them off.
    indicative = CreditMapping.objects.create(
        framework=rqf, programme=programme, contact_hours=20, valid_until=datetime.date(2020, 1, 1)
    )
    assert set(mappings_in_force(programme, TODAY)) == {in_window, indicative}
    assert set(mappings_in_force(programme, datetime.date(2027, 12, 31))) == {
        in_window,
        indicative,
    }
    assert mappings_in_force(programme, TODAY - datetime.timedelta(days=1)) == [indicative]
    assert mappings_in_force(programme, datetime.date(2028, 1, 1)) == [indicative]


@pytest.mark.django_db
def test_mappings_of_draft_sessions_and_other_programmes_do_not_count(programme):
    from tests.factories import make_programme

    live = make_session(programme, number=1)
    draft = make_session(programme, number=2)
    draft.unpublish()
    other = make_session(make_programme("Another"), number=1)
    ects = framework("ECTS")
    kept = CreditMapping.objects.create(framework=ects, session_plan=live, contact_hours=3)
    CreditMapping.objects.create(framework=ects, session_plan=draft, contact_hours=3)
    CreditMapping.objects.create(framework=ects, session_plan=other, contact_hours=3)
    assert mappings_in_force(programme, TODAY) == [kept]


@pytest.mark.django_db
def test_recognised_wins_over_indicative_for_the_programme(programme):
    ects = framework("ECTS")
    from curriculum.models import ProgrammeLearningOutcome

    outcome = ProgrammeLearningOutcome.objects.create(page=programme, text="Listen without judging")
    CreditMapping.objects.create(framework=ects, programme=programme, contact_hours=60)
    agreed = CreditMapping.objects.create(
        framework=ects,
        programme=programme,
        contact_hours=40,
        self_study_hours=35,
        credits=Decimal("3"),
        level="",
        **recognised(valid_until=datetime.date(2028, 6, 30)),
    )
    agreed.programme_outcomes.add(outcome)
    # A session plan's mapping is ignored when the programme has its own.
    CreditMapping.objects.create(
        framework=ects, session_plan=make_session(programme), contact_hours=300
    )
    [item] = programme_credit_summary(programme, TODAY)
    assert item.basis == "recognised"
    assert item.source == "programme"
    assert item.credits == Decimal("3")
    assert (item.contact_hours, item.self_study_hours, item.total_hours) == (40, 35, 75)
    assert item.recognised_by == "University of Kent"
    assert item.agreement_reference == "UK-2027-4"
    assert item.agreed_on == datetime.date(2026, 3, 3)
    assert item.valid_until == datetime.date(2028, 6, 30)
    assert item.outcomes == ["Listen without judging"]

    # Once the recognition has expired, the indicative mapping is what remains.
    [item] = programme_credit_summary(programme, datetime.date(2028, 7, 1))
    assert (item.basis, item.credits, item.recognised_by) == ("indicative", Decimal("2.0"), "")


@pytest.mark.django_db
def test_session_plan_mappings_add_up_when_the_programme_has_none(programme):
    first = make_session(programme, number=1, outcomes=("Explain the role",))
    second = make_session(programme, number=2, outcomes=("Keep boundaries",))
    rqf, eqf = framework("RQF"), framework("EQF")
    a = CreditMapping.objects.create(
        framework=rqf,
        session_plan=first,
        contact_hours=7,
        self_study_hours=Decimal("1.5"),
        level="3",
    )
    a.session_outcomes.set(first.learning_outcomes.all())
    b = CreditMapping.objects.create(
        framework=rqf,
        session_plan=second,
        contact_hours=7,
        placement_hours=Decimal("4.5"),
        level="2",
    )
    b.session_outcomes.set(second.learning_outcomes.all())
    CreditMapping.objects.create(framework=eqf, session_plan=first, level="4")

    summary = programme_credit_summary(programme, TODAY)
    assert [item.short_name for item in summary] == ["EQF", "RQF"]
    eqf_item, rqf_item = summary
    assert (eqf_item.credits, eqf_item.level, eqf_item.basis) == (None, "4", "indicative")
    # 20 hours in all: once rounded, 2 credits (per session it would be 0.5 + 1.0).
    assert rqf_item.total_hours == 20
    assert (rqf_item.contact_hours, rqf_item.placement_hours) == (14, Decimal("4.5"))
    assert rqf_item.credits == Decimal("2.0")
    assert rqf_item.level == "2"  # sessions at two levels only add up to the lower one
    assert rqf_item.source == "sessions" and rqf_item.session_count == 2
    assert rqf_item.outcomes == ["Explain the role", "Keep boundaries"]


@pytest.mark.django_db
def test_recognised_session_mappings_keep_their_credits(programme):
    first = make_session(programme, number=1)
    second = make_session(programme, number=2)
    ects = framework("ECTS")
    CreditMapping.objects.create(
        framework=ects,
        session_plan=first,
        contact_hours=10,
        credits=Decimal("1"),
        **recognised(valid_until=datetime.date(2028, 1, 1)),
    )
    CreditMapping.objects.create(
        framework=ects,
        session_plan=second,
        contact_hours=10,
        credits=Decimal("1"),
        **recognised(agreement_reference="UK-2027-5", valid_until=datetime.date(2027, 9, 1)),
    )
    [item] = programme_credit_summary(programme, TODAY)
    assert item.basis == "recognised"
    assert item.credits == Decimal("2")
    assert item.agreement_reference == "UK-2027-4; UK-2027-5"
    assert item.valid_until == datetime.date(2027, 9, 1)

    # One indicative session among them: the whole is only indicative.
    third = make_session(programme, number=3)
    CreditMapping.objects.create(framework=ects, session_plan=third, contact_hours=30)
    [item] = programme_credit_summary(programme, TODAY)
    assert item.basis == "indicative"
    assert item.credits == Decimal("3.0")
    assert item.recognised_by == ""


@pytest.mark.django_db
def test_the_summary_is_plain_data_and_cheap(programme, django_assert_max_num_queries):
    import dataclasses

    ects = framework("ECTS")
    for number in range(1, 4):
        CreditMapping.objects.create(
            framework=ects, session_plan=make_session(programme, number=number), contact_hours=5
        )
    with django_assert_max_num_queries(4):
        [item] = programme_credit_summary(programme, TODAY)
    assert dataclasses.is_dataclass(item)
    assert not any(hasattr(value, "_meta") for value in dataclasses.asdict(item).values())
