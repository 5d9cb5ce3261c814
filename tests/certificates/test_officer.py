"""The certifying officer's pages: the review, issuing one, issuing a cohort through the
background worker, following the run, revoking and re-issuing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from certificates import issuing, tasks
from certificates.models import Certificate, CertificateEvent, IssueRun
from lms.roles import Role
from tests.factories import UserFactory
from training.models import Enrolment


def review_url(cohort):
    return reverse("certificates:cohort", args=[cohort.pk])


def test_the_officer_home_lists_cohorts_with_trainees_waiting(
    client, certifying_officer, completed
):
    client.force_login(certifying_officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "1 trainee ready for a certificate" in response.content.decode()
    assert review_url(completed.cohort) in response.content.decode()


def test_the_review_shows_who_is_ready_and_who_is_not(client, certifying_officer, completed):
    client.force_login(certifying_officer)
    response = client.get(review_url(completed.cohort))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{completed.pk}"' in page  # a tick box for the one who is ready
    assert "Has not met the completion rule yet (50% attendance)" in page
    assert page.count('name="enrolments"') == 1


@pytest.mark.parametrize("who", ["trainer", "manager", "trainee", "anonymous_client"])
def test_people_who_are_not_officers_cannot_open_the_review(client, request, completed, who):
    if who != "anonymous_client":
        client.force_login(request.getfixturevalue(who))
    response = client.get(review_url(completed.cohort))
    assert response.status_code in (302, 403)
    if who == "anonymous_client":
        assert "/login/" in response["Location"]


def test_an_officer_of_another_organisation_cannot_open_the_review(
    client, completed, other_organisation
):
    outsider = UserFactory(roles=[Role.CERTIFYING_OFFICER], organisation=other_organisation)
    client.force_login(outsider)
    assert client.get(review_url(completed.cohort)).status_code == 403
    assert client.get(reverse("certificates:cohorts")).status_code == 200
    assert completed.cohort.name not in client.get(reverse("certificates:cohorts")).content.decode()


def test_issuing_one_with_a_corrected_name(client, certifying_officer, completed):
    client.force_login(certifying_officer)
    url = reverse("certificates:issue_one", args=[completed.cohort.pk, completed.pk])
    assert completed.trainee.get_full_name() in client.get(url).content.decode()

    response = client.post(url, {"holder_name": "Ștefan Dvořák"}, follow=True)

    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Ștefan Dvořák"
    assert f"Certificate {certificate.code} issued to Ștefan Dvořák." in response.content.decode()


def test_a_double_submission_issues_one_certificate_and_says_so(
    client, certifying_officer, completed
):
    client.force_login(certifying_officer)
    url = reverse("certificates:issue_one", args=[completed.cohort.pk, completed.pk])
    client.post(url, {"holder_name": "Sam"})
    response = client.post(url, {"holder_name": "Sam"}, follow=True)
    assert Certificate.objects.count() == 1
    assert "already has a valid certificate" in response.content.decode()


def test_issuing_one_to_someone_not_ready_is_refused(client, certifying_officer, not_completed):
    client.force_login(certifying_officer)
    url = reverse("certificates:issue_one", args=[not_completed.cohort.pk, not_completed.pk])
    response = client.post(url, {"holder_name": "Someone"}, follow=True)
    assert not Certificate.objects.exists()
    assert "cannot receive a certificate" in response.content.decode()


def test_the_cohort_form_needs_the_confirmation_and_a_tick(client, certifying_officer, completed):
    client.force_login(certifying_officer)
    response = client.post(review_url(completed.cohort), {"enrolments": [completed.pk]})
    assert "Tick the box to confirm" in response.content.decode()
    response = client.post(review_url(completed.cohort), {"checked": "on"})
    assert "Tick at least one trainee" in response.content.decode()
    assert not IssueRun.objects.exists()


def test_a_trainee_who_is_not_ready_cannot_be_slipped_into_the_bulk_form(
    client, certifying_officer, completed, not_completed
):
    client.force_login(certifying_officer)
    response = client.post(
        review_url(completed.cohort),
        {"enrolments": [completed.pk, not_completed.pk], "checked": "on"},
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not IssueRun.objects.exists()


# The worker takes its own transactions (as it does in production), so this test commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cohort_is_issued_by_the_background_worker_with_progress(
    client, certifying_officer, completed, not_completed, credit_mappings
):
    client.force_login(certifying_officer)
    response = client.post(
        review_url(completed.cohort), {"enrolments": [completed.pk], "checked": "on"}
    )
    run = IssueRun.objects.get()
    assert response["Location"] == reverse("certificates:run", args=[run.pk])
    assert run.status == IssueRun.Status.QUEUED and run.task_id
    assert not Certificate.objects.exists()  # nothing until the worker runs
    status = client.get(reverse("certificates:run_status", args=[run.pk])).json()
    assert (status["status"], status["issued"], status["total"]) == ("queued", 0, 1)

    call_command(
        "db_worker",
        "--backend",
        "certificates",
        "--batch",
        "--interval",
        "0",
        "--no-startup-delay",
        "--no-reload",
    )

    run.refresh_from_db()
    assert (run.status, run.issued, run.skipped, run.percent) == ("done", 1, 0, 100)
    certificate = Certificate.objects.get()
    assert certificate.enrolment == completed
    assert certificate.issued_by == certifying_officer
    status = client.get(reverse("certificates:run_status", args=[run.pk])).json()
    assert status["finished"] and status["counts"] == "1 of 1 issued, 0 not issued."
    page = client.get(reverse("certificates:run", args=[run.pk])).content.decode()
    assert "Finished" in page


def test_a_problem_with_one_trainee_is_reported_and_the_others_are_still_issued(
    certifying_officer, completed, cohort, trainee, other_trainee
):
    # A run that names someone who is not ready (their attendance was corrected after the
    # review, say) reports them and still issues the others.
    other = Enrolment.objects.get(cohort=cohort, trainee=other_trainee)
    run = IssueRun.objects.create(
        cohort=cohort,
        requested_by=certifying_officer,
        enrolment_ids=[completed.pk, other.pk],
        total=2,
    )
    result = tasks.run_issue(run.pk)

    run.refresh_from_db()
    assert result == {"issued": 1, "skipped": 1}
    assert run.status == IssueRun.Status.DONE
    (problem,) = run.problems
    assert problem["enrolment"] == other.pk
    assert "completion rule" in problem["message"]
    assert Certificate.objects.get().enrolment == completed


def test_the_run_page_belongs_to_the_organisation(client, completed, other_organisation):
    run = IssueRun.objects.create(cohort=completed.cohort, enrolment_ids=[completed.pk], total=1)
    outsider = UserFactory(roles=[Role.CERTIFYING_OFFICER], organisation=other_organisation)
    client.force_login(outsider)
    assert client.get(reverse("certificates:run", args=[run.pk])).status_code == 403
    assert client.get(reverse("certificates:run_status", args=[run.pk])).status_code == 403


def test_starting_a_run_for_another_cohort_s_enrolment_is_refused(
    certifying_officer, completed, programme, organisation
):
    from tests.factories import make_cohort

    other_cohort = make_cohort(programme, organisation, name="Autumn")
    with pytest.raises(Exception, match="Tick at least one"):
        tasks.start_issue_run(other_cohort, certifying_officer, [completed.pk])


def test_revoking_from_the_page_needs_a_reason(client, certifying_officer, completed):
    certificate = issuing.issue(completed, certifying_officer)
    client.force_login(certifying_officer)
    url = reverse("certificates:revoke", args=[certificate.code])
    response = client.post(url, {"revoke-reason": " "}, follow=True)
    assert "Say why" in response.content.decode()
    assert Certificate.objects.get().status == "valid"

    response = client.post(url, {"revoke-reason": "Attendance was recorded wrongly."}, follow=True)
    assert f"Certificate {certificate.code} is revoked." in response.content.decode()
    assert Certificate.objects.get().status == "revoked"
    assert "Attendance was recorded wrongly." in response.content.decode()  # in the log


def test_revoke_is_post_only_and_needs_csrf(certifying_officer, completed):
    from django.test import Client

    certificate = issuing.issue(completed, certifying_officer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(certifying_officer)
    url = reverse("certificates:revoke", args=[certificate.code])
    assert client.get(url).status_code == 405
    assert client.post(url, {"revoke-reason": "No token."}).status_code == 403
    assert Certificate.objects.get().status == "valid"


def test_reissue_from_the_page(client, certifying_officer, completed):
    certificate = issuing.issue(completed, certifying_officer)
    client.force_login(certifying_officer)
    response = client.post(
        reverse("certificates:reissue", args=[certificate.code]),
        {"reissue-holder_name": "Olena Shevchenko", "reissue-reason": "Name corrected."},
    )
    new = Certificate.objects.get(status="valid")
    assert response["Location"] == reverse("certificates:manage", args=[new.code])
    assert new.holder_name == "Olena Shevchenko"
    assert Certificate.objects.get(pk=certificate.pk).status == "superseded"


@pytest.mark.parametrize("who", ["trainee", "manager", "trainer"])
def test_only_officers_may_revoke(client, request, certifying_officer, completed, who):
    certificate = issuing.issue(completed, certifying_officer)
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("certificates:revoke", args=[certificate.code]), {"revoke-reason": "Because."}
    )
    assert response.status_code == 403
    assert Certificate.objects.get().status == "valid"
    assert CertificateEvent.objects.count() == 1


def test_review_queries_do_not_grow_with_the_cohort(
    client, django_assert_max_num_queries, certifying_officer, completed, organisation
):
    client.force_login(certifying_officer)
    url = review_url(completed.cohort)

    def count():
        with django_assert_max_num_queries(40) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    small = count()
    for _ in range(8):
        Enrolment.objects.create(
            cohort=completed.cohort, trainee=UserFactory(organisation=organisation)
        )
    assert count() == small
