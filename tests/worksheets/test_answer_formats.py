"""Trainees answer by speaking or with a picture: uploads are checked by their content, kept
privately, versioned like text, and heard or seen only by those who may read the answer."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import ExifTags, Image
from pypdf import PdfReader

from lms.roles import Role
from tests.factories import UserFactory, activity, make_session, part, worksheet_with_parts
from training.models import Enrolment
from worksheets import services
from worksheets.layout import file_key
from worksheets.models import AnswerFile, ResponseVersion, WorksheetResponse

pytestmark = pytest.mark.django_db

# The start of what Chrome's MediaRecorder writes: an EBML header whose DocType is "webm".
WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 400
)
# Firefox records Ogg with Opus; Safari MP4 with AAC.
OGG = b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x13OpusHead\x01\x01" + b"\x00" * 300
MP4 = b"\x00\x00\x00\x1cftypiso5\x00\x00\x02\x00iso5iso6mp41" + b"\x00" * 300
PHP = b"<?php system($_GET['cmd']); ?>\n" + b"\x00" * 100


@pytest.fixture
def worksheet(programme):
    """A private reflection and a shared one, both taking recordings and pictures, a table
    whose cells take pictures, and a reflection that takes text only."""
    worksheet = worksheet_with_parts(
        "My role model",
        part(
            "reflection", "private", prompt="Who inspired you?", answer_formats=["audio", "picture"]
        ),
        part(
            "reflection",
            "trainer",
            prompt="What will you take from them?",
            answer_formats=["audio", "picture"],
        ),
        part("table", "group", rows=["Hope"], answer_formats=["picture"]),
        part("reflection", "trainer", prompt="Anything else?"),
    )
    make_session(programme, activities=[activity(worksheet=worksheet)])
    return worksheet


@pytest.fixture
def enrolment(cohort, trainee):
    return Enrolment.objects.get(cohort=cohort, trainee=trainee)


@pytest.fixture
def keys(worksheet, programme):
    """Prompt keys: private reflection, shared reflection, table cell, text-only reflection."""
    return [p.key for part in worksheet.layout(programme=programme) for p in part.prompts]


def photo(size=(40, 30), gps=True, orientation=None, fmt="JPEG"):
    """A small photo as a phone takes it: maker, and where it was taken."""
    image = Image.new("RGB", size, "teal")
    image.paste((200, 40, 40), (0, 0, size[0] // 2, size[1] // 2))  # top-left is red
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.DateTime] = "2026:03:01 10:00:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (51.0, 16.0, 48.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (1.0, 4.0, 48.0),
        }
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def files_url(enrolment, worksheet):
    return reverse("worksheets:answer_files", args=[enrolment.pk, worksheet.pk])


def send(client, enrolment, worksheet, name, data, filename, token="", **extra):
    """What answer_formats.js sends: one file, a JSON reply."""
    upload = io.BytesIO(data)
    upload.name = filename
    return client.post(
        files_url(enrolment, worksheet),
        {"name": name, "token": token, "device": "web-tab", "file": upload, **extra},
        HTTP_ACCEPT="application/json",
    )


def remove(client, enrolment, worksheet, name):
    return client.post(
        files_url(enrolment, worksheet),
        {"name": name, "remove": "1", "device": "web-tab"},
        HTTP_ACCEPT="application/json",
    )


def stored_files():
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "worksheet-answers"
    return sorted(folder.iterdir()) if folder.exists() else []


def response_of(enrolment):
    return WorksheetResponse.objects.get(enrolment=enrolment)


def hand_in(user, enrolment):
    services.response_submit(user=user, response=response_of(enrolment))


# --- what is accepted, and how it is kept ---------------------------------------------------


def test_a_recording_becomes_the_answer_and_is_kept_outside_the_public_media_folder(
    as_user, trainee, enrolment, worksheet, keys
):
    reply = send(as_user(trainee), enrolment, worksheet, f"{keys[0]}:audio", WEBM, "blob", "t1")
    assert reply.status_code == 200, reply.content
    answer_file = AnswerFile.objects.get()
    assert reply.json()["url"] == reverse("worksheets:answer_file", args=[answer_file.pk])
    assert (answer_file.kind, answer_file.content_type) == ("audio", "audio/webm")
    response = response_of(enrolment)
    assert response.answers == {file_key(keys[0], "audio"): str(answer_file.pk)}
    # Versioned like typed text.
    assert response.version == 1
    assert ResponseVersion.objects.get().answers == response.answers
    # In the private folder, under a random name; nothing under MEDIA_ROOT.
    (path,) = stored_files()
    assert path.suffix == ".webm" and path.read_bytes() == WEBM
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    with pytest.raises(ValueError):
        answer_file.file.url  # noqa: B018 - there is no public address to give out


@pytest.mark.parametrize(
    ("data", "extension", "content_type"),
    [(OGG, ".ogg", "audio/ogg"), (MP4, ".m4a", "audio/mp4"), (WEBM, ".webm", "audio/webm")],
)
def test_a_recording_is_known_by_its_content_not_its_name(
    as_user, trainee, enrolment, worksheet, keys, data, extension, content_type
):
    reply = send(as_user(trainee), enrolment, worksheet, f"{keys[0]}:audio", data, "voice.exe")
    assert reply.status_code == 200, reply.content
    assert AnswerFile.objects.get().content_type == content_type
    assert stored_files()[0].suffix == extension


def test_a_php_file_called_webm_is_refused_and_nothing_is_kept(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={keys[0]: "My aunt Rosa."},
        base_version=0,
    )
    reply = send(client, enrolment, worksheet, f"{keys[0]}:audio", PHP, "recording.webm")
    assert reply.status_code == 400
    assert reply.json()["code"] == "not_audio"
    assert "not a sound recording we can play" in reply.json()["error"]
    assert not AnswerFile.objects.exists() and not stored_files()
    assert response_of(enrolment).answers == {keys[0]: "My aunt Rosa."}


def test_a_photo_comes_back_without_where_it_was_taken_and_the_right_way_up(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    original = photo(size=(40, 30), orientation=6)  # taken holding the phone sideways
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    reply = send(client, enrolment, worksheet, f"{keys[0]}:picture", original, "IMG_0001.JPG")
    assert reply.status_code == 200, reply.content

    served = client.get(reply.json()["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    data = b"".join(served.streaming_content)
    picture = Image.open(io.BytesIO(data))
    exif = picture.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert not dict(exif), "no EXIF at all: no maker, no date, no place"
    assert b"PhoneMaker" not in data and b"GPS" not in data
    # Turned as the phone said (orientation 6 is a quarter turn): 30 wide, 40 high.
    assert picture.size == (30, 40)
    # The stored copy is the cleaned one too: the original is never written anywhere.
    assert stored_files()[0].read_bytes() == data


def test_a_big_picture_is_made_smaller_and_a_png_with_transparency_stays_a_png(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    reply = send(client, enrolment, worksheet, f"{keys[0]}:picture", photo((3000, 1500)), "a.jpg")
    assert reply.status_code == 200
    big = Image.open(io.BytesIO(b"".join(client.get(reply.json()["url"]).streaming_content)))
    assert big.size == (2000, 1000)

    drawing = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    buffer = io.BytesIO()
    drawing.save(buffer, "PNG")
    reply = send(client, enrolment, worksheet, f"{keys[1]}:picture", buffer.getvalue(), "d.png")
    assert reply.status_code == 200
    assert AnswerFile.objects.order_by("pk").last().content_type == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, called a photo",
        PHP,
        photo()[:200],  # a photo cut short on a bad connection
        WEBM,
    ],
    ids=["text", "php", "truncated", "a-recording"],
)
def test_what_is_not_a_picture_is_refused(as_user, trainee, enrolment, worksheet, keys, data):
    reply = send(as_user(trainee), enrolment, worksheet, f"{keys[0]}:picture", data, "photo.jpg")
    assert reply.status_code == 400
    assert "not a picture we can read" in reply.json()["error"]
    assert not AnswerFile.objects.exists() and not stored_files()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_picture_claiming_too_many_pixels_is_refused_before_it_is_drawn(
    as_user, trainee, enrolment, worksheet, keys
):
    # A PNG whose header says 10 000 x 10 000: small on disk, huge in memory.
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
    reply = send(
        as_user(trainee), enrolment, worksheet, f"{keys[0]}:picture", buffer.getvalue(), "x.png"
    )
    assert reply.status_code == 400
    assert "too many pixels" in reply.json()["error"]


def test_an_oversized_recording_is_refused_with_a_clear_message_and_nothing_is_lost(
    as_user, trainee, enrolment, worksheet, keys, settings
):
    settings.WORKSHEET_AUDIO_MAX_BYTES = 300
    client = as_user(trainee)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={keys[0]: "My aunt Rosa."},
        base_version=0,
    )
    reply = send(client, enrolment, worksheet, f"{keys[0]}:audio", WEBM, "r.webm")
    assert reply.status_code == 400
    message = reply.json()["error"]
    too_big = r"This recording is too big \(43\d\sbytes\)\. The limit is 300\sbytes"
    assert re.search(too_big, message)
    assert "Nothing was changed" in message
    assert response_of(enrolment).answers == {keys[0]: "My aunt Rosa."}
    assert not AnswerFile.objects.exists() and not stored_files()


def test_without_javascript_the_text_is_saved_even_when_the_picture_is_refused(
    as_user, trainee, enrolment, worksheet, keys, settings
):
    """The whole form is posted with the picture: the typed text is saved first, and the
    page comes back with it in its box and the reason the picture was refused."""
    settings.WORKSHEET_PICTURE_MAX_BYTES = 100
    client = as_user(trainee)
    page = client.get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk]))
    token = re.search(r'name="upload_token" value="(\w+)"', page.content.decode()).group(1)
    upload = io.BytesIO(photo())
    upload.name = "IMG_1.jpg"
    reply = client.post(
        files_url(enrolment, worksheet),
        {
            "base_version": "0",
            "device": "form-1",
            "upload_token": token,
            keys[1]: "Their patience.",
            f"{keys[1]}:picture": upload,
            "upload": f"{keys[1]}:picture",
        },
    )
    assert reply.status_code == 400
    html = reply.content.decode()
    assert "This picture is too big" in html and re.search(r"The limit is 100\sbytes", html)
    assert "Their patience." in html
    assert response_of(enrolment).answers == {keys[1]: "Their patience."}
    assert not AnswerFile.objects.exists()


def test_without_javascript_text_and_picture_are_saved_together_once(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)

    def post():
        upload = io.BytesIO(photo())
        upload.name = "IMG_1.jpg"
        return client.post(
            files_url(enrolment, worksheet),
            {
                "base_version": "0",
                "device": "form-1",
                "upload_token": "page-token",
                keys[2]: "Listen first.",
                f"{keys[2]}:picture": upload,
                "upload": f"{keys[2]}:picture",
            },
        )

    reply = post()
    assert reply.status_code == 302
    follow = client.get(reply["Location"]).content.decode()
    assert "Your answers are saved. Your picture is saved." in follow
    answer_file = AnswerFile.objects.get()
    answers = {keys[2]: "Listen first.", file_key(keys[2], "picture"): str(answer_file.pk)}
    assert response_of(enrolment).answers == answers
    # The same form sent again (the back button, a double tap) stores no second picture.
    assert post().status_code == 302
    assert AnswerFile.objects.count() == 1 and len(stored_files()) == 1
    assert response_of(enrolment).answers == answers


# --- versions, double sending and removal ---------------------------------------------------


def test_a_new_recording_replaces_the_answer_but_the_old_one_is_kept_in_the_history(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    name = f"{keys[0]}:audio"
    first = send(client, enrolment, worksheet, name, WEBM, "r.webm", "first").json()["url"]
    second = send(client, enrolment, worksheet, name, OGG, "r.ogg", "second").json()["url"]
    old, new = AnswerFile.objects.order_by("pk")
    assert response_of(enrolment).answers[file_key(keys[0], "audio")] == str(new.pk)
    versions = list(ResponseVersion.objects.order_by("number").values_list("answers", flat=True))
    assert [v[file_key(keys[0], "audio")] for v in versions] == [str(old.pk), str(new.pk)]
    assert len(stored_files()) == 2
    # Both stay the trainee's to hear.
    assert client.get(first).status_code == 200
    assert client.get(second).status_code == 200


def test_the_same_upload_sent_twice_is_kept_once(as_user, trainee, enrolment, worksheet, keys):
    client = as_user(trainee)
    name = f"{keys[0]}:audio"
    one = send(client, enrolment, worksheet, name, WEBM, "r.webm", "same-token")
    two = send(client, enrolment, worksheet, name, WEBM, "r.webm", "same-token")
    assert one.status_code == two.status_code == 200
    assert one.json()["url"] == two.json()["url"]
    assert (one.json()["saved"], two.json()["saved"]) == (True, False)
    assert AnswerFile.objects.count() == 1 and len(stored_files()) == 1
    assert response_of(enrolment).version == 1


def test_deleting_a_recording_takes_it_out_of_the_answer_and_keeps_the_history(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    name = f"{keys[0]}:audio"
    url = send(client, enrolment, worksheet, name, WEBM, "r.webm", "t").json()["url"]
    reply = remove(client, enrolment, worksheet, name)
    assert reply.status_code == 200 and reply.json()["saved"]
    response = response_of(enrolment)
    assert response.answers[file_key(keys[0], "audio")] == ""
    assert response.version == 2
    assert client.get(url).status_code == 200  # the trainee's own earlier answer
    # Deleting again changes nothing.
    assert not remove(client, enrolment, worksheet, name).json()["saved"]
    assert response_of(enrolment).version == 2


def test_typing_in_the_same_tab_after_a_recording_is_not_a_conflict(
    as_user, trainee, enrolment, worksheet, keys
):
    """The recording's save counts as the tab's own (same device): the autosave that
    follows, still based on the version before it, goes through."""
    client = as_user(trainee)
    send(client, enrolment, worksheet, f"{keys[0]}:audio", WEBM, "r.webm", "t")
    result = services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={keys[0]: "And some words."},
        base_version=0,
        device="web-tab",
    )
    assert result.saved and not result.conflicts and not result.merged
    assert response_of(enrolment).answers[keys[0]] == "And some words."


def test_a_recording_alone_is_an_answer_that_can_be_handed_in(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    send(client, enrolment, worksheet, f"{keys[1]}:audio", WEBM, "r.webm", "t")
    client.post(reverse("worksheets:submit", args=[enrolment.pk, worksheet.pk]))
    assert response_of(enrolment).status == WorksheetResponse.Status.SUBMITTED


@pytest.mark.parametrize(
    ("index", "kind"),
    [(3, "audio"), (3, "picture"), (2, "audio")],
    ids=["text-only-audio", "text-only-picture", "table-audio"],
)
def test_a_question_that_does_not_ask_for_a_file_takes_none(
    as_user, trainee, enrolment, worksheet, keys, index, kind
):
    data = WEBM if kind == "audio" else photo()
    reply = send(as_user(trainee), enrolment, worksheet, f"{keys[index]}:{kind}", data, "f")
    assert reply.status_code == 400
    assert "changed since you opened it" in reply.json()["error"]
    assert not AnswerFile.objects.exists()


def test_a_handed_in_worksheet_takes_no_new_recording(as_user, trainee, enrolment, worksheet, keys):
    client = as_user(trainee)
    send(client, enrolment, worksheet, f"{keys[1]}:audio", WEBM, "r.webm", "t1")
    hand_in(trainee, enrolment)
    reply = send(client, enrolment, worksheet, f"{keys[1]}:audio", OGG, "r.ogg", "t2")
    assert reply.status_code == 400
    assert "handed in" in reply.json()["error"]
    assert remove(client, enrolment, worksheet, f"{keys[1]}:audio").status_code == 400
    assert AnswerFile.objects.count() == 1


def test_nobody_but_the_trainee_gives_files_for_them(
    as_user, other_trainee, trainer, enrolment, worksheet, keys
):
    for person in (other_trainee, trainer):
        reply = send(as_user(person), enrolment, worksheet, f"{keys[1]}:audio", WEBM, "r", "t")
        assert reply.status_code == 403
    logged_out = as_user(trainer)
    logged_out.logout()
    reply = send(logged_out, enrolment, worksheet, f"{keys[1]}:audio", WEBM, "r", "t")
    assert reply.status_code == 401
    assert not AnswerFile.objects.exists()


def test_sending_a_file_needs_the_csrf_token(trainee, enrolment, worksheet, keys):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    reply = send(client, enrolment, worksheet, f"{keys[1]}:audio", WEBM, "r", "t")
    assert reply.status_code == 403
    assert not AnswerFile.objects.exists()


# --- who hears and sees them ----------------------------------------------------------------


@pytest.fixture
def answered(as_user, trainee, enrolment, worksheet, keys):
    """A recording in the private reflection and one in the shared reflection."""
    client = as_user(trainee)
    private = send(client, enrolment, worksheet, f"{keys[0]}:audio", WEBM, "r", "p").json()
    shared = send(client, enrolment, worksheet, f"{keys[1]}:audio", OGG, "r", "s").json()
    return {"private": private["url"], "shared": shared["url"]}


def test_the_trainee_hears_their_own_recordings(as_user, trainee, answered):
    client = as_user(trainee)
    for url in answered.values():
        reply = client.get(url)
        assert reply.status_code == 200
        assert reply["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in reply["Content-Security-Policy"]
        assert reply["Cache-Control"] == "private, no-store"
        assert reply["Content-Disposition"].startswith("inline")
    assert client.get(answered["shared"])["Content-Type"] == "audio/ogg"


def test_another_trainee_hears_nothing(as_user, other_trainee, answered):
    client = as_user(other_trainee)
    assert client.get(answered["private"]).status_code == 403
    assert client.get(answered["shared"]).status_code == 403


def test_the_trainer_hears_only_shared_parts_and_only_once_handed_in(
    as_user, trainee, trainer, enrolment, answered
):
    client = as_user(trainer)
    # A draft belongs to the trainee.
    assert client.get(answered["shared"]).status_code == 403
    hand_in(trainee, enrolment)
    assert client.get(answered["shared"]).status_code == 200
    # A private reflection stays private, handed in or not.
    assert client.get(answered["private"]).status_code == 403


def test_the_trainer_hears_the_answer_not_the_recordings_it_replaced(
    as_user, trainee, trainer, enrolment, worksheet, keys
):
    client = as_user(trainee)
    name = f"{keys[1]}:audio"
    old = send(client, enrolment, worksheet, name, WEBM, "r", "1").json()["url"]
    new = send(client, enrolment, worksheet, name, OGG, "r", "2").json()["url"]
    hand_in(trainee, enrolment)
    client = as_user(trainer)
    assert client.get(new).status_code == 200
    assert client.get(old).status_code == 403


def test_people_outside_the_group_hear_nothing(
    as_user, trainee, enrolment, answered, other_org_trainer, other_cohort, editor, client
):
    hand_in(trainee, enrolment)
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    manager = UserFactory(username="boss", roles=[Role.PROGRAMME_MANAGER])
    for person in (other_org_trainer, editor, superuser, manager):
        assert as_user(person).get(answered["shared"]).status_code == 403
    client.logout()
    assert client.get(answered["shared"]).status_code == 302  # to the login page
    assert client.get(reverse("worksheets:answer_file", args=[9999])).status_code == 302


def test_a_trainee_who_left_the_group_still_hears_their_own_but_the_trainer_does_not(
    as_user, trainee, trainer, enrolment, answered
):
    hand_in(trainee, enrolment)
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    assert as_user(trainee).get(answered["shared"]).status_code == 200
    assert as_user(trainer).get(answered["shared"]).status_code == 403


def test_the_review_page_plays_shared_recordings_and_shows_shared_pictures(
    as_user, trainee, trainer, cohort, enrolment, worksheet, keys, answered
):
    client = as_user(trainee)
    picture = send(client, enrolment, worksheet, f"{keys[2]}:picture", photo(), "p.jpg").json()
    private_picture = send(
        client, enrolment, worksheet, f"{keys[0]}:picture", photo(), "q.jpg"
    ).json()
    hand_in(trainee, enrolment)
    response = response_of(enrolment)
    html = (
        as_user(trainer)
        .get(reverse("worksheets:review", args=[cohort.pk, response.pk]))
        .content.decode()
    )
    assert f'<audio controls preload="none" src="{answered["shared"]}"' in html
    assert f'src="{picture["url"]}"' in html
    assert "Answered by speaking:" in html and "Answered with a picture:" in html
    # The private reflection's recording and picture are not even named.
    assert answered["private"] not in html and private_picture["url"] not in html


# --- the trainee's page and the printed copy ------------------------------------------------


def test_the_fill_page_offers_only_the_formats_each_question_takes(
    as_user, trainee, enrolment, worksheet, keys
):
    html = (
        as_user(trainee)
        .get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk]))
        .content.decode()
    )
    assert html.count('class="ws-audio"') == 2  # the two reflections
    assert html.count('class="ws-picture"') == 3  # the two reflections and the table cell
    assert f'data-name="{keys[3]}:audio"' not in html
    assert 'accept="image/*" capture="environment"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "answer_formats.js" in html
    # Buttons work without a mouse: real buttons, with words.
    for words in ("Record", "Stop", "Listen", "Delete"):
        assert f">{words}</button>" in html


def test_a_worksheet_without_file_answers_stays_as_it_was(as_user, trainee, enrolment, programme):
    plain = worksheet_with_parts("Plain", part("reflection", "trainer", prompt="Why?"))
    make_session(programme, 2, activities=[activity(worksheet=plain)])
    html = as_user(trainee).get(reverse("worksheets:fill", args=[enrolment.pk, plain.pk]))
    html = html.content.decode()
    assert "answer_formats.js" not in html and "ws-audio" not in html
    assert "multipart/form-data" not in html


def test_the_fill_page_shows_what_was_given(as_user, trainee, enrolment, worksheet, keys):
    client = as_user(trainee)
    audio = send(client, enrolment, worksheet, f"{keys[1]}:audio", WEBM, "r", "a").json()["url"]
    picture = send(client, enrolment, worksheet, f"{keys[1]}:picture", photo(), "p").json()["url"]
    html = client.get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])).content
    html = html.decode()
    assert f'data-url="{audio}"' in html and f'src="{audio}"' in html
    assert f'<img class="ws-picture-shown" src="{picture}"' in html
    assert "Your picture for: What will you take from them?" in html


def test_the_fill_page_costs_the_same_however_many_files_were_given(
    as_user, trainee, enrolment, worksheet, keys, django_assert_max_num_queries
):
    client = as_user(trainee)
    url = reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])
    send(client, enrolment, worksheet, f"{keys[0]}:audio", WEBM, "r", "0")
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    for number in range(1, 6):
        send(client, enrolment, worksheet, f"{keys[number % 2]}:audio", OGG, "r", f"{number}")
        send(client, enrolment, worksheet, f"{keys[2]}:picture", photo(), "p", f"p{number}")
    with django_assert_max_num_queries(30) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def pdf_text_and_images(data):
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    return text, images


def test_the_printed_copy_says_answered_by_audio_and_shows_the_picture(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    send(client, enrolment, worksheet, f"{keys[0]}:audio", WEBM, "r", "a")
    send(client, enrolment, worksheet, f"{keys[1]}:picture", photo(), "p", "p")
    reply = client.get(reverse("worksheets:response_pdf", args=[enrolment.pk, worksheet.pk]))
    text, images = pdf_text_and_images(reply.content)
    assert "Answered by audio (listen online)." in text
    assert "Answered with a picture:" in text
    assert images == 1

    portfolio = client.get(reverse("worksheets:portfolio"))
    text, images = pdf_text_and_images(portfolio.content)
    assert "Answered by audio (listen online)." in text and images == 1


def test_a_picture_missing_from_storage_does_not_stop_the_printed_copy(
    as_user, trainee, enrolment, worksheet, keys
):
    client = as_user(trainee)
    send(client, enrolment, worksheet, f"{keys[1]}:picture", photo(), "p", "p")
    for path in stored_files():
        path.unlink()
    reply = client.get(reverse("worksheets:response_pdf", args=[enrolment.pk, worksheet.pk]))
    text, images = pdf_text_and_images(reply.content)
    assert "Answered with a picture (see it online)." in text and images == 0
    answer_file = AnswerFile.objects.get()
    assert client.get(reverse("worksheets:answer_file", args=[answer_file.pk])).status_code == 404


def test_deleting_the_response_removes_its_files_from_storage(
    as_user, trainee, enrolment, worksheet, keys, django_capture_on_commit_callbacks
):
    send(as_user(trainee), enrolment, worksheet, f"{keys[0]}:audio", WEBM, "r", "t")
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response_of(enrolment).delete()
    assert not stored_files()


def test_the_blank_copy_says_the_question_can_be_answered_online_by_speaking(
    as_user, trainer, worksheet, programme
):
    url = reverse("worksheets:blank_pdf", args=[worksheet.pk]) + f"?programme={programme.pk}"
    reply = as_user(trainer).get(url)
    assert reply.status_code == 200
    text, _images = pdf_text_and_images(
        b"".join(reply.streaming_content) if reply.streaming else reply.content
    )
    assert text.count("You can also answer online, by speaking or with a picture.") == 2


def test_without_javascript_a_picture_chosen_before_handing_in_is_kept(
    as_user, trainee, enrolment, worksheet, keys
):
    upload = io.BytesIO(photo())
    upload.name = "IMG_2.jpg"
    reply = as_user(trainee).post(
        reverse("worksheets:submit", args=[enrolment.pk, worksheet.pk]),
        {
            "base_version": "0",
            "device": "form-2",
            "upload_token": "page",
            keys[1]: "Their patience.",
            f"{keys[1]}:picture": upload,
            "hand_in": "1",
        },
    )
    assert reply.status_code == 302
    response = response_of(enrolment)
    assert response.status == WorksheetResponse.Status.SUBMITTED
    assert response.answers[file_key(keys[1], "picture")] == str(AnswerFile.objects.get().pk)
