"""Who may open the trainer's worksheet pages: the trainers of the cohort and nobody else.

Every persona of the cast is tried against every trainer page, so a missing check shows up
as one failing line. Editors, managers and superusers run the platform but do not read what
trainees wrote.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from tests.factories import UserFactory, activity, make_session, part, worksheet_with_parts
from worksheets.models import AnswerFeedback, WorksheetResponse

pytestmark = pytest.mark.django_db

ALLOWED = {"trainer", "co_trainer"}
PERSONAS = [
    "trainer",
    "co_trainer",
    "other_org_trainer",
    "trainee",
    "other_trainee",
    "editor",
    "manager",
    "superuser",
    "anonymous",
]
VIEWS = ["grid", "review", "summary", "paper", "scan"]


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def worksheet(programme):
    worksheet = worksheet_with_parts(
        "Secrecy",
        part("reflection", "private", prompt="Who inspired you?"),
        part("classification", "group"),
    )
    make_session(programme, 1, activities=[activity("Secrecy", worksheet=worksheet)])
    return worksheet


@pytest.fixture
def handed_in(settings, tmp_path, cohort, other_cohort, trainee, worksheet):
    """A response of ``trainee`` handed in with a photo of the paper copy."""
    settings.MEDIA_ROOT = tmp_path
    private, judgement, why = (p.key for part in worksheet.layout() for p in part.prompts)
    response = WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=trainee),
        worksheet=worksheet,
        status=WorksheetResponse.Status.SUBMITTED,
        on_paper=True,
        answers={private: "My aunt Odile, who slept rough", judgement: "Yes", why: "Names heard"},
    )
    response.paper_scan.save("photo.png", ContentFile(png_bytes()))
    return response


def url_of(view, response):
    cohort = response.enrolment.cohort
    return {
        "grid": reverse("worksheets:grid", args=[cohort.pk]),
        "review": reverse("worksheets:review", args=[cohort.pk, response.pk]),
        "summary": reverse("worksheets:summary", args=[cohort.pk, response.worksheet_id]),
        "paper": reverse(
            "worksheets:paper", args=[cohort.pk, response.worksheet_id, response.enrolment_id]
        ),
        "scan": reverse("worksheets:scan", args=[cohort.pk, response.pk]),
    }[view]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_trainers_of_the_cohort_open_the_trainer_pages(
    request, as_user, handed_in, persona, view
):
    client = as_user(request.getfixturevalue(persona))
    response = client.get(url_of(view, handed_in))
    if persona in ALLOWED:
        assert response.status_code == 200
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403
    if view != "scan":
        # Whoever asks, the private reflection is never in the page.
        assert b"Odile" not in response.content


@pytest.mark.parametrize("persona", ["trainee", "other_org_trainer", "editor", "superuser"])
def test_nobody_but_the_trainers_can_return_a_worksheet_or_comment_on_it(
    request, as_user, handed_in, persona
):
    client = as_user(request.getfixturevalue(persona))
    url = url_of("review", handed_in)
    [_private, judgement, _why] = handed_in.answers
    returned = client.post(url, {"action": "review", "decision": "returned", "feedback": "No"})
    commented = client.post(url, {"action": "comment", "key": judgement, "text": "Hm"})
    assert returned.status_code == commented.status_code == 403
    handed_in.refresh_from_db()
    assert handed_in.status == WorksheetResponse.Status.SUBMITTED
    assert not AnswerFeedback.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "other_org_trainer", "manager", "superuser"])
def test_nobody_but_the_trainers_can_record_a_paper_copy(
    request, as_user, cohort, other_trainee, worksheet, persona
):
    enrolment = cohort.enrolments.get(trainee=other_trainee)
    url = reverse("worksheets:paper", args=[cohort.pk, worksheet.pk, enrolment.pk])
    response = as_user(request.getfixturevalue(persona)).post(url)
    assert response.status_code == 403
    assert not WorksheetResponse.objects.filter(enrolment=enrolment).exists()


def test_a_trainer_of_another_cohort_cannot_reach_a_response_through_their_own_cohort(
    as_user, handed_in, other_cohort, other_org_trainer
):
    client = as_user(other_org_trainer)
    for name in ("review", "scan"):
        url = reverse(f"worksheets:{name}", args=[other_cohort.pk, handed_in.pk])
        assert client.get(url).status_code == 404
    paper = reverse(
        "worksheets:paper", args=[other_cohort.pk, handed_in.worksheet_id, handed_in.enrolment_id]
    )
    assert client.get(paper).status_code == 404


def test_a_draft_stays_closed_to_the_trainer_until_it_is_handed_in(
    as_user, cohort, other_trainee, worksheet, trainer
):
    draft = WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=other_trainee),
        worksheet=worksheet,
        answers={worksheet.layout()[1].prompts[0].key: "Yes"},
    )
    client = as_user(trainer)
    assert client.get(reverse("worksheets:review", args=[cohort.pk, draft.pk])).status_code == 404


def test_a_worksheet_the_programme_does_not_use_has_no_summary_or_paper_page(
    as_user, cohort, trainee, trainer
):
    elsewhere = worksheet_with_parts("Not in this programme", part("classification", "group"))
    enrolment = cohort.enrolments.get(trainee=trainee)
    client = as_user(trainer)
    summary = reverse("worksheets:summary", args=[cohort.pk, elsewhere.pk])
    paper = reverse("worksheets:paper", args=[cohort.pk, elsewhere.pk, enrolment.pk])
    assert client.get(summary).status_code == 404
    assert client.get(paper).status_code == 404


def test_a_superuser_who_also_trains_the_cohort_still_reads_no_private_reflection(
    as_user, handed_in, superuser, cohort
):
    from training.models import CohortTrainer

    CohortTrainer.objects.create(cohort=cohort, user=superuser)
    html = as_user(superuser).get(url_of("review", handed_in)).content.decode()
    assert "Names heard" in html
    assert "Odile" not in html
    assert "Private reflection: not shared" in html
