"""The adaptations screens in the Wagtail admin: who may use them, and an editor's way
through them from "Adapt this programme" to taking a change."""

import pytest
from django.test import Client
from django.urls import reverse

from adaptations.models import Adaptation
from lms.roles import Role
from tests.adaptations.conftest import edit_draft, latest, publish, with_activity
from tests.factories import UserFactory

NEW_PROCEDURE = "<p>Ask each person to write down, or say, who inspired them.</p>"


def form(original, organisation, **overrides):
    data = {
        "source": original.pk,
        "title": "Becoming a peer support agent: for autistic adults",
        "slug": "",
        "target_group": "Autistic adults",
        "organisation": organisation.pk,
    }
    data.update(overrides)
    return data


@pytest.fixture
def adaptation(original, adapt):
    return adapt(original, publish=True)


@pytest.fixture
def changed(adaptation):
    """The original's session 1 published again with a new procedure for its first activity."""
    row = adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=1
    )
    publish(
        row.source_session, activities=with_activity(row.source_session, 0, procedure=NEW_PROCEDURE)
    )
    return row


def test_an_editor_adapts_a_programme_from_the_form(client, editor, original, organisation):
    client.force_login(editor)
    page = client.get(reverse("adaptations:create") + f"?source={original.pk}")
    assert page.status_code == 200
    assert "Becoming a peer support agent: for …" in page.content.decode()

    response = client.post(reverse("adaptations:create"), form(original, organisation))

    adaptation = Adaptation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("adaptations:changes", args=[adaptation.pk])
    assert adaptation.programme.slug == "becoming-a-peer-support-agent-for-autistic-adults"
    assert adaptation.sessions.count() == 2
    assert not adaptation.programme.live
    assert adaptation.created_by == editor


def test_a_taken_address_is_a_message_on_the_form_and_nothing_is_made(
    client, editor, original, organisation
):
    client.force_login(editor)
    client.post(reverse("adaptations:create"), form(original, organisation, slug="kent"))
    response = client.post(reverse("adaptations:create"), form(original, organisation, slug="kent"))

    assert response.status_code == 200
    assert "already in the library" in response.content.decode()
    assert Adaptation.objects.count() == 1


@pytest.mark.parametrize("persona", ["trainer", "trainee", "manager"])
def test_people_who_are_not_editors_are_refused(
    request, client, persona, original, organisation, adaptation
):
    client.force_login(request.getfixturevalue(persona))
    urls = [
        reverse("adaptations:index"),
        reverse("adaptations:create"),
        reverse("adaptations:changes", args=[adaptation.pk]),
    ]
    for url in urls:
        response = client.get(url)
        # Wagtail's admin answers a refusal with a redirect (to its login for people without
        # admin access, to the dashboard with a message for the others), or 403 for scripts.
        assert response.status_code in (302, 403), url
        assert not response.get("Location", "").startswith(url)
        ajax = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
        assert ajax.status_code == 403
    before = Adaptation.objects.count()
    client.post(reverse("adaptations:create"), form(original, organisation, slug="x"))
    assert Adaptation.objects.count() == before


def test_an_editor_of_another_organisation_does_not_see_kents_adaptation(
    client, adaptation, other_organisation
):
    lille_editor = UserFactory(roles=[Role.CURRICULUM_EDITOR], organisation=other_organisation)
    client.force_login(lille_editor)

    assert client.get(reverse("adaptations:changes", args=[adaptation.pk])).status_code == 404
    listing = client.get(reverse("adaptations:index")).content.decode()
    assert "for autistic adults" not in listing
    decide = client.post(
        reverse("adaptations:decide", args=[adaptation.pk]), {"action": "take", "ref": "x|y|z"}
    )
    assert decide.status_code == 404


def test_an_editor_without_an_organisation_sees_every_adaptation(client, adaptation):
    central = UserFactory(roles=[Role.CURRICULUM_EDITOR])
    client.force_login(central)
    assert "for autistic adults" in client.get(reverse("adaptations:index")).content.decode()
    assert client.get(reverse("adaptations:changes", args=[adaptation.pk])).status_code == 200


