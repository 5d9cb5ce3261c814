"""The demo H5P activity (built, uploaded, placed in session 2, idempotent) and the upload
form in the Wagtail admin."""
# ruff: noqa: F811 (fixtures imported from conftest_h5p are used as arguments)

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments import demo_h5p
from assessments.h5p_build import DEMO_TITLE
from assessments.h5p_package import content_dir
from assessments.models import H5PActivity
from tests import demo_pages

from .conftest_h5p import demo_bytes, demo_files, h5p_media, zip_of  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent(h5p_media, tmp_path):
    call_command("load_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    first = demo_h5p.load()
    second = demo_h5p.load()
    assert first.pk == second.pk and H5PActivity.objects.filter(title=DEMO_TITLE).count() == 1
    assert (content_dir(first) / "h5p.json").is_file()
    plan = demo_pages.session(2)
    uses = [
        item["value"].get("h5p")
        for item in plan.specific.activities.raw_data
        if item["type"] == "activity"
    ]
    assert uses.count(first.pk) == 1
    assert first.pass_percent == 75


def test_build_command_writes_a_package_that_passes_the_checks(tmp_path):
    from assessments.h5p_package import inspect_package

    target = tmp_path / "demo.h5p"
    call_command("build_h5p_demo", output=str(target), stdout=open(tmp_path / "o", "w"))  # noqa: SIM115
    assert inspect_package(target.read_bytes()).main_library == "H5P.PeerCheck 1.0"


def _upload(client, data, title="Uploaded check", name="check.h5p"):
    return client.post(
        reverse("wagtailsnippets_assessments_h5pactivity:add"),
        {"title": title, "pass_percent": "60", "package": SimpleUploadedFile(name, data)},
    )


def test_editor_uploads_a_package_in_the_admin(client, editor, h5p_media):
    editor.is_superuser = True  # the admin permission set is the lead's; any editor here
    editor.save()
    client.force_login(editor)
    response = _upload(client, demo_bytes())
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = H5PActivity.objects.get()
    assert activity.title == "Uploaded check" and activity.pass_percent == 60
    assert activity.uploaded_by == editor
    assert (content_dir(activity) / "content" / "content.json").is_file()


def test_admin_shows_the_refusal_on_the_file_field(client, editor, h5p_media):
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    response = _upload(client, zip_of({**demo_files(), "content/run.exe": b"MZ"}))
    assert response.status_code == 200
    assert "content/run.exe" in response.context["form"].errors["package"][0]
    assert not H5PActivity.objects.exists()
    assert not (h5p_media / "h5p" / "content").exists() or not any(
        (h5p_media / "h5p" / "content").iterdir()
    )


def test_admin_edit_keeps_the_package_and_replacing_rechecks(client, editor, h5p_media):
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    _upload(client, demo_bytes())
    activity = H5PActivity.objects.get()
    url = reverse("wagtailsnippets_assessments_h5pactivity:edit", args=[activity.pk])
    response = client.post(url, {"title": "Renamed", "pass_percent": "80"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.pass_percent) == ("Renamed", 80)
    sha = activity.sha256
    bad = client.post(
        url,
        {
            "title": "Renamed",
            "pass_percent": "80",
            "package": SimpleUploadedFile("x.h5p", b"not a zip"),
        },
    )
    assert bad.status_code == 200 and "not a zip" in bad.context["form"].errors["package"][0]
    activity.refresh_from_db()
    assert activity.sha256 == sha
