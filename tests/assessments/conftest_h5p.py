"""Shared H5P fixtures for ``tests/assessments/test_h5p*.py`` (imported explicitly)."""

import io
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
    """Unpacked packages go to a throw-away MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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
):
    object_id = act.activity_iri + (f"?subContentId={sub}" if sub else "")
    body = {
        "id": str(statement_id or uuid.uuid4()),
        "actor": {"name": "Someone", "mbox": f"mailto:{actor_mail(user)}", "objectType": "Agent"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"id": object_id, "objectType": "Activity", "definition": {}},
        "timestamp": "2026-01-01T10:00:00Z",
    }
    if interaction:
        body["object"]["definition"] = {
            "interactionType": interaction,
            "description": {"en-US": "What kind of peer supporter do you want to be?"},
        }
    result = {}
    if raw is not None:
        result["score"] = {"raw": raw, "max": top, "min": 0, "scaled": raw / top}
        result["completion"] = True
    if response is not None:
        result["response"] = response
    if result:
        body["result"] = result
    return body
