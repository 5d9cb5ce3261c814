"""Issue 14: package code never runs with the platform's origin. The play page frames the
player in a sandbox without ``allow-same-origin``; the frame's document and the package files
come from a signed, short-lived link that needs no login cookie, under a policy of their own.
(What a hostile library can reach in a real browser is in ``tests/browser/test_h5p_sandbox.py``.)"""
# ruff: noqa: F811 (fixtures imported from conftest_h5p are used as arguments)

import re
from html.parser import HTMLParser

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from assessments import h5p_sandbox
from assessments.models import H5PAttempt
from lms.roles import Role
from tests.factories import UserFactory
from training.models import Enrolment

from .conftest_h5p import h5p_activity, h5p_media, h5p_session  # noqa: F401

pytestmark = pytest.mark.django_db


class Frames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.frames = []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.frames.append(dict(attrs))


def frames_of(response):
    parser = Frames()
    parser.feed(response.content.decode())
    return parser.frames


def policy(response, header="Content-Security-Policy"):
    """``{directive: [values]}`` of a response's policy."""
    parts = [p.strip().split() for p in response[header].split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.fixture
def play(client, trainee, cohort, h5p_session, h5p_activity):
    client.force_login(trainee)
    enrolment = Enrolment.objects.get(trainee=trainee, cohort=cohort)
    return client.get(reverse("assessments:h5p_play", args=[enrolment.pk, h5p_activity.pk]))


def test_the_play_page_frames_the_player_in_a_sandbox_without_an_origin(play):
    assert play.status_code == 200
    (frame,) = frames_of(play)
    assert frame["sandbox"].split() == ["allow-scripts", "allow-forms"]
    assert frame["src"] == play.context["frame_src"]
    assert frame["src"].startswith("http://testserver/h5p/frame/")
    assert frame["referrerpolicy"] == "no-referrer"
    page = play.content.decode()
    # h5p-standalone and the package's scripts are not in the page itself.
    assert "main.bundle.js" not in page and "/h5p/frame/" not in page.replace(frame["src"], "")


def test_the_frame_opens_without_a_login_cookie_under_its_own_policy(play, h5p_activity):
    frame = Client().get(play.context["frame_src"])
    assert frame.status_code == 200
    rules = policy(frame)
    token = play.context["frame_src"].rstrip("/").rsplit("/", 1)[-1]
    files = f"http://testserver/h5p/frame/{token}/files/"
    static = "http://testserver/static/assessments/"
    assert rules["sandbox"] == ["allow-scripts", "allow-forms"]
    assert rules["default-src"] == ["'none'"]
    assert rules["script-src"] == [static, files, "'unsafe-eval'"]
    assert rules["connect-src"] == [files]
    assert rules["form-action"] == ["'none'"]
    assert rules["frame-ancestors"] == ["http://testserver"]
    assert "X-Frame-Options" not in frame
    assert frame["Referrer-Policy"] == "no-referrer"
    body = frame.content.decode()
    # The frame is told where the files are and nothing about the person or the page.
    assert "csrfmiddlewaretoken" not in body and "learner-" not in body
    assert f'"h5pJsonPath": "{files[:-1]}"' in body
    assert '"parentOrigin": "http://testserver"' in body
    assert re.search(r'src="/static/assessments/h5p_frame\.js"', body)


def test_a_tampered_or_expired_link_opens_nothing(play):
    src = play.context["frame_src"]
    token = src.rstrip("/").rsplit("/", 1)[-1]
    payload, stamp, signature = token.split(h5p_sandbox.SEPARATOR)
    tampered = src.replace(token, f"{payload}.{stamp}.{signature[:-2]}xx")
    assert Client().get(tampered).status_code == 403
    assert Client().get(tampered + "files/h5p.json").status_code == 404

    class LongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(signing.time.time()) - 9 * 3600)

    link = h5p_sandbox.read_token(token, max_age=h5p_sandbox.FRAME_LIFETIME)
    old = LongAgo(salt=h5p_sandbox.SALT, sep=h5p_sandbox.SEPARATOR).sign_object(
        signing.TimestampSigner(salt=h5p_sandbox.SALT, sep=h5p_sandbox.SEPARATOR).unsign_object(
            token
        )
    )
    assert (
        link is not None and h5p_sandbox.read_token(old, max_age=h5p_sandbox.FRAME_LIFETIME) is None
    )
    assert Client().get(src.replace(token, old)).status_code == 403
    assert Client().get(src.replace(token, old) + "files/h5p.json").status_code == 404


def test_the_link_stops_when_its_attempt_closes(play):
    H5PAttempt.objects.update(closed_at="2026-01-01T00:00:00Z")
    assert Client().get(play.context["frame_src"]).status_code == 403


def test_package_files_are_shared_with_the_frame_and_never_run_as_documents(play, h5p_media):
    files = play.context["frame_src"] + "files/"
    svg = next((h5p_media / "h5p" / "content").iterdir()) / "content" / "drawing.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    response = Client().get(files + "content/drawing.svg")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in policy(response) and policy(response)["default-src"] == ["'none'"]


def test_files_answer_the_preflight_a_sound_library_sends(play):
    files = play.context["frame_src"] + "files/"
    response = Client().options(
        files + "h5p.json",
        HTTP_ORIGIN="null",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-requested-with",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Headers"] == "x-requested-with"
    odd = Client().options(files + "h5p.json", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="a\r\nb: c")
    assert "Access-Control-Allow-Headers" not in odd


def test_with_a_content_origin_frames_and_files_come_from_it(play, settings, client, trainee):
    settings.H5P_CONTENT_ORIGIN = "https://h5p-content.example.org"
    page = client.get(play.request["PATH_INFO"])
    src = page.context["frame_src"]
    assert src.startswith("https://h5p-content.example.org/h5p/frame/")
    # The page may frame that origin (django-csp's per-view update of the site's policy).
    assert "https://h5p-content.example.org" in policy(page)["frame-src"]
    path = src.removeprefix("https://h5p-content.example.org")
    frame = Client().get(path, HTTP_HOST="h5p-content.example.org", secure=True)
    assert frame.status_code == 200
    rules = policy(frame)
    assert rules["script-src"][0] == "https://h5p-content.example.org/static/assessments/"
    assert rules["connect-src"][0].startswith("https://h5p-content.example.org/h5p/frame/")
    assert rules["frame-ancestors"] == ["http://testserver"]


def test_the_preview_frame_is_for_staff_only(client, editor, h5p_activity):
    client.force_login(editor)
    src = client.get(reverse("assessments:h5p_preview", args=[h5p_activity.pk])).context[
        "frame_src"
    ]
    assert Client().get(src).status_code == 200
    editor.groups.clear()
    assert Client().get(src).status_code == 403
    trainee = UserFactory(username="curious", roles=[Role.TRAINEE])
    client.force_login(trainee)
    assert client.get(reverse("assessments:h5p_preview", args=[h5p_activity.pk])).status_code == 404
