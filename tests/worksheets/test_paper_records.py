"""A trainer records a worksheet filled in on paper, with a photo or scan if they have one.

Only real JPEG, PNG or PDF files are kept, judged by what is inside them, and only up to a
size limit; anything else is refused with a message and nothing is saved. The file is kept
in private storage without its metadata (see test_paper_scans_are_private) and downloaded,
never shown inline.
"""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageChops
from pypdf import PdfWriter

from tests.factories import activity, make_session, part, worksheet_with_parts
from worksheets.forms import scan_extension
from worksheets.models import WorksheetResponse

pytestmark = pytest.mark.django_db


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


def image_bytes(format):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format=format)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Where scans are kept: the private folder. The public one must stay empty."""
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield settings.PRIVATE_MEDIA_ROOT
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def same_picture(data, expected):
    with Image.open(io.BytesIO(data)) as got, Image.open(io.BytesIO(expected)) as wanted:
        return (
            got.size == wanted.size
            and not ImageChops.difference(got.convert("RGB"), wanted.convert("RGB")).getbbox()
        )


@pytest.fixture
def worksheet(programme):
    worksheet = worksheet_with_parts("Values", part("reflection", "trainer"))
    make_session(programme, 1, activities=[activity("Values", worksheet=worksheet)])
    return worksheet


@pytest.fixture
def enrolment(cohort, trainee):
    return cohort.enrolments.get(trainee=trainee)


def paper_url(enrolment, worksheet):
    return reverse("worksheets:paper", args=[enrolment.cohort_id, worksheet.pk, enrolment.pk])


def upload(client, enrolment, worksheet, name, content, content_type):
    return client.post(
        paper_url(enrolment, worksheet),
        {"scan": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def stored_files(media):
    return [path for path in Path(media).rglob("*") if path.is_file()]


def test_the_page_names_the_trainee_and_the_worksheet(
    as_user, trainer, enrolment, worksheet, trainee
):
    html = as_user(trainer).get(paper_url(enrolment, worksheet)).content.decode()
    assert trainee.get_full_name() in html
    assert "Values" in html
    assert 'enctype="multipart/form-data"' in html
    assert "up to 10.0\xa0MB" in html


def test_a_real_png_photo_is_kept_with_the_paper_record(
    as_user, trainer, enrolment, worksheet, media
):
    page = upload(
        as_user(trainer), enrolment, worksheet, "photo.png", image_bytes("PNG"), "image/png"
    )
    assert page.status_code == 302
    assert page["Location"] == reverse("worksheets:grid", args=[enrolment.cohort_id])
    response = WorksheetResponse.objects.get(enrolment=enrolment, worksheet=worksheet)
    assert response.on_paper
    assert response.status == WorksheetResponse.Status.SUBMITTED
    assert response.paper_scan.name.endswith(".png")
    # Drawn afresh (without metadata): the same picture, not the same bytes.
    assert same_picture(response.paper_scan.read(), image_bytes("PNG"))
    # A random name: nothing about the trainee on disk.
    assert "trainee" not in response.paper_scan.name
    assert len(stored_files(media)) == 1


def test_a_jpeg_and_a_pdf_are_accepted_too(as_user, trainer, enrolment, worksheet):
    client = as_user(trainer)
    upload(client, enrolment, worksheet, "photo.jpg", image_bytes("JPEG"), "image/jpeg")
    response = WorksheetResponse.objects.get(enrolment=enrolment, worksheet=worksheet)
    assert response.paper_scan.name.endswith(".jpg")
    page = upload(client, enrolment, worksheet, "scan.pdf", PDF, "application/pdf")
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.paper_scan.name.endswith(".pdf")


def test_a_png_that_is_really_text_is_refused_and_nothing_is_saved(
    as_user, trainer, enrolment, worksheet, media
):
    page = upload(
        as_user(trainer),
        enrolment,
        worksheet,
        "photo.png",
        b"<html>not a photo</html>",
        "image/png",
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "not a photo (JPEG or PNG) or a PDF" in html
    assert "Nothing was saved" in html
    assert not WorksheetResponse.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(
    as_user, trainer, enrolment, worksheet, media, settings
):
    settings.WORKSHEET_SCAN_MAX_BYTES = 100
    big = image_bytes("PNG") + b"\0" * 200
    page = upload(as_user(trainer), enrolment, worksheet, "photo.png", big, "image/png")
    assert page.status_code == 400
    assert "This file is too big" in page.content.decode()
    assert "up to 100\xa0bytes" in page.content.decode()
    assert not WorksheetResponse.objects.exists()
    assert stored_files(media) == []


def test_a_file_is_stored_under_what_it_is_not_what_it_is_called(
    as_user, trainer, enrolment, worksheet
):
    upload(as_user(trainer), enrolment, worksheet, "scan.pdf", image_bytes("PNG"), "image/png")
    response = WorksheetResponse.objects.get(enrolment=enrolment, worksheet=worksheet)
    assert response.paper_scan.name.endswith(".png")


def test_other_image_formats_are_refused():
    gif = SimpleUploadedFile("a.gif", image_bytes("GIF"), content_type="image/gif")
    assert scan_extension(gif) is None
    truncated = SimpleUploadedFile("a.png", image_bytes("PNG")[:30], content_type="image/png")
    assert scan_extension(truncated) is None


def test_a_paper_copy_can_be_recorded_without_a_photo_and_keeps_online_answers(
    as_user, trainer, enrolment, worksheet
):
    [key] = [prompt.key for p in worksheet.layout() for prompt in p.prompts]
    WorksheetResponse.objects.create(enrolment=enrolment, worksheet=worksheet, answers={key: "Hi"})
    page = as_user(trainer).post(paper_url(enrolment, worksheet))
    assert page.status_code == 302
    response = WorksheetResponse.objects.get(enrolment=enrolment, worksheet=worksheet)
    assert response.on_paper
    assert not response.paper_scan
    assert response.answers == {key: "Hi"}
    assert response.status == WorksheetResponse.Status.SUBMITTED


def test_a_new_photo_replaces_the_old_one_on_disk(as_user, trainer, enrolment, worksheet, media):
    client = as_user(trainer)
    upload(client, enrolment, worksheet, "first.png", image_bytes("PNG"), "image/png")
    upload(client, enrolment, worksheet, "second.pdf", PDF, "application/pdf")
    [kept] = stored_files(media)
    assert kept.name.endswith(".pdf")
    assert kept.read_bytes().startswith(b"%PDF-")


def test_the_scan_downloads_as_an_attachment_that_browsers_do_not_sniff(
    as_user, trainer, enrolment, worksheet, trainee
):
    client = as_user(trainer)
    upload(client, enrolment, worksheet, "photo.png", image_bytes("PNG"), "image/png")
    response = WorksheetResponse.objects.get(enrolment=enrolment, worksheet=worksheet)
    review = client.get(
        reverse("worksheets:review", args=[enrolment.cohort_id, response.pk])
    ).content.decode()
    scan_url = reverse("worksheets:scan", args=[enrolment.cohort_id, response.pk])
    assert scan_url in review
    download = client.get(scan_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="values-scan.png"' in download["Content-Disposition"]
    assert trainee.username not in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert same_picture(b"".join(download.streaming_content), image_bytes("PNG"))


def test_a_response_without_a_scan_has_nothing_to_download(as_user, trainer, enrolment, worksheet):
    response = WorksheetResponse.objects.create(
        enrolment=enrolment, worksheet=worksheet, status=WorksheetResponse.Status.SUBMITTED
    )
    url = reverse("worksheets:scan", args=[enrolment.cohort_id, response.pk])
    assert as_user(trainer).get(url).status_code == 404


def test_a_trainee_of_another_cohort_cannot_be_recorded_through_this_one(
    as_user, trainer, cohort, other_cohort, worksheet
):
    stranger = other_cohort.enrolments.get()
    url = reverse("worksheets:paper", args=[cohort.pk, worksheet.pk, stranger.pk])
    assert as_user(trainer).post(url).status_code == 404
    assert not WorksheetResponse.objects.exists()
