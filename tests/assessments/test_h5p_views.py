"""Playing H5P: who may open the player, what the xAPI endpoint refuses, how results are
derived, what the trainer and the trainee home show, and that queries stay flat. The sandbox
and its signed file links are in ``test_h5p_sandbox.py``, score checks in
``test_h5p_score_checks.py``."""
# ruff: noqa: F811 (fixtures imported from conftest_h5p are used as arguments)

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import H5PActivity, H5PAttempt, H5PResult, XAPIStatement
from lms.roles import Role
from tests.factories import UserFactory, make_cohort
from training.models import CohortTrainer, Enrolment
from training.signals import progress_inputs_changed

from .conftest_h5p import (  # noqa: F401
    demo_bytes,
    demo_files,
    h5p_activity,
    h5p_media,
    h5p_session,
    open_attempt,
    play_round,
    post,
    statement,
    zip_of,
)

pytestmark = pytest.mark.django_db


def enrolment_of(user, cohort):
    return Enrolment.objects.get(trainee=user, cohort=cohort)


# --- files -------------------------------------------------------------------------------


def frame_files(client, enrolment, activity):
    """The signed prefix of the package files, as the play page gives it to its frame."""
    page = client.get(reverse("assessments:h5p_play", args=[enrolment.pk, activity.pk]))
    assert page.status_code == 200
    return page.context["frame_src"] + "files/"


