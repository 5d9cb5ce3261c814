"""Shared H5P fixtures for ``tests/assessments/test_h5p*.py`` (imported explicitly)."""

import io
import json
import uuid
import zipfile

import pytest

from assessments.h5p_build import build_package
from assessments.h5p_package import install_package
from assessments.models import H5PActivity
from assessments.xapi import actor_mail
from tests.factories import activity, make_session


@pytest.fixture
def h5p_media(settings, tmp_path):
    """Packages and their unpacked folders go to a throw-away private folder (returned); the
    public MEDIA_ROOT is a throw-away folder too, to check nothing lands there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


_DEMO = {}


def demo_bytes():
    if "data" not in _DEMO:
        _DEMO["data"] = build_package()
    return _DEMO["data"]


def demo_files():
    with zipfile.ZipFile(io.BytesIO(demo_bytes())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_of(files, extra=()):
    """A zip of ``files`` (name -> bytes) plus ``extra`` (ZipInfo, bytes) pairs."""
    memory = io.BytesIO()
    with zipfile.ZipFile(memory, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for info, data in extra:
            archive.writestr(info, data)
    return memory.getvalue()


@pytest.fixture
def h5p_activity(h5p_media, editor):
    return install_package(
        H5PActivity(title="Peer check", pass_percent=75), demo_bytes(), user=editor
    )


@pytest.fixture
def h5p_session(programme, h5p_activity):
    """Session 1 of ``programme`` plays the activity."""
    return make_session(
        programme, number=1, activities=[activity("Check yourself", h5p=h5p_activity.pk)]
    )


def statement(
    user,
    act,
    verb="completed",
    *,
    sub=None,
    raw=None,
    top=None,
    response=None,
    interaction=None,
    statement_id=None,
    registration=None,
    scaled=None,
):
    """A statement as the play page sends it; ``registration`` names the attempt (an
    ``H5PAttempt`` or its UUID)."""
    object_id = act.activity_iri + (f"?subContentId={sub}" if sub else "")
    body = {
        "id": str(statement_id or uuid.uuid4()),
        "actor": {"name": "Someone", "mbox": f"mailto:{actor_mail(user)}", "objectType": "Agent"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": object_id, "objectType": "Activity", "definition": {}},
        "timestamp": "2026-01-01T10:00:00Z",
    }
    if registration is not None:
        body["context"] = {"registration": str(getattr(registration, "registration", registration))}
    if sub:
        body.setdefault("context", {})["contextActivities"] = {
            "parent": [{"id": act.activity_iri, "objectType": "Activity"}]
        }
    if interaction:
        body["object"]["definition"] = {
            "interactionType": interaction,
            "description": {"en-US": "What kind of peer supporter do you want to be?"},
        }
    result = {}
    if raw is not None:
        result["score"] = {
            "raw": raw,
            "max": top,
            "min": 0,
            "scaled": raw / top if scaled is None else scaled,
        }
        result["completion"] = True
    if response is not None:
        result["response"] = response
    if result:
        body["result"] = result
    return body


def post(client, url, body, **extra):
    """Send a statement (a dict, or a body as it is) to the xAPI endpoint, as the page does."""
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


DECLARED = object()


def open_attempt(enrolment, act, *, seconds_ago=60, max_score=DECLARED):
    """An attempt as the play page opens it (the package's highest score, unless told), a
    minute ago unless told: statements sooner than a few seconds after opening are held
    back."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.h5p_package import declared_max_score
    from assessments.models import H5PAttempt

    attempt = H5PAttempt.open_for(
        enrolment=enrolment,
        activity=act,
        max_score=declared_max_score(act) if max_score is DECLARED else max_score,
    )
    H5PAttempt.objects.filter(pk=attempt.pk).update(
        opened_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    attempt.refresh_from_db()
    return attempt


QUESTIONS = ("lived-experience", "listening", "boundaries", "confidentiality")


def play_round(client, url, user, act, attempt, score, *, words=None, total=None):
    """What the demo content type sends for one play: an "answered" per choice question (the
    first ``score`` right), the words typed if any, then "completed" with the total
    (``total`` when a test wants it to disagree). Returns the replies."""
    replies = [
        post(
            client,
            url,
            statement(
                user,
                act,
                "answered",
                sub=question,
                raw=1 if index < score else 0,
                top=1,
                interaction="choice",
                registration=attempt,
            ),
        )
        for index, question in enumerate(QUESTIONS)
    ]
    if words is not None:
        replies.append(
            post(
                client,
                url,
                statement(
                    user,
                    act,
                    "answered",
                    sub="own-words",
                    response=words,
                    interaction="long-fill-in",
                    registration=attempt,
                ),
            )
        )
    replies.append(
        post(
            client,
            url,
            statement(
                user,
                act,
                raw=score if total is None else total,
                top=len(QUESTIONS),
                registration=attempt,
            ),
        )
    )
    return replies
