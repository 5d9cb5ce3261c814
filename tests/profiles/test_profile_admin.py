"""The built-in profile and profiles in the Wagtail admin: edit and copy, never delete the
built-in one, never delete one a cohort uses."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from profiles.models import AdaptationProfile


def test_the_built_in_profile_comes_with_every_installation(autistic):
    assert autistic.built_in
    assert autistic.duration_factor == pytest.approx(1.25)
    assert autistic.break_every_minutes == 45
    assert autistic.show_visual_schedule and autistic.show_content_notes
    assert autistic.prefer_easy_read and autistic.prefer_low_demand
    assert "NICE" in autistic.description and "National Autistic Society" in autistic.description


def test_the_built_in_profile_cannot_be_deleted_in_code(autistic):
    with pytest.raises(ValidationError):
        autistic.delete()
    assert AdaptationProfile.objects.filter(pk=autistic.pk).exists()


def test_an_editor_may_edit_profiles_but_not_delete_the_built_in_one(as_user, editor, autistic):
    client = as_user(editor)
    index = client.get(reverse("wagtailsnippets_profiles_adaptationprofile:list"))
    assert index.status_code == 200
    delete_url = reverse("wagtailsnippets_profiles_adaptationprofile:delete", args=[autistic.pk])
    assert delete_url not in index.content.decode()
    response = client.post(delete_url)
    assert response.status_code in (302, 403)
    assert AdaptationProfile.objects.filter(pk=autistic.pk).exists()
    edit = client.get(
        reverse("wagtailsnippets_profiles_adaptationprofile:edit", args=[autistic.pk])
    )
    assert edit.status_code == 200


def test_copying_the_built_in_profile_makes_a_new_one_of_your_own(as_user, editor, autistic):
    client = as_user(editor)
    copy_page = client.get(
        reverse("wagtailsnippets_profiles_adaptationprofile:copy", args=[autistic.pk])
    )
    assert copy_page.status_code == 200
    assert "Copy of Autistic adults" in copy_page.content.decode()
    form = copy_page.context["form"]
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["name"] = "Autistic adults, Kent"
    data["break_minutes"] = 15
    response = client.post(reverse("wagtailsnippets_profiles_adaptationprofile:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    copy = AdaptationProfile.objects.get(name="Autistic adults, Kent")
    assert not copy.built_in
    assert copy.break_minutes == 15
    assert copy.duration_factor == autistic.duration_factor
    autistic.refresh_from_db()
    assert autistic.break_minutes == 10


def test_a_profile_a_cohort_uses_is_not_deleted(as_user, editor, adapted):
    own = AdaptationProfile.objects.create(name="Young mothers")
    adapted.profile = own
    adapted.save()
    client = as_user(editor)
    response = client.post(
        reverse("wagtailsnippets_profiles_adaptationprofile:delete", args=[own.pk]), follow=True
    )
    assert AdaptationProfile.objects.filter(pk=own.pk).exists()
    assert "cannot be deleted" in response.content.decode()


def test_an_unused_profile_of_ones_own_can_be_deleted(as_user, editor):
    own = AdaptationProfile.objects.create(name="Young mothers")
    client = as_user(editor)
    client.post(reverse("wagtailsnippets_profiles_adaptationprofile:delete", args=[own.pk]))
    assert not AdaptationProfile.objects.filter(pk=own.pk).exists()


def test_trainees_and_trainers_cannot_open_profiles_in_the_admin(as_user, trainee, trainer):
    url = reverse("wagtailsnippets_profiles_adaptationprofile:list")
    for person in (trainee, trainer):
        assert as_user(person).get(url).status_code in (302, 403)


def test_a_manager_chooses_the_profile_on_the_cohort(as_user, manager, cohort, autistic):
    client = as_user(manager)
    url = reverse("cohorts:edit", args=[cohort.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="profile"' in page.content.decode()