def test_the_changes_page_shows_the_change_and_taking_it_applies_it(
    client, editor, adaptation, changed
):
    client.force_login(editor)
    page = client.get(reverse("adaptations:changes", args=[adaptation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 change in the original since you last looked" in html
    assert "Activity 1: My role model · What to do" in html
    assert "Take all that do not conflict (1)" in html
    ref = page.context["review"].changes[0].ref

    response = client.post(
        reverse("adaptations:decide", args=[adaptation.pk]), {"action": "take", "ref": ref}
    )

    assert response.status_code == 302
    assert (
        latest(changed.copy_session).activities.raw_data[0]["value"]["procedure"] == NEW_PROCEDURE
    )
    after = client.get(response["Location"]).content.decode()
    assert "1 change is in a draft of your version" in after
    assert "Your adaptation is up to date with the original." in after


def test_ignoring_from_the_page_hides_the_change(client, editor, adaptation, changed):
    client.force_login(editor)
    page = client.get(reverse("adaptations:changes", args=[adaptation.pk]))
    ref = page.context["review"].changes[0].ref

    client.post(
        reverse("adaptations:decide", args=[adaptation.pk]), {"action": "ignore", "ref": ref}
    )

    html = client.get(reverse("adaptations:changes", args=[adaptation.pk])).content.decode()
    assert "Your adaptation is up to date with the original." in html
    assert "Ignored" in html  # in the list of earlier decisions
    assert (
        latest(changed.copy_session).activities.raw_data[0]["value"]["procedure"] != NEW_PROCEDURE
    )


def test_a_conflict_shows_both_versions_and_asks_which_to_keep(client, editor, adaptation, changed):
    edit_draft(
        changed.copy_session,
        activities=with_activity(changed.copy_session, 0, procedure="<p>Use picture cards.</p>"),
    )
    client.force_login(editor)

    html = client.get(reverse("adaptations:changes", args=[adaptation.pk])).content.decode()

    assert "You changed this too." in html
    assert "Use picture cards." in html
    assert "write down, or say" in html
    assert "Keep mine" in html and "Use the original’s" in html
    assert "Take all that do not conflict" not in html


def test_state_changing_requests_need_the_csrf_token(editor, adaptation, changed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("adaptations:decide", args=[adaptation.pk]), {"action": "take", "ref": "a|b|c"}
    )
    assert response.status_code == 403


def test_the_adapted_programmes_edit_page_says_how_many_changes_wait(
    client, editor, adaptation, changed
):
    client.force_login(editor)

    programme = client.get(reverse("wagtailadmin_pages:edit", args=[adaptation.programme.pk]))
    session = client.get(reverse("wagtailadmin_pages:edit", args=[changed.copy_session.pk]))

    assert "1 change in the original since you last looked." in programme.content.decode()
    assert "1 change in the original of this session since you last looked." in (
        session.content.decode()
    )
    assert reverse("adaptations:changes", args=[adaptation.pk]) in programme.content.decode()


def test_programmes_offer_adapt_this_programme(client, editor, original):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[original.pk])).content.decode()
    assert "Adapt this programme" in html
    assert f"{reverse('adaptations:create')}?source={original.pk}" in html


def test_editing_a_copied_worksheet_says_whose_copy_it_is(client, editor, adaptation, worksheet):
    from django.contrib.contenttypes.models import ContentType

    copy_id = adaptation.snippets.get(
        content_type=ContentType.objects.get_for_model(type(worksheet)), source_id=worksheet.pk
    ).copy_id
    client.force_login(editor)
    edit = "wagtailsnippets_worksheets_worksheet:edit"

    mine = client.get(reverse(edit, args=[copy_id])).content.decode()
    theirs = client.get(reverse(edit, args=[worksheet.pk])).content.decode()

    assert "This is the copy used by" in mine
    assert "Adaptations have their own copies of this" in theirs


def test_take_all_leaves_a_dropped_session_for_its_own_button(client, editor, adaptation):
    row = adaptation.sessions.select_related("source_session").get(copy_session__number=2)
    row.source_session.unpublish()
    client.force_login(editor)

    page = client.get(reverse("adaptations:changes", args=[adaptation.pk]))

    assert page.context["free_changes"] == []
    html = page.content.decode()
    assert "Session plan no longer in the original" in html
    assert "Take all that do not conflict" not in html