def test_enrolled_trainee_reads_files_with_safe_headers(
    client, trainee, cohort, h5p_session, h5p_activity
):
    client.force_login(trainee)
    prefix = frame_files(client, enrolment_of(trainee, cohort), h5p_activity)
    # The frame has no origin and sends no login cookie: the link alone opens the files.
    anonymous = Client()
    response = anonymous.get(prefix + "H5P.PeerCheck-1.0/peercheck.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"H5P.PeerCheck" in b"".join(response.streaming_content)
    listed = anonymous.get(prefix + "h5p.json")
    assert listed["Content-Type"] == "application/json"
    assert json.loads(b"".join(listed.streaming_content))["mainLibrary"] == "H5P.PeerCheck"


@pytest.mark.parametrize(
    "path",
    [
        "../../../../etc/passwd",
        "content/../../other/h5p.json",
        "%2e%2e/%2e%2e/secret.txt",
        "content/%2e%2e/%2e%2e/%2e%2e/settings.py",
        "..%2f..%2fsecret.txt",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "content",
        "missing.json",
    ],
)
def test_file_paths_cannot_leave_the_folder(
    client, trainee, cohort, h5p_session, h5p_activity, h5p_media, path
):
    # A file next to the package folder that an escape would reach.
    secret = h5p_media / "h5p" / "secret.txt"
    secret.write_text("secret")
    (h5p_media / "h5p" / "content" / "other").mkdir(exist_ok=True)
    (h5p_media / "h5p" / "content" / "other" / "h5p.json").write_text("{}")
    client.force_login(trainee)
    prefix = frame_files(client, enrolment_of(trainee, cohort), h5p_activity)
    response = client.get(prefix + path)
    assert response.status_code == 404


def test_files_need_a_link_from_a_page_that_plays_them(
    client, trainee, h5p_activity, h5p_session, cohort, other_cohort
):
    # The old address on the platform's own origin is gone, for everyone.
    old = f"/h5p/content/{h5p_activity.folder}/h5p.json"
    assert client.get(old).status_code == 404
    outsider = UserFactory(username="outsider", roles=[Role.TRAINEE])
    client.force_login(outsider)
    assert client.get(old).status_code == 404
    enrolment = enrolment_of(trainee, cohort)
    assert (
        client.get(
            reverse("assessments:h5p_play", args=[enrolment.pk, h5p_activity.pk])
        ).status_code
        == 404
    )
    # A trainee of another organisation whose cohort follows the same programme may play it.
    stranger = other_cohort.enrolments.get().trainee
    client.force_login(stranger)
    prefix = frame_files(client, other_cohort.enrolments.get(), h5p_activity)
    assert Client().get(prefix + "h5p.json").status_code == 200


def test_withdrawn_trainee_loses_the_player(client, trainee, cohort, h5p_session, h5p_activity):
    enrolment = enrolment_of(trainee, cohort)
    client.force_login(trainee)
    frame = frame_files(client, enrolment, h5p_activity)[: -len("files/")]
    Enrolment.objects.filter(trainee=trainee).update(status=Enrolment.Status.WITHDRAWN)
    assert (
        client.get(
            reverse("assessments:h5p_play", args=[enrolment.pk, h5p_activity.pk])
        ).status_code
        == 404
    )
    assert Client().get(frame).status_code == 403


def test_staff_preview_without_enrolment(client, editor, h5p_activity):
    client.force_login(editor)
    page = client.get(reverse("assessments:h5p_preview", args=[h5p_activity.pk]))
    assert page.status_code == 200
    assert page.context["config"]["xapiUrl"] is None
    assert Client().get(page.context["frame_src"]).status_code == 200
    assert Client().get(page.context["frame_src"] + "files/h5p.json").status_code == 200


# --- play page -----------------------------------------------------------------------------


def test_play_page_configures_the_player(client, trainee, cohort, h5p_session, h5p_activity):
    enrolment = enrolment_of(trainee, cohort)
    client.force_login(trainee)
    response = client.get(reverse("assessments:h5p_play", args=[enrolment.pk, h5p_activity.pk]))
    assert response.status_code == 200
    config = response.context["config"]
    assert config["objectId"] == h5p_activity.activity_iri
    assert config["actor"]["mail"] == f"learner-{trainee.pk}@learners.peer-support.invalid"
    assert config["xapiUrl"] == reverse(
        "assessments:h5p_xapi", args=[enrolment.pk, h5p_activity.pk]
    )
    attempt = H5PAttempt.objects.get(enrolment=enrolment, activity=h5p_activity)
    assert config["registration"] == str(attempt.registration)
    assert attempt.max_score == 4  # four choice questions in the demo package
    # The player itself is only in the sandboxed frame, never in this page.
    assert b"h5p-standalone/main.bundle.js" not in response.content
    assert b'id="h5p-config"' in response.content


def test_play_page_refuses_others(
    client, trainee, other_trainee, cohort, h5p_session, h5p_activity, programme
):
    enrolment = enrolment_of(trainee, cohort)
    client.force_login(other_trainee)
    url = reverse("assessments:h5p_play", args=[enrolment.pk, h5p_activity.pk])
    assert client.get(url).status_code == 404
    unused = H5PActivity.objects.create(title="Not in the programme", folder=uuid.uuid4())
    client.force_login(trainee)
    assert (
        client.get(reverse("assessments:h5p_play", args=[enrolment.pk, unused.pk])).status_code
        == 404
    )


# --- xAPI ----------------------------------------------------------------------------------


@pytest.fixture
def played(trainee, cohort, h5p_session, h5p_activity):
    """The trainee's enrolment, the endpoint, and the attempt the play page opened a minute
    ago (``max_score`` left open, so the tests below may use any maximum)."""
    enrolment = enrolment_of(trainee, cohort)
    url = reverse("assessments:h5p_xapi", args=[enrolment.pk, h5p_activity.pk])
    return enrolment, url, open_attempt(enrolment, h5p_activity, max_score=None)


def test_statements_are_stored_and_turned_into_a_result(
    client, trainee, h5p_activity, played, django_capture_on_commit_callbacks
):
    enrolment, url, attempt = played
    client.force_login(trainee)
    seen = []

    def listener(sender, enrolment_ids, **kwargs):
        seen.extend(enrolment_ids)

    progress_inputs_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = play_round(
                client, url, trainee, h5p_activity, attempt, 2, words="Patient and honest."
            )
            second = play_round(client, url, trainee, h5p_activity, attempt, 3)
    finally:
        progress_inputs_changed.disconnect(listener)
    assert [r.status_code for r in first + second] == [201] * 11
    result = H5PResult.objects.get(enrolment=enrolment, activity=h5p_activity)
    # Only the whole activity's statements count as attempts, not each question.
    assert result.attempts == 2
    assert result.best_scaled == 0.75 and result.last_scaled == 0.75
    assert result.completed and result.passed  # pass mark 75 %
    assert result.completed_at is not None
    assert seen == [enrolment.pk, enrolment.pk]
    stored = XAPIStatement.objects.get(sub_content_id="own-words")
    assert stored.response == "Patient and honest." and stored.interaction_type == "long-fill-in"
    assert not XAPIStatement.objects.exclude(flag="").exists()
    reply = second[-1].json()["result"]
    assert reply["attempts"] == 2
    # What the page shows as "Your result so far", without a reload.
    assert "best score 75%" in reply["summary"] and "passed" in reply["summary"]


def test_a_lower_score_after_a_better_one_keeps_the_best(client, trainee, h5p_activity, played):
    enrolment, url, attempt = played
    client.force_login(trainee)
    post(client, url, statement(trainee, h5p_activity, raw=4, top=4, registration=attempt))
    post(client, url, statement(trainee, h5p_activity, raw=1, top=4, registration=attempt))
    result = H5PResult.objects.get(enrolment=enrolment)
    assert (result.best_scaled, result.last_scaled, result.passed) == (1.0, 0.25, True)


def test_below_the_pass_mark_is_completed_not_passed(client, trainee, h5p_activity, played):
    enrolment, url, attempt = played
    client.force_login(trainee)
    post(client, url, statement(trainee, h5p_activity, raw=2, top=4, registration=attempt))
    result = H5PResult.objects.get(enrolment=enrolment)
    assert result.completed and not result.passed


def test_without_pass_mark_finishing_is_passing(client, trainee, h5p_activity, played):
    enrolment, url, attempt = played
    H5PActivity.objects.filter(pk=h5p_activity.pk).update(pass_percent=None)
    client.force_login(trainee)
    post(client, url, statement(trainee, h5p_activity, raw=0, top=4, registration=attempt))
    assert H5PResult.objects.get(enrolment=enrolment).passed


def refused(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["error"]
    assert not XAPIStatement.objects.exists()
    assert not H5PResult.objects.exists()


def test_forged_actor_is_refused(client, trainee, other_trainee, h5p_activity, played):
    _enrolment, url, attempt = played
    client.force_login(trainee)
    refused(
        post(
            client, url, statement(other_trainee, h5p_activity, raw=4, top=4, registration=attempt)
        ),
        403,
        "actor",
    )
    body = statement(trainee, h5p_activity, raw=4, top=4, registration=attempt)
    body["actor"] = {"account": {"name": "x", "homePage": "http://evil"}}
    refused(post(client, url, body), 403, "actor")


def test_statement_about_another_activity_is_refused(client, trainee, h5p_activity, played):
    _enrolment, url, attempt = played
    other = H5PActivity(title="Other", folder=uuid.uuid4())
    client.force_login(trainee)
    refused(
        post(client, url, statement(trainee, other, raw=4, top=4, registration=attempt)),
        403,
        "object",
    )
    body = statement(trainee, h5p_activity, raw=4, top=4, registration=attempt)
    body["object"]["id"] = h5p_activity.activity_iri + "-other"
    refused(post(client, url, body), 403, "object")


def test_replayed_statement_is_refused(client, trainee, h5p_activity, played):
    enrolment, url, attempt = played
    client.force_login(trainee)
    body = statement(trainee, h5p_activity, raw=1, top=4, registration=attempt)
    assert post(client, url, body).status_code == 201
    again = post(client, url, body)
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert XAPIStatement.objects.count() == 1
    assert H5PResult.objects.get(enrolment=enrolment).attempts == 1


@pytest.mark.parametrize(
    "body, code, status",
    [
        (b"{not json", "malformed", 400),
        (b"[1, 2]", "malformed", 400),
        (b"x" * (65 * 1024), "too_big", 413),
    ],
)
def test_malformed_or_big_bodies_are_refused(client, trainee, played, body, code, status):
    _enrolment, url, attempt = played
    client.force_login(trainee)
    refused(post(client, url, body), status, code)


def test_bad_fields_are_refused(client, trainee, h5p_activity, played):
    _enrolment, url, attempt = played
    client.force_login(trainee)
    no_id = statement(trainee, h5p_activity, raw=1, top=4, registration=attempt)
    no_id["id"] = "not-a-uuid"
    refused(post(client, url, no_id), 400, "malformed")
    silly = statement(trainee, h5p_activity, raw=1, top=4, registration=attempt)
    silly["result"]["score"]["scaled"] = 7
    refused(post(client, url, silly), 400, "malformed")
    noise = statement(trainee, h5p_activity, "interacted", registration=attempt)
    refused(post(client, url, noise), 400, "verb")


def test_other_users_enrolment_is_refused(client, trainee, other_trainee, h5p_activity, played):
    _enrolment, url, attempt = played
    client.force_login(other_trainee)
    refused(
        post(
            client, url, statement(other_trainee, h5p_activity, raw=4, top=4, registration=attempt)
        ),
        404,
        "not_found",
    )


def test_unauthenticated_is_refused(client, trainee, h5p_activity, played):
    _enrolment, url, attempt = played
    response = post(
        client, url, statement(trainee, h5p_activity, raw=4, top=4, registration=attempt)
    )
    assert response.status_code == 302
    assert not XAPIStatement.objects.exists()


def test_missing_csrf_token_is_refused(trainee, h5p_activity, played):
    _enrolment, url, attempt = played
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(trainee)
    response = post(
        strict, url, statement(trainee, h5p_activity, raw=4, top=4, registration=attempt)
    )
    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()
    # With the token in the header, as the player sends it, the same statement is stored.
    strict.get(reverse("home"))
    token = strict.cookies["csrftoken"].value
    ok = post(
        strict,
        url,
        statement(trainee, h5p_activity, raw=4, top=4, registration=attempt),
        HTTP_X_CSRFTOKEN=token,
    )
    assert ok.status_code == 201


def test_get_is_not_allowed(client, trainee, played):
    _enrolment, url, attempt = played
    client.force_login(trainee)
    assert client.get(url).status_code == 405


# --- trainer and home ------------------------------------------------------------------------


def _play(trainee, activity, enrolment, score, words):
    client = Client()
    client.force_login(trainee)
    url = reverse("assessments:h5p_xapi", args=[enrolment.pk, activity.pk])
    replies = play_round(
        client, url, trainee, activity, open_attempt(enrolment, activity), score, words=words
    )
    assert [r.status_code for r in replies] == [201] * len(replies)


def test_trainer_sees_scores_and_open_answers(
    client, trainer, trainee, cohort, h5p_session, h5p_activity, other_org_trainer
):
    _play(trainee, h5p_activity, enrolment_of(trainee, cohort), 3, "I want to listen first.")
    url = reverse("assessments:h5p_cohort", args=[cohort.pk, h5p_activity.pk])
    client.force_login(trainer)
    page = client.get(url).content.decode()
    assert "I want to listen first." in page and "75%" in page and "Passed" in page
    detail = client.get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    assert url in detail and "1 of 2 finished" in detail
    client.force_login(other_org_trainer)
    assert client.get(url).status_code == 403


def test_trainee_home_lists_activities_to_play(client, trainee, cohort, h5p_session, h5p_activity):
    client.force_login(trainee)
    enrolment = enrolment_of(trainee, cohort)
    page = client.get(reverse("home")).content.decode()
    assert reverse("assessments:h5p_play", args=[enrolment.pk, h5p_activity.pk]) in page
    assert "Not done yet" in page
    _play(trainee, h5p_activity, enrolment, 4, "Kind.")
    page = client.get(reverse("home")).content.decode()
    assert "best score 100%" in page


def _grow(cohort, h5p_activity, size):
    trainees = [UserFactory(username=f"t{size}-{i}", roles=[Role.TRAINEE]) for i in range(size)]
    for user in trainees:
        enrolment = Enrolment.objects.create(cohort=cohort, trainee=user)
        _play(user, h5p_activity, enrolment, 2, f"Words of {user.username}")


@pytest.mark.parametrize("size", [3, 30])
def test_trainer_page_queries_stay_flat(
    client, trainer, cohort, h5p_session, h5p_activity, django_assert_max_num_queries, size
):
    _grow(cohort, h5p_activity, size)
    client.force_login(trainer)
    url = reverse("assessments:h5p_cohort", args=[cohort.pk, h5p_activity.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.content.decode().count("Words of t") == size


@pytest.mark.parametrize("size", [3, 30])
def test_xapi_and_file_queries_stay_flat(
    client,
    trainee,
    cohort,
    h5p_session,
    h5p_activity,
    django_assert_max_num_queries,
    size,
    organisation,
):
    # Many cohorts for the same trainee must not add queries per cohort.
    for i in range(size):
        make_cohort(
            h5p_session.get_parent().specific,
            organisation,
            trainees=[trainee],
            name=f"Extra {i}",
            trainers=[],
        )
    client.force_login(trainee)
    enrolment = enrolment_of(trainee, cohort)
    url = reverse("assessments:h5p_xapi", args=[enrolment.pk, h5p_activity.pk])
    prefix = frame_files(client, enrolment, h5p_activity)
    attempt = H5PAttempt.objects.get(enrolment=enrolment)
    H5PAttempt.objects.filter(pk=attempt.pk).update(opened_at=timezone.now() - timedelta(minutes=1))
    body = statement(trainee, h5p_activity, raw=1, top=4, registration=attempt)
    # The attempt checks add two (the attempt, locked, and its statements so far); the result
    # is locked as it is fetched or made, not fetched twice.
    with django_assert_max_num_queries(17):
        assert post(client, url, body).status_code == 201
    # The package files need no database at all: the signed link says everything.
    with django_assert_max_num_queries(0):
        assert Client().get(prefix + "h5p.json").status_code == 200
    from assessments.views.h5p import trainee_home_context

    with django_assert_max_num_queries(4):
        items = trainee_home_context(trainee)["h5p_to_play"]
    assert len(items) == size + 1


def test_cohort_trainer_of_the_cohort_only(client, co_trainer, cohort, h5p_session, h5p_activity):
    client.force_login(co_trainer)
    url = reverse("assessments:h5p_cohort", args=[cohort.pk, h5p_activity.pk])
    assert client.get(url).status_code == 200
    assert CohortTrainer.objects.filter(cohort=cohort, user=co_trainer).exists()
