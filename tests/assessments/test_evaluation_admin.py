"""The questionnaire builder in the Wagtail admin: locked wording, built-in questionnaires,
organisation scope, and evaluation schedules."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments import evaluation as ev
from assessments.models import (
    EvaluationInvitation,
    EvaluationSchedule,
    Instrument,
    InstrumentItem,
)
from lms.roles import Role
from tests.assessments.conftest_evaluation import (  # noqa: F401 (fixture)
    Timepoint,
    answer,
    evaluation_signals,
    ons,
    recovery,
    schedule,
)
from tests.factories import UserFactory
from training.models import Enrolment

pytestmark = pytest.mark.django_db


def edit_url(instrument):
    return reverse("wagtailsnippets_assessments_instrument:edit", args=[instrument.pk])


def form_data(instrument, items=None, **changes):
    """What the admin form posts for ``instrument``; ``items`` as (id, code, text, subscale,
    reversed) tuples in their order, with ``None`` ids for new items."""
    if items is None:
        items = [(i.pk, i.code, i.text, i.subscale, i.reversed) for i in instrument.items.all()]
    fields = {
        "name": instrument.name,
        "short_name": instrument.short_name,
        "introduction": instrument.introduction,
        "organisation": instrument.organisation_id or "",
        "scale_min": instrument.scale_min,
        "scale_min_label": instrument.scale_min_label,
        "scale_max": instrument.scale_max,
        "scale_max_label": instrument.scale_max_label,
        "scoring": instrument.scoring,
        "licence": instrument.licence,
        "items": inline_formset(
            [
                {
                    "id": pk or "",
                    "code": code,
                    "text": text,
                    "subscale": subscale,
                    **({"reversed": "on"} if is_reversed else {}),
                    "ORDER": position + 1,
                }
                for position, (pk, code, text, subscale, is_reversed) in enumerate(items)
            ],
            initial=instrument.items.count() if instrument.pk else 0,
            min=1,
        ),
    }
    if instrument.wording_locked:
        fields["wording_locked"] = "on"
    fields.update(changes)
    if fields.get("wording_locked") is False:
        del fields["wording_locked"]
    return nested_form_data(fields)


def item_rows(instrument):
    return list(instrument.items.order_by("sort_order").values_list("code", "text", "reversed"))


@pytest.fixture
def lead_client(as_user, evaluation_lead):
    return as_user(evaluation_lead)


def make_instrument(locked=False, organisation=None):
    instrument = Instrument.objects.create(
        name="Confidence check",
        short_name="Confidence",
        scale_min=1,
        scale_max=4,
        scale_min_label="Never",
        scale_max_label="Always",
        wording_locked=locked,
        organisation=organisation,
    )
    InstrumentItem.objects.create(
        instrument=instrument,
        code="c1",
        text="I feel sure of myself.",
        subscale="confidence",
        sort_order=0,
    )
    InstrumentItem.objects.create(
        instrument=instrument,
        code="c2",
        text="I doubt myself.",
        subscale="confidence",
        reversed=True,
        sort_order=1,
    )
    return instrument


def test_an_evaluation_lead_builds_a_questionnaire(lead_client):
    new = Instrument(
        name="Belonging", short_name="Belong", scale_min_label="No", scale_max_label="Yes"
    )
    data = form_data(
        new,
        items=[
            (None, "b1", "I belong here.", "belonging", False),
            (None, "b2", "I feel alone.", "belonging", True),
        ],
    )
    response = lead_client.post(reverse("wagtailsnippets_assessments_instrument:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Instrument.objects.get(short_name="Belong")
    assert item_rows(created) == [("b1", "I belong here.", False), ("b2", "I feel alone.", True)]
    assert not created.built_in


def test_unlocked_wording_can_be_edited_before_anyone_answers(lead_client):
    instrument = make_instrument()
    items = [(i.pk, i.code, i.text, i.subscale, i.reversed) for i in instrument.items.all()]
    items[0] = (items[0][0], "c1", "I trust myself.", "confidence", False)
    response = lead_client.post(edit_url(instrument), form_data(instrument, items))
    assert response.status_code == 302
    assert item_rows(instrument)[0] == ("c1", "I trust myself.", False)


@pytest.mark.parametrize(
    "change",
    ["reword", "recode", "reverse", "reorder", "add", "remove", "scale"],
)
def test_locked_wording_cannot_change(lead_client, change):
    instrument = make_instrument(locked=True)
    before = item_rows(instrument)
    items = [(i.pk, i.code, i.text, i.subscale, i.reversed) for i in instrument.items.all()]
    extra = {}
    if change == "reword":
        items[0] = (items[0][0], "c1", "I am sure of myself.", "confidence", False)
    elif change == "recode":
        items[0] = (items[0][0], "c9", items[0][2], "confidence", False)
    elif change == "reverse":
        items[0] = (items[0][0], "c1", items[0][2], "confidence", True)
    elif change == "reorder":
        items.reverse()
    elif change == "add":
        items.append((None, "c3", "A new question.", "confidence", False))
    elif change == "remove":
        items = items[:1]
    elif change == "scale":
        extra["scale_max"] = 5
    data = form_data(instrument, items, **extra)
    if change == "remove":
        # The admin marks a removed item as deleted rather than leaving it out.
        removed = instrument.items.order_by("sort_order").last()
        data = form_data(
            instrument,
            [*items, (removed.pk, removed.code, removed.text, removed.subscale, removed.reversed)],
        )
        data["items-1-DELETE"] = "1"
    response = lead_client.post(edit_url(instrument), data)
    assert response.status_code == 200
    assert "cannot" in response.content.decode()
    assert item_rows(instrument) == before
    instrument.refresh_from_db()
    assert instrument.scale_max == 4


def test_a_built_in_questionnaire_keeps_its_wording_and_cannot_be_deleted(lead_client):
    instrument = ons()
    items = [(i.pk, i.code, i.text, i.subscale, i.reversed) for i in instrument.items.all()]
    items[0] = (items[0][0], items[0][1], "How is life?", items[0][3], False)
    response = lead_client.post(edit_url(instrument), form_data(instrument, items))
    assert response.status_code == 200
    assert "cannot be changed" in response.content.decode()
    assert instrument.items.first().text.startswith("Overall, how satisfied")

    # Unticking "wording locked" does nothing: the box is disabled.
    response = lead_client.post(edit_url(instrument), form_data(instrument, wording_locked=False))
    instrument.refresh_from_db()
    assert instrument.wording_locked

    delete = reverse("wagtailsnippets_assessments_instrument:delete", args=[instrument.pk])
    # Wagtail turns the refusal into a redirect with a "no permission" message.
    assert lead_client.post(delete).status_code in (302, 403)
    assert Instrument.objects.filter(pk=instrument.pk).exists()


def test_answered_questionnaires_cannot_be_reworded_even_unlocked(
    lead_client, cohort, programme, trainee
):
    instrument = make_instrument()
    plan = schedule(programme, instrument)
    answer(Enrolment.objects.get(trainee=trainee), plan, Timepoint.PRE, 3)
    items = [(i.pk, i.code, i.text, i.subscale, i.reversed) for i in instrument.items.all()]
    items[1] = (items[1][0], "c2", "I never doubt myself.", "confidence", False)
    response = lead_client.post(edit_url(instrument), form_data(instrument, items))
    assert response.status_code == 200
    assert "people have answered it" in response.content.decode()
    assert item_rows(instrument)[1] == ("c2", "I doubt myself.", True)
    # The name and introduction may still be improved.
    response = lead_client.post(edit_url(instrument), form_data(instrument, name="Confidence"))
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.name == "Confidence"


def test_organisation_questionnaires_stay_with_their_organisation(
    as_user, organisation, other_organisation
):
    licensed = make_instrument(locked=True, organisation=organisation)
    outsider = UserFactory(roles=[Role.EVALUATION_LEAD], organisation=other_organisation)
    client = as_user(outsider)
    listing = client.get(reverse("wagtailsnippets_assessments_instrument:list")).content.decode()
    assert "Confidence check" not in listing
    assert "My recovery" in listing  # shared, built-in
    assert client.get(edit_url(licensed)).status_code == 404
    assert client.post(edit_url(licensed), form_data(licensed, name="Mine now")).status_code == 404
    licensed.refresh_from_db()
    assert licensed.name == "Confidence check"


def test_trainers_have_no_access_to_the_builder(as_user, trainer, manager):
    for person in (trainer, manager):
        client = as_user(person)
        response = client.get(reverse("wagtailsnippets_assessments_instrument:list"))
        assert response.status_code in (302, 403)


def test_scheduling_a_questionnaire_invites_the_programmes_trainees(
    lead_client, programme, cohort, trainee, other_trainee
):
    response = lead_client.post(
        reverse("evaluation_schedules:add"),
        {
            "programme": programme.pk,
            "instrument": recovery().pk,
            "organisation": "",
            "at_enrolment": "on",
            "at_completion": "on",
            "follow_up_months": "6",
            "reminder_days": "7",
            "max_reminders": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert EvaluationSchedule.objects.filter(programme=programme).count() == 1
    assert set(
        EvaluationInvitation.objects.values_list("enrolment__trainee__username", "timepoint")
    ) == {("trainee", "pre"), ("other_trainee", "pre")}
    assert [i.timepoint for i in ev.waiting_for(trainee)] == ["pre"]


def test_a_licensed_questionnaire_is_only_scheduled_for_its_organisation(
    lead_client, programme, organisation
):
    licensed = make_instrument(locked=True, organisation=organisation)
    response = lead_client.post(
        reverse("evaluation_schedules:add"),
        {
            "programme": programme.pk,
            "instrument": licensed.pk,
            "organisation": "",
            "at_enrolment": "on",
            "reminder_days": "7",
            "max_reminders": "2",
        },
    )
    assert response.status_code == 200
    assert "This questionnaire is only for" in response.content.decode()
    assert not EvaluationSchedule.objects.exists()


def test_schedules_of_another_organisation_cannot_be_opened(
    as_user, lead_client, programme, organisation, other_organisation
):
    licensed = make_instrument(locked=True, organisation=organisation)
    plan = schedule(programme, licensed, organisation=organisation)
    edit = reverse("evaluation_schedules:edit", args=[plan.pk])
    assert lead_client.get(edit).status_code == 200
    listing = lead_client.get(reverse("evaluation_schedules:index")).content.decode()
    assert "Confidence check" in listing

    outsider = UserFactory(roles=[Role.EVALUATION_LEAD], organisation=other_organisation)
    client = as_user(outsider)
    assert client.get(edit).status_code == 404
    assert (
        "Confidence check" not in client.get(reverse("evaluation_schedules:index")).content.decode()
    )
    delete = reverse("evaluation_schedules:delete", args=[plan.pk])
    assert client.post(delete).status_code == 404
    assert EvaluationSchedule.objects.filter(pk=plan.pk).exists()
