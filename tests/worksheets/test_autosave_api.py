"""The JSON save endpoint autosave.js talks to: versions, merges, conflicts and refusals."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from training.models import Enrolment
from worksheets import services
from worksheets.layout import ANSWER_MAX_LENGTH
from worksheets.models import ResponseVersion, WorksheetResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(worksheet, programme):
    return [prompt.key for p in worksheet.layout(programme=programme) for prompt in p.prompts]


@pytest.fixture
def save_url(enrolment, worksheet):
    return reverse("worksheets:save", args=[enrolment.pk, worksheet.pk])


def post(client, target, changes, base_version, device="phone"):
    return client.post(
        target,
        json.dumps({"changes": changes, "base_version": base_version, "device": device}),
        content_type="application/json",
    )


def test_saving_returns_the_new_version_and_the_time(as_user, trainee, save_url, keys):
    reply = post(as_user(trainee), save_url, {keys[0]: "My aunt"}, 0)
    assert reply.status_code == 200
    data = reply.json()
    assert data["saved"] is True
    assert data["version"] == 1
    assert data["merged"] == {}
    assert data["saved_at"][:4].isdigit() and "T" in data["saved_at"]
    response = WorksheetResponse.objects.get()
    assert response.answers == {keys[0]: "My aunt"}


def test_every_save_adds_a_version_with_its_device(as_user, trainee, save_url, keys):
    client = as_user(trainee)
    assert post(client, save_url, {keys[0]: "My aunt"}, 0, "phone").json()["version"] == 1
    assert post(client, save_url, {keys[0]: "My aunt Rosa"}, 1, "laptop").json()["version"] == 2
    versions = list(ResponseVersion.objects.order_by("number"))
    assert [(v.number, v.answers[keys[0]], v.device) for v in versions] == [
        (1, "My aunt", "phone"),
        (2, "My aunt Rosa", "laptop"),
    ]
    assert all(v.saved_by == trainee for v in versions)


def test_changes_to_different_answers_from_two_devices_are_merged(as_user, trainee, save_url, keys):
    client = as_user(trainee)
    post(client, save_url, {keys[0]: "Start"}, 0)
    # Both devices loaded version 1; the phone saves first.
    assert post(client, save_url, {keys[0]: "Rosa, my aunt"}, 1, "phone").status_code == 200
    reply = post(client, save_url, {keys[1]: "Patience"}, 1, "laptop")
    assert reply.status_code == 200
    data = reply.json()
    assert data["version"] == 3
    # The laptop is told what the phone wrote, to show it in the box.
    assert data["merged"] == {keys[0]: "Rosa, my aunt"}
    assert WorksheetResponse.objects.get().answers == {
        keys[0]: "Rosa, my aunt",
        keys[1]: "Patience",
    }


def test_the_same_answer_changed_on_two_devices_is_a_conflict_with_both_texts(
    as_user, trainee, save_url, keys
):
    client = as_user(trainee)
    post(client, save_url, {keys[0]: "Start"}, 0)
    post(client, save_url, {keys[0]: "Written on the phone"}, 1, "phone")
    reply = post(
        client, save_url, {keys[0]: "Written on the laptop", keys[1]: "Also this"}, 1, "laptop"
    )
    assert reply.status_code == 409
    data = reply.json()
    assert data["conflicts"] == {
        keys[0]: {"mine": "Written on the laptop", "theirs": "Written on the phone"}
    }
    # The answer nobody disputed is not held back; the reply's version is the new base.
    assert data["version"] == 3
    response = WorksheetResponse.objects.get()
    assert response.answers == {keys[0]: "Written on the phone", keys[1]: "Also this"}
    # "Keep both": the page joins the texts and sends them on the new base.
    both = "Written on the laptop\n\nWritten on the phone"
    reply = post(client, save_url, {keys[0]: both}, data["version"], "laptop")
    assert reply.status_code == 200
    assert WorksheetResponse.objects.get().answers[keys[0]] == both


def test_a_logged_out_save_gets_401_json_instead_of_a_redirect(client, save_url, keys):
    reply = post(client, save_url, {keys[0]: "Keep me"}, 0)
    assert reply.status_code == 401
    assert reply.json() == {"error": "login", "login_url": "/login/"}
    assert not WorksheetResponse.objects.exists()


def test_a_too_long_answer_is_refused_and_nothing_changes(as_user, trainee, save_url, keys):
    client = as_user(trainee)
    post(client, save_url, {keys[0]: "Short"}, 0)
    reply = post(client, save_url, {keys[0]: "x" * (ANSWER_MAX_LENGTH + 1), keys[1]: "ok"}, 1)
    assert reply.status_code == 400
    assert str(ANSWER_MAX_LENGTH) in reply.json()["error"]
    response = WorksheetResponse.objects.get()
    assert (response.version, response.answers) == (1, {keys[0]: "Short"})
    assert ResponseVersion.objects.count() == 1


def test_a_choice_that_is_not_offered_is_refused(as_user, trainee, save_url, keys):
    judgement = next(key for key in keys if key.endswith(":judgement"))
    reply = post(as_user(trainee), save_url, {judgement: "Maybe"}, 0)
    assert reply.status_code == 400
    assert reply.json() == {"error": "Please pick one of the choices given."}


def test_saving_after_handing_in_is_refused_with_a_clear_message(
    as_user, trainee, save_url, keys, enrolment
):
    client = as_user(trainee)
    post(client, save_url, {keys[0]: "Done"}, 0)
    services.response_submit(user=trainee, response=WorksheetResponse.objects.get())
    reply = post(client, save_url, {keys[0]: "One more thing"}, 1)
    assert reply.status_code == 400
    assert reply.json()["error"] == (
        "This worksheet has been handed in, so it cannot be changed now."
    )
    assert WorksheetResponse.objects.get().answers == {keys[0]: "Done"}


def test_an_out_of_date_page_is_told_to_reload(as_user, trainee, save_url, keys):
    reply = post(as_user(trainee), save_url, {keys[0]: "Hello"}, 7)
    assert reply.status_code == 400
    assert "reload" in reply.json()["error"]


@pytest.mark.parametrize(
    "body", ["not json", json.dumps({"changes": {}}), json.dumps({"base_version": "x"})]
)
def test_a_save_that_cannot_be_read_is_refused(as_user, trainee, save_url, body):
    reply = as_user(trainee).post(save_url, body, content_type="application/json")
    assert reply.status_code == 400
    assert "could not be read" in reply.json()["error"]


def test_another_trainee_gets_403_json(as_user, other_trainee, save_url, keys):
    reply = post(as_user(other_trainee), save_url, {keys[0]: "Not mine"}, 0)
    assert reply.status_code == 403
    assert "error" in reply.json()
    assert not WorksheetResponse.objects.exists()


def test_a_withdrawn_trainee_gets_403_json(as_user, trainee, enrolment, save_url, keys):
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    reply = post(as_user(trainee), save_url, {keys[0]: "Too late"}, 0)
    assert reply.status_code == 403
    assert reply.json()["error"] == "You cannot change this worksheet any more."


def test_saving_needs_the_csrf_token(trainee, save_url, keys):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    assert post(client, save_url, {keys[0]: "Hello"}, 0).status_code == 403
    client.get(reverse("worksheets:fill", args=save_url.strip("/").split("/")[1:3]))
    token = client.cookies["csrftoken"].value
    reply = client.post(
        save_url,
        json.dumps({"changes": {keys[0]: "Hello"}, "base_version": 0}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert reply.status_code == 200


def test_a_logged_out_page_learns_it_must_log_in_even_without_its_csrf_cookie(save_url, keys):
    # Logging out in another tab, or a cleared browser, can take the CSRF cookie too: the
    # page must still hear "log in again" rather than a bare refusal.
    client = Client(enforce_csrf_checks=True)
    reply = post(client, save_url, {keys[0]: "Keep me"}, 0)
    assert reply.status_code == 401
    assert reply.json()["error"] == "login"


def test_a_plain_form_post_needs_the_csrf_token_too(trainee, save_url, keys):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    reply = client.post(save_url, {keys[0]: "Hello", "base_version": "0"})
    assert reply.status_code == 403
    assert not WorksheetResponse.objects.exists()


def test_the_save_address_does_not_answer_get(as_user, trainee, save_url):
    assert as_user(trainee).get(save_url).status_code == 405
