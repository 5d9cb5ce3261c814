"""A photo or scan of a paper worksheet is personal data like the answers on it: it is kept in
private storage (never under the public media folder), drawn afresh without the metadata a
phone or scanner put in it, and served only by a view that asks ``worksheets.access``: the
cohort's trainers, and the trainee whose worksheet it is."""

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image
from pypdf import PdfReader, PdfWriter

from tests.factories import UserFactory, activity, make_session, part, worksheet_with_parts
from worksheets.models import WorksheetResponse

pytestmark = pytest.mark.django_db

MAKER = "PhoneMakerXYZ"


def gps_photo(fmt="JPEG"):
    """A photo as a phone takes it: its maker, and where it was taken."""
    image = Image.new("RGB", (60, 40), "white")
    image.paste((20, 20, 20), (5, 5, 55, 10))  # a line of handwriting
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKER
    exif[ExifTags.Base.DateTime] = "2026:03:01 10:00:00"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 16.0, 48.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (1.0, 4.0, 48.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def scanner_pdf():
    """A one-page PDF as a scanner writes it, with who scanned it in its metadata."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=300)
    writer.add_metadata({"/Author": "Jane Scanner", "/Title": "Worksheet of Rosa Diaz"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def worksheet(programme):
    worksheet = worksheet_with_parts("Values", part("reflection", "trainer"))
    make_session(programme, 1, activities=[activity("Values", worksheet=worksheet)])
    return worksheet


def record(client, enrolment, worksheet, name, content, content_type):
    return client.post(
        reverse("worksheets:paper", args=[enrolment.cohort_id, worksheet.pk, enrolment.pk]),
        {"scan": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def trainer_url(response):
    return reverse("worksheets:scan", args=[response.enrolment.cohort_id, response.pk])


def trainee_url(response):
    return reverse("worksheets:my_scan", args=[response.enrolment_id, response.worksheet_id])


def files_under(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()]


def body(download):
    return b"".join(download.streaming_content)


@pytest.fixture
def scanned(as_user, trainer, enrolment, worksheet):
    reply = record(
        as_user(trainer), enrolment, worksheet, "IMG_0042.jpg", gps_photo(), "image/jpeg"
    )
    assert reply.status_code == 302
    return WorksheetResponse.objects.get(enrolment=enrolment, worksheet=worksheet)


def test_a_scan_is_kept_in_private_storage_and_nothing_under_the_public_media_folder(scanned):
    assert files_under(settings.MEDIA_ROOT) == []
    [kept] = files_under(settings.PRIVATE_MEDIA_ROOT)
    assert kept.read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    assert "IMG_0042" not in kept.name
    # It has no public address at all, in any setting.
    with pytest.raises(ValueError):
        scanned.paper_scan.url  # noqa: B018


def test_a_photo_with_gps_comes_back_without_any_exif(as_user, trainer, scanned):
    download = as_user(trainer).get(trainer_url(scanned))
    assert download.status_code == 200
    data = body(download)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (60, 40)
        assert not image.getexif()
        assert "exif" not in image.info
    assert MAKER.encode() not in data
    assert b"Exif" not in data


def test_a_pdf_scan_loses_its_document_metadata(as_user, trainer, enrolment, worksheet):
    client = as_user(trainer)
    reply = record(client, enrolment, worksheet, "scan.pdf", scanner_pdf(), "application/pdf")
    assert reply.status_code == 302
    response = WorksheetResponse.objects.get()
    data = body(client.get(trainer_url(response)))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert not (reader.metadata or {}).get("/Author")
    assert not (reader.metadata or {}).get("/Title")
    assert b"Jane Scanner" not in data and b"Rosa Diaz" not in data


def test_a_pdf_that_cannot_be_read_is_refused(as_user, trainer, enrolment, worksheet):
    broken = b"%PDF-1.4\nnot really a document\n"
    reply = record(as_user(trainer), enrolment, worksheet, "scan.pdf", broken, "application/pdf")
    assert reply.status_code == 400
    assert not WorksheetResponse.objects.exists()
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_the_trainee_downloads_their_own_scan_from_their_worksheet_page(
    as_user, trainee, scanned, enrolment, worksheet
):
    client = as_user(trainee)
    page = client.get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk]))
    assert trainee_url(scanned) in page.content.decode()
    download = client.get(trainee_url(scanned))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(body(download))) as image:
        assert image.size == (60, 40)


def test_a_trainee_who_left_the_group_still_downloads_their_scan(as_user, trainee, scanned):
    from training.models import Enrolment

    Enrolment.objects.filter(pk=scanned.enrolment_id).update(status=Enrolment.Status.WITHDRAWN)
    assert as_user(trainee).get(trainee_url(scanned)).status_code == 200


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "other_trainee", "manager", "editor", "superuser", "other_org_trainer"],
)
def test_nobody_else_gets_the_scan(request, as_user, scanned, persona):
    client = as_user(request.getfixturevalue(persona))
    for url in (trainer_url(scanned), trainee_url(scanned)):
        reply = client.get(url)
        if persona == "anonymous":
            assert reply.status_code == 302
            assert reply["Location"].startswith(reverse("login"))
        else:
            assert reply.status_code in (403, 404), (persona, url)
        assert not reply.has_header("Content-Disposition")
        assert not getattr(reply, "streaming", False)


def test_another_trainee_cannot_reach_a_scan_through_their_own_enrolment(
    as_user, other_trainee, cohort, scanned, worksheet
):
    theirs = cohort.enrolments.get(trainee=other_trainee)
    url = reverse("worksheets:my_scan", args=[theirs.pk, worksheet.pk])
    assert as_user(other_trainee).get(url).status_code == 404


def test_a_deleted_response_takes_its_scan_with_it(scanned, django_capture_on_commit_callbacks):
    assert files_under(settings.PRIVATE_MEDIA_ROOT)
    with django_capture_on_commit_callbacks(execute=True):
        scanned.delete()
    # Gone once the deletion is final, like recordings and pictures.
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_existing_scans_are_moved_out_of_the_public_folder_without_their_metadata(
    enrolment, worksheet
):
    """What migration 0006 does with scans stored before: the row is kept, the file moves into
    private storage, drawn afresh without EXIF, and nothing is left under MEDIA_ROOT."""
    old_name = "worksheets/paper/0123abcd.jpg"
    public = Path(settings.MEDIA_ROOT) / old_name
    public.parent.mkdir(parents=True)
    public.write_bytes(gps_photo())
    orphan = Path(settings.MEDIA_ROOT) / "worksheets/paper/replaced-long-ago.png"
    orphan.write_bytes(gps_photo("PNG"))
    response = WorksheetResponse.objects.create(
        enrolment=enrolment,
        worksheet=worksheet,
        on_paper=True,
        status=WorksheetResponse.Status.SUBMITTED,
    )
    WorksheetResponse.objects.filter(pk=response.pk).update(paper_scan=old_name)

    migration = importlib.import_module("worksheets.migrations.0006_paper_scans_in_private_storage")
    migration.move_scans_to_private_storage(apps, None)

    response.refresh_from_db()
    assert response.paper_scan.name
    assert files_under(settings.MEDIA_ROOT) == []
    with response.paper_scan.open("rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
    assert MAKER.encode() not in data


def test_a_png_scan_stays_a_png_without_its_metadata(as_user, trainer, enrolment, worksheet):
    client = as_user(trainer)
    reply = record(client, enrolment, worksheet, "scan.png", gps_photo("PNG"), "image/png")
    assert reply.status_code == 302
    response = WorksheetResponse.objects.get()
    data = body(client.get(trainer_url(response)))
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert not image.getexif()
    assert MAKER.encode() not in data


def test_the_photo_inside_a_pdf_loses_its_exif_too(as_user, trainer, enrolment, worksheet):
    """Phone scanning apps put the photo of each page in the PDF as a JPEG, EXIF and all."""
    with Image.open(io.BytesIO(gps_photo())) as photo:
        buffer = io.BytesIO()
        photo.save(buffer, "PDF", exif=photo.getexif())
    assert MAKER.encode() in buffer.getvalue()
    client = as_user(trainer)
    reply = record(client, enrolment, worksheet, "scan.pdf", buffer.getvalue(), "application/pdf")
    assert reply.status_code == 302
    data = body(client.get(trainer_url(WorksheetResponse.objects.get())))
    assert MAKER.encode() not in data
    page = PdfReader(io.BytesIO(data)).pages[0]
    [picture] = page.images
    with Image.open(io.BytesIO(picture.data)) as image:
        assert image.size == (60, 40)
        assert not image.getexif()
