"""Values, content notes and case scenarios are shared; deleting one in use is refused."""

import pytest
from django.urls import reverse

from curriculum.models import CaseScenario, ContentNote, PeerSupportValue, ProgrammeValue
from tests.factories import CaseScenarioFactory, activity, make_programme, make_session
from worksheets.models import Worksheet

pytestmark = pytest.mark.django_db


def delete_url(instance):
    meta = instance._meta
    return reverse(
        f"wagtailsnippets_{meta.app_label}_{meta.model_name}:delete", args=(instance.pk,)
    )


def test_deleting_a_case_scenario_used_by_a_session_is_refused(as_user, editor):
    scenario = CaseScenarioFactory(title="The story of Tomas")
    make_session(make_programme(), title="Delving deeper", activities=[activity(scenario=scenario)])
    client = as_user(editor)
    response = client.post(delete_url(scenario), follow=True)
    assert CaseScenario.objects.filter(pk=scenario.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("used by: “Delving deeper”" in m and "Remove it" in m for m in messages)


def test_an_unused_case_scenario_can_be_deleted(as_user, editor):
    scenario = CaseScenarioFactory()
    response = as_user(editor).post(delete_url(scenario))
    assert response.status_code == 302
    assert not CaseScenario.objects.filter(pk=scenario.pk).exists()


def test_deleting_a_worksheet_used_by_a_session_is_refused(as_user, editor):
    worksheet = Worksheet.objects.create(title="My role model", instructions="Think of someone.")
    make_session(make_programme(), activities=[activity(worksheet=worksheet)])
    as_user(editor).post(delete_url(worksheet))
    assert Worksheet.objects.filter(pk=worksheet.pk).exists()


def refusal(response):
    return [str(m) for m in response.context["messages"] if "cannot be deleted" in str(m)]


def test_deleting_a_value_a_programme_teaches_is_refused(as_user, editor):
    hope = PeerSupportValue.objects.create(name="Hope")
    programme = make_programme("Peer support agent")
    programme.value_choices.add(ProgrammeValue(value=hope))
    programme.save_revision().publish()
    response = as_user(editor).post(delete_url(hope), follow=True)
    assert PeerSupportValue.objects.filter(pk=hope.pk).exists()
    assert "used by: “Peer support agent”" in refusal(response)[0]


def test_a_case_scenario_used_only_in_a_draft_cannot_be_deleted(as_user, editor):
    scenario = CaseScenarioFactory()
    session = make_session(make_programme(), title="Delving deeper", activities=[activity()])
    session.activities = [activity(scenario=scenario)]
    session.save_revision()  # a draft: the published version does not use the scenario
    response = as_user(editor).post(delete_url(scenario), follow=True)
    assert CaseScenario.objects.filter(pk=scenario.pk).exists()
    assert "“Delving deeper”" in refusal(response)[0]


def test_a_value_chosen_only_in_a_draft_cannot_be_deleted(as_user, editor):
    hope = PeerSupportValue.objects.create(name="Hope")
    programme = make_programme()
    programme.value_choices.add(ProgrammeValue(value=hope))
    programme.save_revision()
    as_user(editor).post(delete_url(hope))
    assert PeerSupportValue.objects.filter(pk=hope.pk).exists()


def test_bulk_deleting_case_scenarios_in_use_is_refused(as_user, editor):
    scenario = CaseScenarioFactory()
    make_session(make_programme(), activities=[activity(scenario=scenario)])
    url = (
        reverse("wagtail_bulk_action", args=("curriculum", "casescenario", "delete"))
        + f"?id={scenario.pk}"
    )
    as_user(editor).post(url)
    assert CaseScenario.objects.filter(pk=scenario.pk).exists()


def test_a_content_note_on_a_case_scenario_cannot_be_deleted(as_user, editor):
    CaseScenarioFactory(title="The story of Tomas", notes=["Prison"])
    note = ContentNote.objects.get(name="Prison")
    response = as_user(editor).post(delete_url(note), follow=True)
    assert ContentNote.objects.filter(pk=note.pk).exists()
    assert "“The story of Tomas”" in refusal(response)[0]


def test_an_unused_content_note_can_be_deleted(as_user, editor):
    note = ContentNote.objects.create(name="Violence")
    as_user(editor).post(delete_url(note))
    assert not ContentNote.objects.filter(pk=note.pk).exists()


def test_a_programme_uses_the_library_values_until_it_picks_its_own():
    names = ["Hope", "Experience", "Equity", "Mutuality", "Empowerment", "Acceptance", "Empathy"]
    for order, name in enumerate(names):
        PeerSupportValue.objects.create(name=name, sort_order=order, description=f"{name}.")
    programme = make_programme()
    assert [value.name for value, _ in programme.peer_support_values()] == names

    programme.value_choices.add(
        ProgrammeValue(value=PeerSupportValue.objects.get(name="Empathy"), description="Feel with.")
    )
    programme.value_choices.add(ProgrammeValue(value=PeerSupportValue.objects.get(name="Hope")))
    programme.save_revision().publish()
    programme.refresh_from_db()
    assert [(v.name, d) for v, d in programme.peer_support_values()] == [
        ("Empathy", "Feel with."),
        ("Hope", "Hope."),
    ]


def test_a_new_value_extends_the_library_list():
    PeerSupportValue.objects.create(name="Hope", sort_order=0)
    PeerSupportValue.objects.create(name="Humour", sort_order=1)
    assert [v.name for v, _ in make_programme().peer_support_values()] == ["Hope", "Humour"]


def test_a_programme_adds_up_the_planned_hours_of_its_published_sessions():
    programme = make_programme()
    make_session(programme, number=1, planned_duration=150)
    make_session(programme, number=2, planned_duration=120)
    draft = make_session(programme, number=3, planned_duration=150)
    draft.unpublish()
    assert programme.total_planned_minutes() == 270
    assert programme.total_planned_hours == 4.5


def test_bulk_deleting_an_unused_case_scenario_works(as_user, editor):
    scenario = CaseScenarioFactory()
    url = (
        reverse("wagtail_bulk_action", args=("curriculum", "casescenario", "delete"))
        + f"?id={scenario.pk}"
    )
    as_user(editor).post(url)
    assert not CaseScenario.objects.filter(pk=scenario.pk).exists()


def test_a_case_scenario_a_worksheet_asks_about_cannot_be_deleted(as_user, editor):
    from tests.factories import part, worksheet_with_parts

    scenario = CaseScenarioFactory()
    worksheet_with_parts("Tomas questions", part("case_questions", case_scenario=scenario.pk))
    response = as_user(editor).post(delete_url(scenario), follow=True)
    assert CaseScenario.objects.filter(pk=scenario.pk).exists()
    assert "“Tomas questions”" in refusal(response)[0]


def test_a_worksheet_with_answers_cannot_be_deleted(as_user, editor, cohort, trainee):
    from tests.factories import part, worksheet_with_parts
    from worksheets.models import WorksheetResponse

    worksheet = worksheet_with_parts("Values", part("reflection"))
    WorksheetResponse.objects.create(worksheet=worksheet, enrolment=trainee.enrolments.get())
    response = as_user(editor).post(delete_url(worksheet), follow=True)
    assert Worksheet.objects.filter(pk=worksheet.pk).exists()
    assert "answers from 1 trainee”" in refusal(response)[0]
